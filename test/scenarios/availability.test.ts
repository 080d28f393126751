// Availability and pod placement while a partition-style Deployment is released in batches
// (docs/controller.md §9): kubectl does what the user does, our CLI approves, and a watcher on the
// sandbox's change feed records the fewest ready pods after every committed change.
import type { Sandbox } from '../../src/sandbox/server.js';
import type { Deployment, Pod } from '../../src/workload/types.js';
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  deploymentOf,
  expectPods,
  firstKubectl,
  fixtureDir,
  GUIDE_PATCH,
  guideSetUp,
  kruiseIn,
  kubectlOk,
  loadExample,
  releaseToStep,
  rolloutWithSteps,
  until,
  versionPatch,
} from './helpers.js';

const kubectls = firstKubectl(availableKubectls());

const isReady = (p: Pod) =>
  !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * The fewest ready demo pods seen after any store change, per named period (`during(name)` starts
 * one). Counted from the store's own objects, so no intermediate state is missed.
 */
function watchReady(sb: Sandbox): { during(name: string): void; lowest: Record<string, number>; stop(): void } {
  const lowest: Record<string, number> = {};
  let current: string | undefined;
  const sample = () => {
    if (!current) return;
    const ready = sb.store
      .list<Pod>('pods', { namespace: 'default' })
      .filter((p) => p.metadata.labels?.app === 'demo' && isReady(p)).length;
    lowest[current] = Math.min(lowest[current] ?? Number.POSITIVE_INFINITY, ready);
  };
  const stop = sb.store.subscribe(sample);
  return {
    during(name) {
      current = name;
      sample();
    },
    lowest,
    stop,
  };
}

describe.each(kubectls.map((k) => [k.label, k] as const))('availability during a release with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  let files: ReturnType<typeof fixtureDir>;
  beforeEach(async () => {
    // Pods take a while to become Ready, so that a batch that drops old pods early is seen to.
    env = await startKubectlEnv(kubectl, { podReadyDelayMs: 300 });
    files = fixtureDir();
  });
  afterEach(async () => {
    await env?.close();
    files?.cleanup();
  });

  /** The guide's release 1 → 50% → 100%, recording the fewest ready pods in each batch. */
  async function releaseWatched(setImage: string[]): Promise<Record<string, number>> {
    const kruise = kruiseIn(env);
    const watcher = watchReady(env.sb);
    try {
      watcher.during('batch 1');
      await kubectlOk(env, setImage);
      expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s')).code).toBe(0);
      watcher.during('batch 2');
      expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
      expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s')).code).toBe(0);
      watcher.during('batch 3');
      expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
      expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
      const replicas = deploymentOf(env.sb).spec.replicas ?? 1;
      await until(env.sb, 'every pod updated and ready', () => {
        const pods = env.sb.store.list<Pod>('pods', { namespace: 'default' }).filter((p) => !p.metadata.deletionTimestamp);
        return (
          pods.length === replicas &&
          pods.every((p) => isReady(p) && (p.spec?.containers?.[0] as { image?: string } | undefined)?.image === 'busybox:1.36')
        );
      });
      return { ...watcher.lowest };
    } finally {
      watcher.stop();
    }
  }

  test('10 replicas, maxUnavailable 25%: never fewer than 8 ready pods in any batch', async () => {
    await guideSetUp(env);
    const lowest = await releaseWatched(['set', 'image', 'deployment/workload-demo', 'busybox=busybox:1.36']);
    expect(lowest).toEqual({ 'batch 1': expect.any(Number), 'batch 2': expect.any(Number), 'batch 3': expect.any(Number) });
    for (const [batch, n] of Object.entries(lowest)) expect([batch, n >= 8]).toEqual([batch, true]);
  });

  test('1 replica: the one ready pod is replaced only once its successor is ready', async () => {
    const deployment = loadExample('docs_basic-usage_deployment_workload-demo.yaml');
    deployment.spec.replicas = 1;
    await kubectlOk(env, ['apply', '-f', files.write('deployment.yaml', deployment)]);
    await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s']);
    await kubectlOk(env, [
      'apply',
      '-f',
      files.write('rollout.yaml', rolloutWithSteps([{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }])),
    ]);
    expect((await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    const lowest = await releaseWatched(['set', 'image', 'deployment/workload-demo', 'busybox=busybox:1.36']);
    for (const [batch, n] of Object.entries(lowest)) expect([batch, n >= 1]).toEqual([batch, true]);
  });

  test('v3 during a v2 release at 50%: the newest old ReplicaSet (v2) gives up the pod, as upstream', async () => {
    await guideSetUp(env);
    await releaseToStep(env, 2);
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
    expect((await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s')).code).toBe(0);
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 4, 'version-3': 1 });
  });

  test('kubectl scale 10 → 20 mid-release scales every ReplicaSet proportionally', async () => {
    await guideSetUp(env);
    await releaseToStep(env, 2);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
    expect((await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s')).code).toBe(0);
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 4, 'version-3': 1 });
    expect(await kubectlOk(env, ['scale', 'deployment', 'workload-demo', '--replicas=20'])).toBe('deployment.apps/workload-demo scaled\n');
    await expectPods(env.sb, { 'version-1': 10, 'version-2': 8, 'version-3': 2 });
  });

  test('an integer step grows with the Deployment: 2 of 5 becomes 4 of 10 (upstream e2e "update with scale up")', async () => {
    const deployment = loadExample('docs_basic-usage_deployment_workload-demo.yaml');
    deployment.spec.replicas = 5;
    await kubectlOk(env, ['apply', '-f', files.write('deployment.yaml', deployment)]);
    await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s']);
    await kubectlOk(env, [
      'apply',
      '-f',
      files.write('rollout.yaml', rolloutWithSteps([{ replicas: 2 }, { replicas: '50%' }, { replicas: '100%' }])),
    ]);
    expect((await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    await releaseToStep(env, 1);
    await expectPods(env.sb, { 'version-1': 3, 'version-2': 2 });
    await kubectlOk(env, ['scale', 'deployment', 'workload-demo', '--replicas=10']);
    await expectPods(env.sb, { 'version-1': 6, 'version-2': 4 });
  });

  test('a Deployment handed back after a release carries no empty labels map', async () => {
    await guideSetUp(env);
    // The only label: upstream's workload-type, put on by the controller and never removed.
    const upstreamLabel = { 'rollouts.kruise.io/workload-type': 'deployment' };
    expect(JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json'])).metadata.labels).toEqual(upstreamLabel);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    const kruise = kruiseIn(env);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s')).code).toBe(0);
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s')).code).toBe(0);
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    await until(env.sb, 'handed back', () => deploymentOf(env.sb).spec.paused !== true);
    const d = JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json'])) as Deployment;
    expect(d.metadata.labels).toEqual(upstreamLabel);
    expect(Object.keys(d.metadata.annotations ?? {}).filter((k) => k.includes('kruise'))).toEqual([]);
  });
});
