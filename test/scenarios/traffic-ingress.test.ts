// Traffic routing with an nginx Ingress on a partition-style Deployment, replayed from upstream's
// e2e objects (echoserver Deployment, Service and Ingress; the v1beta1 partition base Rollout)
// black-box: kubectl applies them to a sandbox without a controller loop, `rollout
// reconcile-once` runs the controller with an injected clock, and the test reads what upstream's
// e2e tests read: the Service selectors, the canary Service and the canary Ingress's annotations.
import type { KubeObject } from '../../src/kube/types.js';
import type { Rollout } from '../../src/rollout/types.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/workload/types.js';
import { startKubectlEnv } from '../conformance/harness.js';
import { examplePath } from '../fixtures/load.js';
import { runCli } from '../helpers/cli.js';
import { clockedSandbox, describeWithKubectl, kubectl } from './clocked-sandbox.js';
import { fixtureDir, loadExample, send, until } from './helpers.js';

type Obj = KubeObject & { spec?: any };

const NEW_VERSION = '{"spec":{"template":{"spec":{"containers":[{"name":"echoserver","env":[{"name":"NODE_NAME","value":"version2"}]}]}}}}';

describeWithKubectl('traffic routing: Service + nginx Ingress on a partition-style Deployment', () => {
  const h = clockedSandbox({ tmpPrefix: 'kk-traffic-' });
  const { run, apply, kruise, once, rollout, drive, at } = h;

  const service = (name: string) => h.sb.store.get<Obj>('services', 'default', name);
  const ingress = (name: string) => h.sb.store.get<Obj>('ingresses', 'default', name);
  /** An Ingress's annotations but kubectl's last-applied-configuration (the canary Ingress copies the stable one's, as upstream). */
  const annotationsOf = (name: string) => {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _, ...rest } = ingress(name)?.metadata.annotations ?? {};
    return rest;
  };
  const revisions = () => ({
    stable: rollout()!.status!.canaryStatus!.stableRevision!,
    canary: rollout()!.status!.canaryStatus!.podTemplateHash!,
  });

  /** The echoserver Deployment, Service, Ingress (unless `withIngress` is false) and the partition base Rollout, with `steps` if given. */
  const setUp = async (opts: { withIngress?: boolean; steps?: unknown[] } = {}) => {
    await apply(examplePath('e2e_service.yaml'));
    if (opts.withIngress !== false) await apply(examplePath('e2e_nginx_ingress.yaml'));
    await apply(examplePath('e2e_deployment.yaml'));
    await until(
      h.sb,
      '5 ready pods',
      () =>
        h.sb.store
          .list<Pod>('pods', { namespace: 'default' })
          .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 5,
    );
    const ro = loadExample('e2e_rollout_v1beta1_partition_base.yaml');
    if (opts.steps) ro.spec.strategy.canary.steps = opts.steps;
    await apply(h.files.write('rollout.yaml', ro));
    await drive(() => rollout()?.status?.phase === 'Healthy');
  };
  const release = () =>
    send(h.sb, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/echoserver', NEW_VERSION, 'application/strategic-merge-patch+json');

  test('20% traffic in step 1: Services select their revisions, the canary Ingress carries weight 20; later steps clean up; the end leaves only the stable objects', async () => {
    await setUp();
    expect(ingress('echoserver-canary')).toBeUndefined();
    await release();
    const seen = await drive(at(1, 'StepPaused'));
    expect(seen).toContain('Progressing/1/StepTrafficRouting');
    const { stable, canary } = revisions();
    expect(stable).not.toBe(canary);
    // The stable Service selects the stable revision (an update), the canary Service the canary one.
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': stable });
    const canaryService = service('echoserver-canary')!;
    expect(canaryService.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': canary });
    expect(canaryService.spec.ports).toEqual(service('echoserver')!.spec.ports);
    expect(canaryService.spec.clusterIP).not.toBe(service('echoserver')!.spec.clusterIP);
    expect(canaryService.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Rollout', name: 'rollouts-demo' })]);
    // The canary Ingress: the stable one's rules pointed at the canary Service, nginx's canary annotations.
    const canaryIngress = ingress('echoserver-canary')!;
    expect(annotationsOf('echoserver-canary')).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '20',
    });
    expect(canaryIngress.spec.rules).toEqual([
      {
        host: 'echoserver.example.com',
        http: {
          paths: [{ backend: { service: { name: 'echoserver-canary', port: { number: 80 } } }, path: '/apis/echo', pathType: 'Exact' }],
        },
      },
    ]);
    // `rollout status` shows what the canary Ingress carries.
    const status = await kruise('rollout', 'status', 'rollouts-demo');
    expect(status.stdout).toMatch(/Traffic:.*20%/);
    expect(status.stdout).toContain('Gateway:      echoserver-canary canary-weight 20\n');

    // Without permission to read Ingresses, status still answers, without the Gateway line.
    h.sb.faults.failNext({ path: '/ingresses/echoserver-canary', status: 403, message: 'ingresses is forbidden' });
    const forbidden = await kruise('rollout', 'status', 'rollouts-demo');
    expect(forbidden.code).toBe(0);
    expect(forbidden.stdout).toMatch(/Traffic:.*20%/);
    expect(forbidden.stdout).not.toContain('Gateway:');

    // Step 2 routes no traffic: the canary objects go before its batch.
    expect((await kruise('rollout', 'approve', 'rollouts-demo')).code).toBe(0);
    await drive(at(2, 'StepPaused'));
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(service('echoserver-canary')).toBeUndefined();
    expect(ingress('echoserver-canary')).toBeUndefined();

    await drive(() => rollout()?.status?.phase === 'Healthy', 11_000);
    expect(h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!.spec.paused).toBeFalsy();
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(service('echoserver-canary')).toBeUndefined();
    expect(ingress('echoserver-canary')).toBeUndefined();
    expect(annotationsOf('echoserver')).toEqual({ 'kubernetes.io/ingress.class': 'nginx' });
  });

  test('A/B: a header match and a cookie match become canary-by-header / canary-by-cookie annotations', async () => {
    await setUp({
      steps: [
        { replicas: 1, matches: [{ headers: [{ type: 'Exact', name: 'user-agent', value: 'pc' }] }], pause: {} },
        { replicas: 2, traffic: '50%', matches: [{ headers: [{ name: 'canary-by-cookie', value: 'demo' }] }], pause: {} },
        { replicas: '100%' },
      ],
    });
    await release();
    await drive(at(1, 'StepPaused'));
    expect(annotationsOf('echoserver-canary')).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-header': 'user-agent',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'pc',
    });
    await kruise('rollout', 'approve', 'rollouts-demo');
    await drive(at(2, 'StepPaused'));
    expect(annotationsOf('echoserver-canary')).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'demo',
      'nginx.ingress.kubernetes.io/canary-weight': '50',
    });
  });

  test('rollback to v1 mid-release: traffic goes back to stable first, then every canary object goes', async () => {
    await setUp();
    const v1 = h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!.spec.template;
    await release();
    await drive(at(1, 'StepPaused'));
    expect(ingress('echoserver-canary')).toBeDefined();
    const current = h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!;
    await send(h.sb, 'PUT', '/apis/apps/v1/namespaces/default/deployments/echoserver', {
      ...current,
      spec: { ...current.spec, template: v1 },
    });
    const seen: string[] = [];
    await drive(() => {
      const c = rollout()?.status?.canaryStatus?.finalisingStep;
      if (c && seen[seen.length - 1] !== c) seen.push(c);
      return rollout()?.status?.phase === 'Healthy';
    });
    // Upstream's rollback order: RouteTrafficToStable first.
    expect(seen[0]).toBe('FinalisingStepRouteTrafficToStable');
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(service('echoserver-canary')).toBeUndefined();
    expect(ingress('echoserver-canary')).toBeUndefined();
  });

  test('continuous release v2 -> v3 at step 1: the canary Ingress goes (RouteTrafficToStable), then the canary Service; v3 starts again and routes 20% to its revision', async () => {
    await setUp();
    await release();
    await drive(at(1, 'StepPaused'));
    const v2 = revisions().canary;
    await send(
      h.sb,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/echoserver',
      NEW_VERSION.replace('version2', 'version3'),
      'application/strategic-merge-patch+json',
    );
    const finalising: string[] = [];
    await drive(() => {
      const f = rollout()?.status?.canaryStatus?.finalisingStep;
      if (f && finalising[finalising.length - 1] !== f) finalising.push(f);
      if (finalising.length === 1 && !ingress('echoserver-canary')) finalising.push('(canary Ingress gone)');
      return at(1, 'StepPaused')() && revisions().canary !== v2;
    });
    expect(finalising.slice(0, 2)).toEqual(['FinalisingStepRouteTrafficToStable', '(canary Ingress gone)']);
    const { stable, canary } = revisions();
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': stable });
    expect(service('echoserver-canary')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': canary });
    expect(annotationsOf('echoserver-canary')['nginx.ingress.kubernetes.io/canary-weight']).toBe('20');
  });

  test('a plan change mid-release (step 1 traffic 20% -> 30%) moves the canary Ingress to the new weight', async () => {
    await setUp();
    await release();
    await drive(at(1, 'StepPaused'));
    const ro = loadExample('e2e_rollout_v1beta1_partition_base.yaml');
    ro.spec.strategy.canary.steps[0].traffic = '30%';
    await apply(h.files.write('rollout.yaml', ro));
    await drive(() => annotationsOf('echoserver-canary')['nginx.ingress.kubernetes.io/canary-weight'] === '30' && at(1, 'StepPaused')());
  });

  test('deleting the Rollout mid-release restores the Service and removes the canary objects before the finalizer goes', async () => {
    await setUp();
    await release();
    await drive(at(1, 'StepPaused'));
    const r = await run(['delete', 'rollout', 'rollouts-demo', '--wait=false']);
    expect(r.code).toBe(0);
    await drive(() => rollout() === undefined);
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(service('echoserver-canary')).toBeUndefined();
    expect(ingress('echoserver-canary')).toBeUndefined();
    expect(h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!.spec.paused).toBeFalsy();
  });

  test("a missing Ingress: the release waits with upstream's message, writes nothing else, and goes on once the Ingress exists", async () => {
    await setUp({ withIngress: false });
    await release();
    const r1 = await once();
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Progressing')?.reason).toBe('Initializing');
    const rv = h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!.metadata.resourceVersion;
    const statusRv = rollout()!.metadata.resourceVersion;
    h.t += 5000;
    const r2 = await once();
    expect(r1.stdout + r2.stdout).toContain('ingresses.networking.k8s.io "echoserver" not found');
    expect(r2.stdout).toContain('(no writes)');
    expect(h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!.metadata.resourceVersion).toBe(rv);
    expect(rollout()!.metadata.resourceVersion).toBe(statusRv);
    expect(service('echoserver-canary')).toBeUndefined();
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });

    await apply(examplePath('e2e_nginx_ingress.yaml'));
    await drive(at(1, 'StepPaused'));
    expect(ingress('echoserver-canary')!.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('20');
  });
});

describeWithKubectl('traffic routing with the sandbox controller loop', () => {
  test('the loop comes back after each grace period by itself: step 1 ends paused with weight 20, approval runs to the end and cleans up', async () => {
    const env = await startKubectlEnv(kubectl!);
    const files = fixtureDir();
    try {
      const ok = async (args: string[]) => {
        const r = await env.run(args);
        if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      for (const f of ['e2e_service.yaml', 'e2e_nginx_ingress.yaml', 'e2e_deployment.yaml']) await ok(['apply', '-f', examplePath(f)]);
      const ro = loadExample('e2e_rollout_v1beta1_partition_base.yaml');
      ro.spec.strategy.canary.steps = [{ traffic: '20%', replicas: '20%', pause: {} }, { replicas: '100%' }];
      await ok(['apply', '-f', files.write('rollout.yaml', ro)]);
      const rollout = () => env.sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo');
      await until(env.sb, 'Healthy', () => rollout()?.status?.phase === 'Healthy');
      await ok(['set', 'env', 'deployment/echoserver', 'NODE_NAME=version2']);
      await until(
        env.sb,
        'step 1 paused',
        () => rollout()?.status?.canaryStatus?.currentStepIndex === 1 && rollout()?.status?.canaryStatus?.currentStepState === 'StepPaused',
        30_000,
      );
      const canary = JSON.parse(await ok(['get', 'ingress', 'echoserver-canary', '-o', 'json']));
      expect(canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('20');
      expect(JSON.parse(await ok(['get', 'service', 'echoserver-canary', '-o', 'json'])).spec.selector['pod-template-hash']).toBe(
        rollout()!.status!.canaryStatus!.podTemplateHash,
      );
      expect((await runCli(['rollout', 'approve', 'rollouts-demo', '--kubeconfig', env.kubeconfig])).code).toBe(0);
      await until(
        env.sb,
        'Healthy after the release',
        () => rollout()?.status?.phase === 'Healthy' && rollout()?.status?.canaryStatus?.currentStepState === 'Completed',
        30_000,
      );
      expect((await env.run(['get', 'ingress', 'echoserver-canary'])).code).not.toBe(0);
      expect((await env.run(['get', 'service', 'echoserver-canary'])).code).not.toBe(0);
      expect(JSON.parse(await ok(['get', 'service', 'echoserver', '-o', 'json'])).spec.selector).toEqual({ app: 'echoserver' });
    } finally {
      files.cleanup();
      await env.close();
    }
  }, 90_000);
});

describeWithKubectl('traffic routing through a Gateway API HTTPRoute (upstream e2e objects, v1alpha2)', () => {
  const h = clockedSandbox({ tmpPrefix: 'kk-gateway-' });
  const { apply, kruise, rollout, at } = h;
  const kubectlRun = (args: string[]) => h.run(args);
  /** The HTTPRoute's rules as kubectl reads them. */
  const routeRules = async () => JSON.parse((await kubectlRun(['get', 'httproute', 'echoserver', '-o', 'json'])).stdout).spec.rules;
  const drive = async (want: () => boolean, stepMs = 1000) => {
    for (let i = 0; i < 60 && !want(); i++) {
      h.t += stepMs;
      const r = await kruise('rollout', 'reconcile-once', 'rollouts-demo');
      if (r.code !== 0) throw new Error(`reconcile-once: ${r.stdout}${r.stderr}`);
      await until(h.sb, 'ReplicaSets at size', () =>
        h.sb.store
          .list<ReplicaSet>('replicasets', { namespace: 'default' })
          .every((rs) => rs.status?.readyReplicas === rs.spec.replicas || (rs.spec.replicas ?? 0) === 0),
      );
    }
    if (!want()) throw new Error(`never got there: ${JSON.stringify(rollout()?.status)}`);
  };
  const ref = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 80, weight });
  const path = { path: { type: 'PathPrefix', value: '/apis/echo' } };

  const setUp = async (steps: unknown[]) => {
    for (const f of ['e2e_service.yaml', 'e2e_gateway_httproute-test.yaml', 'e2e_deployment.yaml']) await apply(examplePath(f));
    await until(h.sb, '5 pods', () => h.sb.store.list<Pod>('pods', { namespace: 'default' }).length === 5);
    const ro = loadExample('e2e_rollout_v1beta1_partition_base.yaml');
    ro.spec.strategy.canary.trafficRoutings = [{ service: 'echoserver', gateway: { httpRouteName: 'echoserver' } }];
    ro.spec.strategy.canary.steps = steps;
    await apply(h.files.write('rollout.yaml', ro));
    await drive(() => rollout()?.status?.phase === 'Healthy');
    await send(
      h.sb,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/echoserver',
      NEW_VERSION,
      'application/strategic-merge-patch+json',
    );
  };

  test('weights: the canary backendRef gets 20 and the stable one 80; a step without traffic and the end restore the route', async () => {
    await setUp([{ traffic: '20%', replicas: 1, pause: {} }, { replicas: 2, pause: {} }, { replicas: '100%' }]);
    const original = await routeRules();
    expect(original).toEqual([{ backendRefs: [ref('echoserver', 1)], matches: [path] }]);
    await drive(at(1, 'StepPaused'));
    expect(await routeRules()).toEqual([{ backendRefs: [ref('echoserver', 80), ref('echoserver-canary', 20)], matches: [path] }]);
    expect((await kruise('rollout', 'status', 'rollouts-demo')).stdout).toContain(
      'Gateway:      HTTPRoute echoserver echoserver 80, echoserver-canary 20\n',
    );
    expect((await kruise('rollout', 'approve', 'rollouts-demo')).code).toBe(0);
    await drive(at(2, 'StepPaused'));
    expect(await routeRules()).toEqual(original);
    expect(h.sb.store.get('services', 'default', 'echoserver-canary')).toBeUndefined();
    await kruise('rollout', 'approve', 'rollouts-demo');
    await drive(() => rollout()?.status?.phase === 'Healthy');
    expect(await routeRules()).toEqual(original);
  });

  test('A/B: a header match adds a rule to the canary Service; the end removes it', async () => {
    await setUp([
      { replicas: 1, matches: [{ headers: [{ type: 'Exact', name: 'user-agent', value: 'pc' }] }], pause: {} },
      { replicas: '100%' },
    ]);
    const original = await routeRules();
    await drive(at(1, 'StepPaused'));
    expect(await routeRules()).toEqual([
      ...original,
      {
        backendRefs: [ref('echoserver-canary', 1)],
        matches: [{ ...path, headers: [{ type: 'Exact', name: 'user-agent', value: 'pc' }] }],
      },
    ]);
    await kruise('rollout', 'approve', 'rollouts-demo');
    await drive(() => rollout()?.status?.phase === 'Healthy');
    expect(await routeRules()).toEqual(original);
  });

  test("a missing HTTPRoute: the release waits with upstream's message", async () => {
    await apply(examplePath('e2e_service.yaml'));
    await apply(examplePath('e2e_deployment.yaml'));
    const ro = loadExample('e2e_rollout_v1beta1_partition_base.yaml');
    ro.spec.strategy.canary.trafficRoutings = [{ service: 'echoserver', gateway: { httpRouteName: 'echoserver' } }];
    await apply(h.files.write('rollout.yaml', ro));
    await drive(() => rollout()?.status?.phase === 'Healthy');
    await send(
      h.sb,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/echoserver',
      NEW_VERSION,
      'application/strategic-merge-patch+json',
    );
    h.t += 1000;
    const r = `${(await kruise('rollout', 'reconcile-once', 'rollouts-demo')).stdout}${(await kruise('rollout', 'reconcile-once', 'rollouts-demo')).stdout}`;
    expect(r).toContain('httproutes.gateway.networking.k8s.io "echoserver" not found');
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Progressing')?.reason).toBe('Initializing');
  });
});
