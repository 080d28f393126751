// Canary style (an extra canary Deployment) with an nginx Ingress, replayed from upstream's
// "Deployment canary rollout with Ingress" e2e cases (test/e2e/rollout_test.go) black-box: kubectl
// applies upstream's objects to a sandbox without a controller loop, `rollout reconcile-once`
// runs the controller with an injected clock, and the test reads what upstream's tests read: the
// canary Deployment and its replicas, the stable Deployment, the Service selectors, the canary
// Ingress's weight at each step, and that everything is cleaned up at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/kube/types.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/workload/types.js';
import { examplePath } from '../fixtures/load.js';
import { runCli } from '../helpers/cli.js';
import { clockedSandbox, describeWithKubectl } from './clocked-sandbox.js';
import { fixtureDir, loadExample, ok, runKubectl as runKubectlAt, send, startSandboxCommand, until } from './helpers.js';

type Obj = KubeObject & { spec?: any };

const versionPatch = (version: string) =>
  `{"spec":{"template":{"spec":{"containers":[{"name":"echoserver","env":[{"name":"NODE_NAME","value":"${version}"}]}]}}}}`;
const CANARY_LABEL = 'rollouts.kruise.io/canary-deployment';
const WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';

describeWithKubectl('canary style: an extra canary Deployment with a Service and an nginx Ingress', () => {
  /** `reconcile-once rollouts-demo`, or `reconcile-once -A` (every Rollout from five LISTs) when `all` is set. */
  let all = false;
  const h = clockedSandbox({ tmpPrefix: 'kk-canary-', onceArgs: () => (all ? ['-A'] : ['rollouts-demo']) });
  const { run, apply, kruise, once, rollout, drive, at } = h;

  const stable = () => h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!;
  /** What upstream's GetCanaryDeployment reads: the newest Deployment labelled as echoserver's canary. */
  const canaries = () =>
    h.sb.store
      .list<Deployment>('deployments', { namespace: 'default' })
      .filter((d) => d.metadata.labels?.[CANARY_LABEL] === 'echoserver')
      .sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
  const service = (name: string) => h.sb.store.get<Obj>('services', 'default', name);
  const ingress = (name: string) => h.sb.store.get<Obj>('ingresses', 'default', name);
  const weight = () => ingress('echoserver-canary')?.metadata.annotations?.[WEIGHT];
  const env = (pod: Pod) => (pod.spec as any)?.containers?.[0]?.env?.find((e: any) => e.name === 'NODE_NAME')?.value ?? 'version1';
  /** Live pods by NODE_NAME. */
  const versions = () => {
    const out: Record<string, number> = {};
    for (const p of h.sb.store.list<Pod>('pods', { namespace: 'default' }).filter((p) => !p.metadata.deletionTimestamp))
      out[env(p)] = (out[env(p)] ?? 0) + 1;
    return out;
  };
  const approve = async () => expect((await kruise('rollout', 'approve', 'rollouts-demo')).code).toBe(0);
  const release = (version = 'version2') =>
    send(
      h.sb,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/echoserver',
      versionPatch(version),
      'application/strategic-merge-patch+json',
    );
  const scale = (replicas: number) =>
    send(h.sb, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/echoserver', { spec: { replicas } }, 'application/merge-patch+json');

  /** upstream's Service, Ingress (unless `withIngress` is false), Deployment (`replicas`) and a canary-style Rollout. */
  const setUp = async (opts: { withIngress?: boolean; replicas?: number; rollout?: any } = {}) => {
    await apply(examplePath('e2e_service.yaml'));
    if (opts.withIngress !== false) await apply(examplePath('e2e_nginx_ingress.yaml'));
    const d = loadExample('e2e_deployment.yaml');
    d.spec.replicas = opts.replicas ?? 5;
    await apply(h.files.write('deployment.yaml', d));
    await until(
      h.sb,
      'every pod ready',
      () =>
        h.sb.store
          .list<Pod>('pods', { namespace: 'default' })
          .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === d.spec.replicas,
    );
    await apply(h.files.write('rollout.yaml', opts.rollout ?? loadExample('e2e_rollout_v1beta1_canary_base.yaml')));
    await drive(() => rollout()?.status?.phase === 'Healthy');
  };
  /** Once a release is over: only the stable objects are left, the Deployment rolled out to `version`. */
  const expectCleanedUp = (version: string, replicas: number) => {
    expect(canaries()).toEqual([]);
    expect(ingress('echoserver-canary')).toBeUndefined();
    expect(service('echoserver-canary')).toBeUndefined();
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(stable().spec.paused).toBeFalsy();
    expect(stable().metadata.annotations?.['batchrelease.rollouts.kruise.io/control-info']).toBeUndefined();
    expect(versions()).toEqual({ [version]: replicas });
    expect(h.sb.store.list('batchreleases', { namespace: 'default' })).toEqual([]);
  };

  beforeEach(() => {
    all = false;
  });

  test('20/40/60/80/100% with replicas 5: the canary Deployment grows 1,2,3,4,5 while the stable one stays paused on v1; the Ingress carries each weight; the end hands back and deletes the canary', async () => {
    await setUp();
    await release();
    await drive(at(1));
    expect(stable().spec.paused).toBe(true);
    const [canary, ...others] = canaries();
    expect(others).toEqual([]);
    // As upstream's create: owned by the BatchRelease, with its finalizer and control-info, unpaused.
    const br = h.sb.store.get<KubeObject>('batchreleases', 'default', 'rollouts-demo')!;
    expect(canary!.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'BatchRelease', name: 'rollouts-demo', uid: br.metadata.uid, controller: true }),
    ]);
    expect(canary!.metadata.finalizers).toEqual(['finalizer.rollouts.kruise.io/batch-release']);
    expect(JSON.parse(canary!.metadata.annotations!['batchrelease.rollouts.kruise.io/control-info']!).uid).toBe(br.metadata.uid);
    expect(canary!.spec.paused).toBeFalsy();
    expect((br as any).spec.releasePlan.rollingStyle).toBe('Canary');
    const { stableRevision, podTemplateHash } = rollout()!.status!.canaryStatus!;
    const canaryRs = h.sb.store
      .list<ReplicaSet>('replicasets', { namespace: 'default' })
      .find((rs) => rs.metadata.ownerReferences?.[0]?.name === canary!.metadata.name)!;
    expect(podTemplateHash).toBe(canaryRs.metadata.labels!['pod-template-hash']);
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': stableRevision });
    expect(service('echoserver-canary')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': podTemplateHash });

    const seen: string[] = [];
    const sizes: Array<[number, number, string | undefined]> = [];
    for (const [step, replicas, traffic] of [
      [1, 1, '20'],
      [2, 2, '40'],
      [3, 3, '60'],
      [4, 4, '80'],
    ] as const) {
      if (step > 1) {
        await approve();
        await drive(at(step), 1000);
      }
      sizes.push([step, canaries()[0]!.spec.replicas!, weight()]);
      expect(versions()).toEqual({ version1: 5, version2: replicas });
      expect(rollout()!.status!.canaryStatus!.canaryReadyReplicas).toBe(replicas);
      expect(traffic).toBe(weight());
    }
    expect(sizes).toEqual([
      [1, 1, '20'],
      [2, 2, '40'],
      [3, 3, '60'],
      [4, 4, '80'],
    ]);
    // The last step (100%, pause 0) and the finalising steps, as upstream: ResumeWorkload waits for
    // the stable Deployment to roll out before the canary goes.
    await approve();
    let canaryGoneEarly = false;
    await drive(() => rollout()?.status?.phase === 'Healthy', 1000, {
      each: () => {
        const f = rollout()?.status?.canaryStatus?.finalisingStep;
        if (f && seen[seen.length - 1] !== f) seen.push(f);
        if (canaries().length === 0 && versions().version1 !== undefined) canaryGoneEarly = true;
      },
    });
    expect(seen).toContain('ResumeWorkload');
    expect(seen[seen.length - 1]).toBe('END');
    expect(canaryGoneEarly).toBe(false);
    expectCleanedUp('version2', 5);
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Succeeded')?.status).toBe('True');
  });

  test('reconcile-once -A (the state from five LISTs) runs the same release: canary Deployment, weights, clean-up', async () => {
    all = true;
    await setUp();
    await release();
    await drive(at(1));
    expect(canaries().map((d) => d.spec.replicas)).toEqual([1]);
    expect(weight()).toBe('20');
    await approve();
    await drive(at(2), 11_000);
    expect(canaries().map((d) => d.spec.replicas)).toEqual([2]);
    expect(weight()).toBe('40');
    // A second reconcile-once -A right away changes nothing: the canary is found in the list, not created again.
    const r = await once();
    expect(r.stdout).toContain('(no writes)');
    await approve();
    await drive(() => rollout()?.status?.phase === 'Healthy', 11_000);
    expectCleanedUp('version2', 5);
  });

  test('v1alpha1 (no rolling-style annotation) is canary style: replicas 3 gives 1,2,2,3,3 canary pods, and patchPodTemplateMetadata marks only the canary pods', async () => {
    const ro = loadExample('e2e_rollout_canary_base.yaml');
    ro.spec.strategy.canary.patchPodTemplateMetadata = { labels: { pod: 'canary' }, annotations: { pod: 'canary' } };
    await setUp({ replicas: 3, rollout: ro });
    await release();
    const sizes: number[] = [];
    for (let step = 1; step <= 4; step++) {
      if (step > 1) await approve();
      await drive(at(step), 11_000);
      sizes.push(canaries()[0]!.spec.replicas!);
    }
    expect(sizes).toEqual([1, 2, 2, 3]);
    const canary = canaries()[0]!;
    expect(canary.spec.template.metadata!.labels!.pod).toBe('canary');
    expect(canary.spec.template.metadata!.annotations!.pod).toBe('canary');
    expect(stable().spec.template.metadata!.labels!.pod).toBeUndefined();
    // The canary Service selects the canary Deployment's pods (their template is patched).
    const hash = rollout()!.status!.canaryStatus!.podTemplateHash!;
    const selected = h.sb.store
      .list<Pod>('pods', { namespace: 'default' })
      .filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    expect(selected.map((p) => p.metadata.labels!.pod)).toEqual(['canary', 'canary', 'canary']);
    await approve();
    await drive(() => rollout()?.status?.phase === 'Healthy', 11_000);
    expectCleanedUp('version2', 3);
  });

  test('rollback to v1 at step 1: traffic goes back to stable, the canary Deployment is deleted, the v1 pods were never touched', async () => {
    await setUp();
    const v1Pods = h.sb.store
      .list<Pod>('pods', { namespace: 'default' })
      .map((p) => p.metadata.name)
      .sort();
    await release();
    await drive(at(1));
    await release('version1');
    const seen: string[] = [];
    await drive(() => rollout()?.status?.phase === 'Healthy', 1000, {
      each: () => {
        const f = rollout()?.status?.canaryStatus?.finalisingStep;
        if (f && seen[seen.length - 1] !== f) seen.push(f);
      },
    });
    // Upstream's rollback order: RouteTrafficToStable first (with its grace period).
    expect(seen[0]).toBe('FinalisingStepRouteTrafficToStable');
    expectCleanedUp('version1', 5);
    expect(
      h.sb.store
        .list<Pod>('pods', { namespace: 'default' })
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(v1Pods);
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Succeeded')?.status).toBe('False');
  });

  test('continuous release v2 -> v3 at step 2: the v2 canary is deleted, a v3 canary starts again at step 1; the end runs v3', async () => {
    await setUp();
    await release();
    await drive(at(1));
    await approve();
    await drive(at(2));
    const v2 = canaries()[0]!.metadata.name;
    await release('version3');
    await drive(at(1));
    expect(canaries().map((d) => d.metadata.name)).not.toContain(v2);
    expect(canaries()).toHaveLength(1);
    expect(canaries()[0]!.spec.replicas).toBe(1);
    expect(versions()).toEqual({ version1: 5, version3: 1 });
    expect(weight()).toBe('20');
    expect(service('echoserver-canary')!.spec.selector['pod-template-hash']).toBe(rollout()!.status!.canaryStatus!.podTemplateHash);
    await approve();
    await drive(() => rollout()?.status?.phase === 'Healthy', 11_000);
    expectCleanedUp('version3', 5);
  });

  test('scale 5 -> 10 at step 2 grows the canary to 40% of 10; 10 -> 5 at step 3 keeps it (only ever up); the end has 5', async () => {
    await setUp();
    await release();
    await drive(at(1));
    await approve();
    await drive(at(2));
    await scale(10);
    await drive(() => at(2)() && rollout()!.status!.canaryStatus!.canaryReadyReplicas === 4);
    expect(canaries()[0]!.spec.replicas).toBe(4);
    expect(versions()).toEqual({ version1: 10, version2: 4 });
    await approve();
    await drive(at(3), 11_000);
    expect(canaries()[0]!.spec.replicas).toBe(6);
    await scale(5);
    await drive(() => versions().version1 === 5);
    expect(canaries()[0]!.spec.replicas).toBe(6);
    expect(rollout()!.status!.canaryStatus!.canaryReplicas).toBe(6);
    await approve();
    await drive(() => rollout()?.status?.phase === 'Healthy', 11_000);
    expectCleanedUp('version2', 5);
  });

  test('paused mid-release: nothing moves until it is resumed', async () => {
    await setUp();
    await release();
    await drive(at(1));
    await approve();
    expect((await kruise('rollout', 'pause', 'rollouts-demo')).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      h.t += 11_000;
      await once();
    }
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Progressing')?.reason).toBe('Paused');
    expect(canaries()[0]!.spec.replicas).toBe(1);
    expect(versions()).toEqual({ version1: 5, version2: 1 });
    expect((await kruise('rollout', 'resume', 'rollouts-demo')).code).toBe(0);
    await drive(at(2));
    expect(canaries()[0]!.spec.replicas).toBe(2);
  });

  test('deleting the Rollout mid-release: the stable Deployment is handed back, the canary Deployment and traffic objects go, then the finalizer', async () => {
    await setUp();
    await release();
    await drive(at(1));
    expect((await run(['delete', 'rollout', 'rollouts-demo', '--wait=false'])).code).toBe(0);
    await drive(() => rollout() === undefined);
    await until(h.sb, 'the stable Deployment rolled out', () => versions().version2 === 5 && versions().version1 === undefined);
    expect(canaries()).toEqual([]);
    expect(ingress('echoserver-canary')).toBeUndefined();
    expect(service('echoserver-canary')).toBeUndefined();
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(stable().spec.paused).toBeFalsy();
  });

  test('disabling the Rollout mid-release: the finalising steps run, the stable Deployment rolls natively, the canary Deployment goes', async () => {
    await setUp();
    await release();
    await drive(at(1));
    expect((await run(['patch', 'rollout', 'rollouts-demo', '--type=merge', '-p', '{"spec":{"disabled":true}}'])).code).toBe(0);
    await drive(() => rollout()?.status?.phase === 'Disabled');
    await until(h.sb, 'the stable Deployment rolled out', () => versions().version2 === 5 && versions().version1 === undefined);
    expectCleanedUp('version2', 5);
    expect(rollout()!.status!.canaryStatus!.finalisingStep).toBe('END');
  });

  test('the canary Deployment deleted by hand mid-release: its finalizer is let go, and the release creates it again', async () => {
    await setUp();
    await release();
    await drive(at(1));
    const name = canaries()[0]!.metadata.name!;
    expect((await run(['delete', 'deployment', name, '--wait=false'])).code).toBe(0);
    expect(canaries()[0]!.metadata.deletionTimestamp).toBeDefined();
    await drive(() => canaries().length === 1 && !canaries()[0]!.metadata.deletionTimestamp && versions().version2 === 1);
    expect(canaries()[0]!.metadata.name).toBe(name);
    expect(at(1)()).toBe(true);
  });

  test('a plan change at step 1 (traffic 20% -> 30%, replicas 20% -> 40%) moves the canary Ingress and grows the canary Deployment', async () => {
    await setUp();
    await release();
    await drive(at(1));
    const ro = loadExample('e2e_rollout_v1beta1_canary_base.yaml');
    ro.spec.strategy.canary.steps[0] = { traffic: '30%', replicas: '40%', pause: {} };
    await apply(h.files.write('rollout.yaml', ro));
    await drive(() => weight() === '30' && at(1)());
    expect(canaries()[0]!.spec.replicas).toBe(2);
  });

  test('Gateway API: the HTTPRoute gives the canary Service (selecting the canary Deployment) 20 and the stable one 80; the end restores the route and deletes the canary', async () => {
    await apply(examplePath('e2e_gateway_httproute-test.yaml'));
    const ro = loadExample('e2e_rollout_v1beta1_canary_base.yaml');
    ro.spec.strategy.canary.trafficRoutings = [{ service: 'echoserver', gateway: { httpRouteName: 'echoserver' } }];
    ro.spec.strategy.canary.steps = [
      { traffic: '20%', replicas: '20%', pause: {} },
      { traffic: '100%', replicas: '100%' },
    ];
    await setUp({ withIngress: false, rollout: ro });
    const rules = () => h.sb.store.get<Obj>('httproutes.gateway.networking.k8s.io', 'default', 'echoserver')!.spec.rules;
    const original = structuredClone(rules());
    await release();
    await drive(at(1));
    const ref = (name: string, weight: number) => expect.objectContaining({ kind: 'Service', name, weight });
    expect(rules()[0].backendRefs).toEqual([ref('echoserver', 80), ref('echoserver-canary', 20)]);
    expect(canaries()[0]!.spec.replicas).toBe(1);
    expect(service('echoserver-canary')!.spec.selector['pod-template-hash']).toBe(rollout()!.status!.canaryStatus!.podTemplateHash);
    await approve();
    await drive(() => rollout()?.status?.phase === 'Healthy');
    expect(rules()).toEqual(original);
    expectCleanedUp('version2', 5);
  });

  test("A/B: a header match and a cookie match on the canary Ingress while the canary Deployment holds the step's pods", async () => {
    const ro = loadExample('e2e_rollout_v1beta1_canary_base.yaml');
    ro.spec.strategy.canary.steps = [
      { replicas: 1, matches: [{ headers: [{ type: 'Exact', name: 'user-agent', value: 'pc' }] }], pause: {} },
      { replicas: 2, traffic: '50%', matches: [{ headers: [{ name: 'canary-by-cookie', value: 'demo' }] }], pause: {} },
      { replicas: '100%', traffic: '100%' },
    ];
    await setUp({ rollout: ro });
    await release();
    await drive(at(1));
    const annotations = () => {
      const { 'kubectl.kubernetes.io/last-applied-configuration': _, ...rest } = ingress('echoserver-canary')!.metadata.annotations ?? {};
      return rest;
    };
    expect(annotations()).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-header': 'user-agent',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'pc',
    });
    expect(canaries()[0]!.spec.replicas).toBe(1);
    await approve();
    await drive(at(2));
    expect(annotations()).toEqual({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'demo',
      'nginx.ingress.kubernetes.io/canary-weight': '50',
    });
    expect(canaries()[0]!.spec.replicas).toBe(2);
    await approve();
    await drive(() => rollout()?.status?.phase === 'Healthy');
    expectCleanedUp('version2', 5);
  });

  test("a missing Ingress: the release waits with upstream's message and creates no canary Deployment; it goes on once the Ingress exists", async () => {
    await setUp({ withIngress: false });
    await release();
    h.t += 1000;
    const r1 = await once();
    h.t += 5000;
    const r2 = await once();
    expect(r1.stdout + r2.stdout).toContain('ingresses.networking.k8s.io "echoserver" not found');
    expect(r2.stdout).toContain('(no writes)');
    expect(canaries()).toEqual([]);
    await apply(examplePath('e2e_nginx_ingress.yaml'));
    await drive(at(1));
    expect(canaries()[0]!.spec.replicas).toBe(1);
    expect(weight()).toBe('20');
  });
});

describeWithKubectl('canary style under the sandbox’s controller loop', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kk-canary-loop-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the loop follows the canary Deployment’s pods: step 1 pauses with 1 canary pod and weight 20; approved, it ends with the stable Deployment at v2 and no canary', async () => {
    const sb = await startSandboxCommand(dir);
    const files = fixtureDir();
    try {
      const kc = sb.kubeconfig;
      const get = async (kind: string, name: string) => {
        const r = await runKubectlAt(kc, ['get', kind, name, '-o', 'json']);
        return r.code === 0 ? JSON.parse(r.stdout) : undefined;
      };
      const waitFor = async (what: string, check: () => Promise<boolean>) => {
        for (let i = 0; i < 300; i++) {
          if (await check()) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`never: ${what}`);
      };
      await ok(kc, ['apply', '-f', examplePath('e2e_service.yaml')]);
      await ok(kc, ['apply', '-f', examplePath('e2e_nginx_ingress.yaml')]);
      await ok(kc, ['apply', '-f', examplePath('e2e_deployment.yaml')]);
      await ok(kc, ['rollout', 'status', 'deployment/echoserver', '--timeout=20s']);
      const ro = loadExample('e2e_rollout_v1beta1_canary_base.yaml');
      ro.spec.strategy.canary.steps = [
        { traffic: '20%', replicas: '20%', pause: {} },
        { traffic: '100%', replicas: '100%' },
      ];
      // The shortest grace period (0 means upstream's default of 3 s).
      ro.spec.strategy.canary.trafficRoutings[0].gracePeriodSeconds = 1;
      await ok(kc, ['apply', '-f', files.write('rollout.yaml', ro)]);
      await waitFor('Healthy', async () => (await get('rollout', 'rollouts-demo'))?.status?.phase === 'Healthy');
      await ok(kc, ['set', 'env', 'deployment/echoserver', 'NODE_NAME=version2']);
      await waitFor('step 1 paused', async () => {
        const c = (await get('rollout', 'rollouts-demo'))?.status?.canaryStatus;
        return c?.currentStepIndex === 1 && c?.currentStepState === 'StepPaused';
      });
      const list = JSON.parse(await ok(kc, ['get', 'deployments', '-l', `${CANARY_LABEL}=echoserver`, '-o', 'json'])).items;
      expect(list.map((d: any) => [d.spec.replicas, d.status?.readyReplicas])).toEqual([[1, 1]]);
      expect((await get('ingress', 'echoserver-canary')).metadata.annotations[WEIGHT]).toBe('20');
      expect((await get('deployment', 'echoserver')).spec.paused).toBe(true);

      const approve = await runCli(['rollout', 'approve', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(approve.code).toBe(0);
      await waitFor('Healthy again', async () => (await get('rollout', 'rollouts-demo'))?.status?.phase === 'Healthy');
      await ok(kc, ['rollout', 'status', 'deployment/echoserver', '--timeout=20s']);
      const after = JSON.parse(await ok(kc, ['get', 'deployments', '-l', `${CANARY_LABEL}=echoserver`, '-o', 'json'])).items;
      expect(after).toEqual([]);
      expect(await get('ingress', 'echoserver-canary')).toBeUndefined();
      const d = await get('deployment', 'echoserver');
      expect(d.spec.paused).toBeFalsy();
      expect(d.status).toMatchObject({ replicas: 5, updatedReplicas: 5, readyReplicas: 5 });
    } finally {
      await sb.stop();
      files.cleanup();
    }
  });
});
