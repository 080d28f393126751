import type { Rollout } from '../../../src/rollout/types.js';
import { validateRollout } from '../../../src/sandbox/admission.js';
import { clone, loadExample } from './controllers-sim.js';

const example = (file: string): Rollout => {
  const ro = loadExample(file).find((d) => d.kind === 'Rollout') as Rollout;
  ro.metadata.namespace ??= 'default';
  return ro;
};
const canary = () => example('e2e_rollout_v1beta1_canary_base.yaml');
const partition = () => example('e2e_rollout_v1beta1_partition_base.yaml');
const blueGreen = () => example('e2e_rollout_v1beta1_bluegreen_base.yaml');
const guide = () => example('docs_basic-usage_rollout_v1beta1.yaml');

const edit = (base: () => Rollout, f: (ro: any) => void) => (): Rollout => {
  const ro = base();
  f(ro);
  return ro;
};

describe('validateRollout: accepted examples', () => {
  it.each([
    'docs_basic-usage_rollout_v1beta1.yaml',
    'e2e_rollout_v1beta1_canary_base.yaml',
    'e2e_rollout_v1beta1_partition_base.yaml',
    'e2e_rollout_v1beta1_bluegreen_base.yaml',
    'e2e_rollout_v1beta1_bluegreen_cloneset_base.yaml',
    'e2e_rollout_v1beta1_native_daemonset_base.yaml',
    'docs_basic-usage_rollout_v1alpha1.yaml',
    'e2e_rollout_canary_base.yaml',
  ])('%s', (file) => {
    expect(validateRollout(example(file), undefined, [])).toBeUndefined();
  });
});

describe('validateRollout: create rules', () => {
  it.each<[string, () => Rollout, string]>([
    ['no strategy', edit(canary, (r) => (r.spec.strategy = {})), 'Canary and BlueGreen cannot both be empty'],
    [
      'both strategies',
      edit(canary, (r) => (r.spec.strategy.blueGreen = blueGreen().spec.strategy!.blueGreen)),
      'Canary and BlueGreen cannot both be set',
    ],
    ['no steps', edit(canary, (r) => (r.spec.strategy.canary.steps = [])), 'The number of Canary.Steps cannot be empty'],
    ['steps absent', edit(guide, (r) => delete r.spec.strategy.canary.steps), 'The number of Canary.Steps cannot be empty'],
    ['a step without replicas', edit(guide, (r) => delete r.spec.strategy.canary.steps[1].replicas), 'replicas cannot be empty'],
    [
      'replicas 0',
      edit(guide, (r) => (r.spec.strategy.canary.steps[0].replicas = 0)),
      'replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"',
    ],
    [
      'replicas -1',
      edit(guide, (r) => (r.spec.strategy.canary.steps[0].replicas = -1)),
      'replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"',
    ],
    [
      'replicas "0%"',
      edit(guide, (r) => (r.spec.strategy.canary.steps[0].replicas = '0%')),
      'replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"',
    ],
    [
      'replicas "101%"',
      edit(guide, (r) => (r.spec.strategy.canary.steps[2].replicas = '101%')),
      'replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"',
    ],
    [
      'replicas "abc"',
      edit(guide, (r) => (r.spec.strategy.canary.steps[2].replicas = 'abc')),
      'replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"',
    ],
    [
      'decreasing percentages',
      edit(guide, (r) => (r.spec.strategy.canary.steps[2].replicas = '40%')),
      'Steps.CanaryReplicas must be a non decreasing sequence',
    ],
    [
      'decreasing integers',
      edit(guide, (r) => (r.spec.strategy.canary.steps = [{ replicas: 5 }, { replicas: 3 }])),
      'Steps.CanaryReplicas must be a non decreasing sequence',
    ],
    [
      'canary traffic "0%"',
      edit(canary, (r) => (r.spec.strategy.canary.steps[0].traffic = '0%')),
      'traffic must be percentage with "0%" < traffic <= "100%" in canary strategy',
    ],
    [
      'canary traffic "120%"',
      edit(canary, (r) => (r.spec.strategy.canary.steps[4].traffic = '120%')),
      'traffic must be percentage with "0%" < traffic <= "100%" in canary strategy',
    ],
    [
      'canary traffic "20"',
      edit(canary, (r) => (r.spec.strategy.canary.steps[0].traffic = '20')),
      'traffic must be percentage with "0%" < traffic <= "100%" in canary strategy',
    ],
    [
      'blue-green traffic "101%"',
      edit(blueGreen, (r) => (r.spec.strategy.blueGreen.steps[3].traffic = '101%')),
      'traffic must be percentage with "0%" <= traffic <= "100%" in blueGreen strategy',
    ],
    [
      'partition with traffic above 50%',
      edit(partition, (r) => (r.spec.strategy.canary.steps[2].traffic = '60%')),
      'For partition style rollout: step[x].replicas must not greater than partition-percent-limit if traffic specified',
    ],
    [
      'partition with matches above 50%',
      edit(partition, (r) => (r.spec.strategy.canary.steps[2].matches = [{ headers: [{ name: 'a', value: 'b' }] }])),
      'For partition style rollout: step[x].replicas must not greater than partition-percent-limit if traffic specified',
    ],
    [
      'two traffic routings',
      edit(canary, (r) => r.spec.strategy.canary.trafficRoutings.push(clone(r.spec.strategy.canary.trafficRoutings[0]))),
      'Rollout currently only support single TrafficRouting.',
    ],
    [
      'routing without service',
      edit(canary, (r) => (r.spec.strategy.canary.trafficRoutings[0].service = '')),
      'TrafficRouting.Service cannot be empty',
    ],
    [
      'routing without target',
      edit(canary, (r) => delete r.spec.strategy.canary.trafficRoutings[0].ingress),
      'TrafficRoutings are not set',
    ],
    [
      'ingress without name',
      edit(canary, (r) => (r.spec.strategy.canary.trafficRoutings[0].ingress.name = '')),
      'TrafficRouting.Ingress.Ingress cannot be empty',
    ],
    [
      'gateway without route',
      edit(canary, (r) => (r.spec.strategy.canary.trafficRoutings[0] = { service: 's', gateway: {} })),
      'TrafficRouting.Gateway must set the name of HTTPRoute or HTTPsRoute',
    ],
    [
      'negative grace period',
      edit(canary, (r) => (r.spec.strategy.canary.trafficRoutings[0].gracePeriodSeconds = -1)),
      'TrafficRouting.GracePeriodSeconds cannot be negative',
    ],
    [
      'unsupported workload kind',
      edit(guide, (r) => (r.spec.workloadRef = { apiVersion: 'v1', kind: 'Pod', name: 'x' })),
      'WorkloadRef kind is not supported',
    ],
    [
      'blue-green on a StatefulSet',
      edit(blueGreen, (r) => (r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'x' })),
      'WorkloadRef kind is not supported for bluegreen style',
    ],
    ['no workloadRef', edit(guide, (r) => delete r.spec.workloadRef), 'WorkloadRef is required'],
  ])('%s', (_n, make, message) => {
    expect(validateRollout(make(), undefined, [])).toBe(message);
  });

  it.each<[string, () => Rollout]>([
    ['integers above 100', edit(guide, (r) => (r.spec.strategy.canary.steps = [{ replicas: 50 }, { replicas: 150 }]))],
    [
      'mixed types are not compared',
      edit(guide, (r) => (r.spec.strategy.canary.steps = [{ replicas: 5 }, { replicas: '1%' }, { replicas: 3 }])),
    ],
    ['equal neighbours', edit(guide, (r) => (r.spec.strategy.canary.steps = [{ replicas: '50%' }, { replicas: '50%' }]))],
    ['blue-green traffic "0%"', blueGreen],
    [
      'partition with traffic at 50%',
      edit(partition, (r) => (r.spec.strategy.canary.steps = [{ replicas: '50%', traffic: '10%' }, { replicas: '100%' }])),
    ],
    ['canary style with traffic above 50%', canary],
  ])('accepts %s', (_n, make) => {
    expect(validateRollout(make(), undefined, [])).toBeUndefined();
  });

  it('one Rollout per workload in the namespace', () => {
    const other = guide();
    other.metadata.name = 'first';
    expect(validateRollout(guide(), undefined, [other])).toBe(
      'This rollout conflict with Rollout(default/first), one workload only have less than one Rollout',
    );
    const elsewhere = edit(guide, (r) => (r.spec.workloadRef.name = 'other-app'))();
    elsewhere.metadata.name = 'first';
    expect(validateRollout(guide(), undefined, [elsewhere])).toBeUndefined();
    // The Rollout itself in the list is not a conflict.
    expect(validateRollout(guide(), undefined, [guide()])).toBeUndefined();
  });
});

describe('validateRollout: updates', () => {
  const withPhase = (ro: Rollout, phase: string): Rollout => ({ ...ro, status: { phase } });

  it.each<[string, (r: any) => void, string | undefined]>([
    ['workloadRef', (r) => (r.spec.workloadRef.name = 'other'), "Rollout 'ObjectRef' field is immutable"],
    [
      'trafficRoutings',
      (r) => (r.spec.strategy.canary.trafficRoutings[0].ingress.name = 'other'),
      "Rollout 'Strategy.Canary|BlueGreen.TrafficRoutings' field is immutable",
    ],
    [
      'style',
      (r) => {
        r.spec.strategy.canary.enableExtraWorkloadForCanary = false;
        // (partition style with traffic above 50% would be refused first)
        for (const s of r.spec.strategy.canary.steps) delete s.traffic;
      },
      'Rollout style and enableExtraWorkloadForCanary are immutable',
    ],
    ['number of steps', (r) => r.spec.strategy.canary.steps.pop(), 'Amount of Rollout steps are immutable'],
    ['step content', (r) => (r.spec.strategy.canary.steps[0].pause = { duration: 5 }), undefined],
    ['paused', (r) => (r.spec.strategy.paused = true), undefined],
  ])('while Progressing or Terminating: %s', (_n, change, message) => {
    for (const phase of ['Progressing', 'Terminating']) {
      const old = withPhase(canary(), phase);
      const next = clone(old) as any;
      change(next);
      expect(validateRollout(next, old, [])).toBe(message);
    }
    // Outside a release anything valid goes.
    for (const phase of ['Healthy', 'Initial']) {
      const old = withPhase(canary(), phase);
      const next = clone(old) as any;
      change(next);
      expect(validateRollout(next, old, [])).toBeUndefined();
    }
  });

  it('spec rules still apply on update', () => {
    const old = withPhase(guide(), 'Healthy');
    const next = edit(guide, (r) => (r.spec.strategy.canary.steps[0].replicas = 0))();
    expect(validateRollout(next, old, [])).toBe('replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"');
  });

  it('judges a v1alpha1 body in its v1beta1 form', () => {
    const alpha = example('docs_basic-usage_rollout_v1alpha1.yaml') as any;
    alpha.spec.strategy.canary.steps[2].replicas = '10%';
    expect(validateRollout(alpha, undefined, [])).toBe('Steps.CanaryReplicas must be a non decreasing sequence');
  });
});
