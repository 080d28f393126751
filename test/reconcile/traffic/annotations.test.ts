// The canary Ingress annotations of each bundled provider, against the Lua scripts' tables
// (lua_configuration/trafficrouting_ingress/*.lua upstream), and how `rollout status` shows them.
import { Chalk } from 'chalk';
import { canaryIngressAnnotations } from '../../../src/reconcile/traffic/annotations.js';
import { stepWeight } from '../../../src/reconcile/traffic/router.js';
import { renderRolloutText } from '../../../src/render/rollout-text.js';
import { toRolloutView, toTrafficObjectViews } from '../../../src/rollout/view.js';
import { scenario } from '../../fixtures/load.js';

const header = (name: string, value: string, type?: string) => ({ headers: [{ name, value, ...(type ? { type } : {}) }] });

describe('canaryIngressAnnotations', () => {
  it('nginx: the weight replaces every earlier canary rule; other annotations stay', () => {
    const before = {
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary-by-header': 'user-agent',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'pc',
      'nginx.ingress.kubernetes.io/canary-weight': '20',
    };
    expect(canaryIngressAnnotations('nginx', before, { weight: 40 })).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '40',
    });
    // No traffic (weight -1): no canary-weight at all.
    expect(canaryIngressAnnotations('nginx', before, { weight: -1 })).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
    });
  });

  it('nginx and higress: a header, a regular expression and the canary-by-cookie header', () => {
    for (const classType of ['nginx', 'higress']) {
      expect(canaryIngressAnnotations(classType, undefined, { weight: -1, matches: [header('user-agent', 'pc')] })).toEqual({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-by-header': 'user-agent',
        'nginx.ingress.kubernetes.io/canary-by-header-value': 'pc',
      });
      expect(
        canaryIngressAnnotations(classType, undefined, { weight: 10, matches: [header('x-env', 'dev.*', 'RegularExpression')] }),
      ).toEqual({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-by-header': 'x-env',
        'nginx.ingress.kubernetes.io/canary-by-header-pattern': 'dev.*',
        'nginx.ingress.kubernetes.io/canary-weight': '10',
      });
      expect(canaryIngressAnnotations(classType, undefined, { weight: -1, matches: [header('canary-by-cookie', 'demo')] })).toEqual({
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-by-cookie': 'demo',
      });
    }
  });

  it('aliyun-alb: the alb.ingress.kubernetes.io set with order 1', () => {
    expect(canaryIngressAnnotations('aliyun-alb', {}, { weight: 20, matches: [header('user-agent', 'pc')] })).toEqual({
      'alb.ingress.kubernetes.io/canary': 'true',
      'alb.ingress.kubernetes.io/order': '1',
      'alb.ingress.kubernetes.io/canary-weight': '20',
      'alb.ingress.kubernetes.io/canary-by-header': 'user-agent',
      'alb.ingress.kubernetes.io/canary-by-header-value': 'pc',
    });
  });

  it('mse: query matches, service-subset and the request header modifier', () => {
    const before = { 'mse.ingress.kubernetes.io/service-subset': 'blue', 'mse.ingress.kubernetes.io/canary-by-query': 'old' };
    expect(
      canaryIngressAnnotations('mse', before, {
        weight: -1,
        matches: [{ queryParams: [{ name: 'user', value: 'a' }] }],
        requestHeaderModifier: { set: [{ name: 'x-a', value: '1' }] },
      }),
    ).toEqual({
      'mse.ingress.kubernetes.io/service-subset': 'gray',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-query': 'user',
      'nginx.ingress.kubernetes.io/canary-by-query-value': 'a',
      'mse.ingress.kubernetes.io/request-header-control-update': 'x-a 1',
    });
  });

  it('the weight is ceil(traffic of 100); anything but a percentage is 0, as upstream parses it', () => {
    expect([stepWeight('20%'), stepWeight('0.5%'), stepWeight(undefined), stepWeight('20')]).toEqual([20, 1, -1, 0]);
  });
});

describe('rollout status: what the canary Ingress carries', () => {
  it('shows the canary rules of the Ingress in the cluster, or that it is absent', () => {
    const { rollout, workload } = scenario('canary-step-paused');
    rollout.spec.strategy!.canary!.trafficRoutings = [{ service: 'demo', ingress: { name: 'demo' } }];
    rollout.spec.strategy!.canary!.steps![0]!.traffic = '20%';
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'demo-canary',
        annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '20', other: 'x' },
      },
    };
    const plain = new Chalk({ level: 0 });
    const text = (objs: object[]) =>
      renderRolloutText(toRolloutView(rollout, workload, new Date(), null, null, toTrafficObjectViews(['demo-canary'], objs as never)), {
        chalk: plain,
      });
    expect(text([ingress])).toContain('Gateway:      demo-canary canary-weight 20\n');
    expect(text([])).toContain('Gateway:      demo-canary absent (all traffic to stable)');
  });
});
