// Blue-green releases of a Deployment (docs/controller.md §19), replayed from upstream's e2e objects
// (echoserver Deployment, Service and Ingress; the v1beta1 blue-green base Rollout, steps 50%/0%,
// 100%/0%, 100%/50%, 100%/100%) black-box: kubectl applies them to a sandbox without a controller
// loop, `rollout reconcile-once` runs the controller with an injected clock, and the test reads
// what upstream's e2e tests read: both sides' replicas, the Deployment's strategy, the Services'
// selectors and the canary Ingress's weight.
import type { KubeObject } from '../../src/kube/types.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/workload/types.js';
import { examplePath } from '../fixtures/load.js';
import { clockedSandbox, describeWithKubectl } from './clocked-sandbox.js';
import { loadExample, until } from './helpers.js';

type Obj = KubeObject & { spec?: any };

const MAX_READY_SECONDS = 2147483646;
const MAX_PROGRESS_SECONDS = 2147483647;
const CONTINUOUS = 'new version releasing detected in the progress of blue-green release, please rollback first';

const envPatch = (version: string) =>
  JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'echoserver', env: [{ name: 'NODE_NAME', value: version }] }] } } } });

describeWithKubectl('blue-green release of a Deployment', () => {
  const h = clockedSandbox({ tmpPrefix: 'kk-bluegreen-', status: 'blueGreenStatus', maxPasses: 80, settledLivePodsOnly: true });
  const { kruise, once, rollout, drive, at } = h;
  const kube = async (...args: string[]) => {
    const r = await h.run(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  const deployment = () => h.sb.store.get<Deployment>('deployments', 'default', 'echoserver')!;
  const service = (name: string) => h.sb.store.get<Obj>('services', 'default', name);
  const ingress = (name: string) => h.sb.store.get<Obj>('ingresses', 'default', name);
  const bg = () => rollout()?.status?.blueGreenStatus;
  const pods = () => h.sb.store.list<Pod>('pods', { namespace: 'default' }).filter((p) => !p.metadata.deletionTimestamp);
  const isReady = (p: Pod) => Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  /** Live and ready pods per NODE_NAME (version1 is blue, the release green). */
  const sides = () => {
    const out: Record<string, string> = {};
    for (const p of pods()) {
      const v = (p.spec as any).containers[0].env.find((e: any) => e.name === 'NODE_NAME').value as string;
      const [all, ready] = (out[v] ?? '0/0').split('/').map(Number);
      out[v] = `${all! + 1}/${ready! + (isReady(p) ? 1 : 0)}`;
    }
    return out;
  };
  const canaryWeight = () => ingress('echoserver-canary')?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
  const healthy = () => rollout()?.status?.phase === 'Healthy' && bg()?.currentStepState === 'Completed';
  const strategyOf = (d: Deployment) => ({
    strategy: d.spec.strategy,
    minReadySeconds: d.spec.minReadySeconds,
    progressDeadlineSeconds: d.spec.progressDeadlineSeconds,
    paused: d.spec.paused ?? false,
  });

  const setUp = async (opts: { withIngress?: boolean } = {}) => {
    await kube('apply', '-f', examplePath('e2e_service.yaml'));
    if (opts.withIngress !== false) await kube('apply', '-f', examplePath('e2e_nginx_ingress.yaml'));
    await kube('apply', '-f', examplePath('e2e_deployment.yaml'));
    await until(h.sb, '5 ready pods', () => pods().filter(isReady).length === 5);
    const ro = loadExample('e2e_rollout_v1beta1_bluegreen_base.yaml');
    if (opts.withIngress === false) delete ro.spec.strategy.blueGreen.trafficRoutings;
    await kube('apply', '-f', h.files.write('rollout.yaml', ro));
    await drive(() => rollout()?.status?.phase === 'Healthy');
    return strategyOf(deployment());
  };
  const release = (version = 'version2') => kube('patch', 'deployment', 'echoserver', '-p', envPatch(version));
  const approve = async () => {
    const r = await kruise('rollout', 'approve', 'rollouts-demo');
    if (r.code !== 0) throw new Error(`approve: ${r.stderr}`);
  };

  test('with an Ingress: both sides at full size, traffic moves per step, the cut-over scales blue down and restores the strategy exactly', async () => {
    const original = await setUp();
    await release();
    await drive(at(1, 'StepPaused'));
    const stable = bg()!.stableRevision!;
    const green = bg()!.podTemplateHash!;
    expect(stable).not.toBe(green);
    expect(rollout()!.status!.canaryStatus).toBeUndefined();
    expect(bg()).toMatchObject({ currentStepIndex: 1, nextStepIndex: 2, updatedReplicas: 3, updatedReadyReplicas: 3 });
    expect(bg()!.updatedRevision).toBe(green);
    // Step 1 (50%, traffic 0%): 3 green pods next to 5 blue; the Deployment rolls natively with maxSurge 50%.
    expect(sides()).toEqual({ version1: '5/5', version2: '3/3' });
    const d1 = deployment();
    expect(strategyOf(d1)).toEqual({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } },
      minReadySeconds: MAX_READY_SECONDS,
      progressDeadlineSeconds: MAX_PROGRESS_SECONDS,
      paused: false,
    });
    expect(JSON.parse(d1.metadata.annotations!['rollouts.kruise.io/original-deployment-strategy']!)).toEqual({
      maxUnavailable: 0,
      maxSurge: 1,
      progressDeadlineSeconds: 600,
    });
    expect(d1.metadata.labels!['rollouts.kruise.io/stable-revision']).toBe(stable);
    expect(d1.status).toMatchObject({ updatedReplicas: 3, readyReplicas: 8, unavailableReplicas: 8 });
    // Traffic 0%: the Services select their sides, no canary Ingress.
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': stable });
    expect(service('echoserver-canary')!.spec.selector).toEqual({ app: 'echoserver', 'pod-template-hash': green });
    expect(ingress('echoserver-canary')).toBeUndefined();
    expect(rollout()!.status!.message).toBe('Rollout is in step(1/4), and you need manually confirm to enter the next step');

    // Step 2 (100%, traffic 0%): both sides at full size.
    await approve();
    await drive(at(2, 'StepPaused'));
    expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });
    expect(deployment().spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } });
    expect(ingress('echoserver-canary')).toBeUndefined();

    // Step 3 (100%, traffic 50%): the canary Ingress carries half.
    await approve();
    await drive(at(3, 'StepPaused'));
    expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });
    expect(canaryWeight()).toBe('50');

    // `rollout status` and `rollout watch` (line mode, from the statuses) show both sides.
    const watch = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--timeout', '5s');
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain('[blue 5/5 50%, green 5/5 50%]');
    const status = await kruise('rollout', 'status', 'rollouts-demo');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Strategy:     BlueGreen\n');
    expect(status.stdout).toMatch(new RegExp(`Blue: +${stable}: 5/5 ready, traffic 50%\n`));
    expect(status.stdout).toMatch(new RegExp(`Green: +${green}: 5/5 ready, traffic 50%\n`));
    const json = JSON.parse((await kruise('rollout', 'status', 'rollouts-demo', '-o', 'json')).stdout);
    expect(json.blueGreen).toEqual({
      blue: { revision: stable, ready: 5, total: 5, traffic: '50%' },
      green: { revision: green, ready: 5, total: 5, traffic: '50%' },
    });

    // Step 4 (100%, traffic 100%): the last step still waits for approval (blue-green has no "100%" exception).
    await approve();
    await drive(at(4, 'StepPaused'));
    expect(canaryWeight()).toBe('100');
    expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });

    // Cut-over: all traffic to green, the strategy restored, blue scaled down, the traffic objects gone.
    await approve();
    // All traffic on green before the blue side is scaled down.
    await drive(() => bg()?.finalisingStep === 'RestoreStableService');
    expect(canaryWeight()).toBe('100');
    expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });
    const seen = await drive(healthy, 1000, { max: 120 });
    expect(seen.join(' ')).toContain('Progressing/4/Completed');
    expect(sides()).toEqual({ version2: '5/5' });
    const end = deployment();
    expect(strategyOf(end)).toEqual(original);
    expect(end.metadata.annotations?.['rollouts.kruise.io/original-deployment-strategy']).toBeUndefined();
    expect(end.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
    expect(end.metadata.annotations?.['batchrelease.rollouts.kruise.io/control-info']).toBeUndefined();
    expect(end.metadata.labels?.['rollouts.kruise.io/stable-revision']).toBeUndefined();
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(service('echoserver-canary')).toBeUndefined();
    expect(ingress('echoserver-canary')).toBeUndefined();
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Succeeded')?.status).toBe('True');
    expect(h.sb.store.get('batchreleases', 'default', 'rollouts-demo')).toBeUndefined();
  });

  test('without traffic routing: the same sides, approve at each step, the HPA disabled meanwhile, the strategy restored at the end', async () => {
    const original = await setUp({ withIngress: false });
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'echoserver' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'echoserver' }, minReplicas: 2, maxReplicas: 10 },
    };
    await kube('apply', '-f', h.files.write('hpa.yaml', hpa));
    const hpaTarget = async () => JSON.parse(await kube('get', 'hpa', 'echoserver', '-o', 'json')).spec.scaleTargetRef.name;
    await release();
    await drive(at(1, 'StepPaused'));
    expect(sides()).toEqual({ version1: '5/5', version2: '3/3' });
    // As upstream, the HPA targets nothing while both sides run.
    expect(await hpaTarget()).toBe('echoserver-DisableByRollout');
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    for (const step of [2, 3, 4]) {
      await approve();
      await drive(at(step, 'StepPaused'));
      expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });
    }
    expect(service('echoserver-canary')).toBeUndefined();
    await approve();
    await drive(healthy, 1000, { max: 120 });
    expect(sides()).toEqual({ version2: '5/5' });
    expect(strategyOf(deployment())).toEqual(original);
    expect(await hpaTarget()).toBe('echoserver');
  });

  test('rollback before the last step: traffic back to stable, green scaled down, the strategy restored', async () => {
    const original = await setUp();
    await release();
    await drive(at(1, 'StepPaused'));
    await approve();
    await drive(at(2, 'StepPaused'));
    await approve();
    await drive(at(3, 'StepPaused'));
    expect(canaryWeight()).toBe('50');
    // The order is what the rollback must keep, so the store's commits are read as they happen: the
    // ResumeWorkload pass follows the one that finds traffic back on stable in the same
    // reconcile-once, and the sandbox's Deployment controller may scale green down before any
    // later look at the store.
    const green = bg()!.podTemplateHash!;
    const greenRs = () =>
      h.sb.store
        .list<ReplicaSet>('replicasets', { namespace: 'default' })
        .find((rs) => rs.metadata.labels?.['pod-template-hash'] === green);
    const greenPods = () => Number((sides().version2 ?? '0/0').split('/')[0]);
    let atTrafficBack: object | undefined;
    let atGreenShrink: object | undefined;
    const unsubscribe = h.sb.store.subscribe((e) => {
      if (!atTrafficBack && e.type === 'DELETED' && e.resource === 'ingresses' && e.object.metadata.name === 'echoserver-canary')
        atTrafficBack = { sides: sides(), paused: deployment().spec.paused ?? false };
      if (!atGreenShrink && ((greenRs()?.spec.replicas ?? 0) < 5 || greenPods() < 5))
        atGreenShrink = {
          canaryIngress: ingress('echoserver-canary') !== undefined,
          paused: deployment().spec.paused ?? false,
          finalisingStep: bg()?.finalisingStep,
        };
    });
    try {
      await release('version1');
      // The webhook pauses the Deployment at once: nothing rolls before traffic is back on stable.
      expect(deployment().spec.paused).toBe(true);
      const seen = await drive(() => bg()?.finalisingStep === 'ResumeWorkload', 1000, { max: 40 });
      expect(seen).toContain('Progressing/3/StepPaused');
      expect(rollout()!.status!.conditions!.find((c) => c.type === 'Progressing')?.reason).toBe('Cancelling');
      expect(ingress('echoserver-canary')).toBeUndefined();
      // First all traffic back to stable (the canary Ingress goes), while both sides still run whole
      // and the Deployment is still paused.
      expect(atTrafficBack).toEqual({ sides: { version1: '5/5', version2: '5/5' }, paused: true });
      await drive(() => rollout()?.status?.phase === 'Healthy', 1000, { max: 120 });
    } finally {
      unsubscribe();
    }
    // Green shrinks only once ResumeWorkload has handed the Deployment back, traffic long on stable.
    expect(atGreenShrink).toEqual({ canaryIngress: false, paused: false, finalisingStep: 'ResumeWorkload' });
    expect(rollout()!.status!.conditions!.find((c) => c.type === 'Succeeded')?.status).toBe('False');
    expect(sides()).toEqual({ version1: '5/5' });
    expect(strategyOf(deployment())).toEqual(original);
    expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
    expect(service('echoserver-canary')).toBeUndefined();
    expect(ingress('echoserver-canary')).toBeUndefined();
  });

  test('continuous release is refused until rolled back: the release stays where it was', async () => {
    const original = await setUp();
    await release();
    await drive(at(1, 'StepPaused'));
    await release('version3');
    await drive(() => rollout()?.status?.message === CONTINUOUS);
    // A few more passes change nothing: no version3 pod, the step stays.
    for (let i = 0; i < 3; i++) {
      h.t += 1000;
      expect((await once()).code).toBe(0);
    }
    expect(rollout()!.status!.message).toBe(CONTINUOUS);
    expect(bg()).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused' });
    expect(sides()).toEqual({ version1: '5/5', version2: '3/3' });
    expect(deployment().spec.paused).toBe(true);
    // Rolling back to the stable version cancels the release.
    await release('version1');
    await drive(() => rollout()?.status?.phase === 'Healthy', 1000, { max: 120 });
    expect(sides()).toEqual({ version1: '5/5' });
    expect(strategyOf(deployment())).toEqual(original);
  });

  test.each(['disable', 'delete'])(
    '%s mid-release: the Deployment rolls natively to the new version with its own strategy',
    async (how) => {
      const original = await setUp();
      await release();
      await drive(at(1, 'StepPaused'));
      if (how === 'disable') {
        await kube('patch', 'rollout', 'rollouts-demo', '--type=merge', '-p', '{"spec":{"disabled":true}}');
        await drive(() => rollout()?.status?.phase === 'Disabled', 1000, { max: 120 });
      } else {
        await kube('delete', 'rollout', 'rollouts-demo', '--wait=false');
        await drive(() => rollout() === undefined, 1000, { max: 120 });
      }
      await until(h.sb, 'the native rollout to finish', () => JSON.stringify(sides()) === JSON.stringify({ version2: '5/5' }));
      const d = deployment();
      expect(strategyOf(d)).toEqual(original);
      expect(d.metadata.annotations?.['rollouts.kruise.io/original-deployment-strategy']).toBeUndefined();
      expect(d.metadata.labels?.['rollouts.kruise.io/stable-revision']).toBeUndefined();
      expect(service('echoserver')!.spec.selector).toEqual({ app: 'echoserver' });
      expect(service('echoserver-canary')).toBeUndefined();
      expect(ingress('echoserver-canary')).toBeUndefined();
    },
  );
});
