// Scenarios 2, 4, 5, 6: variations of a release driven by kubectl (patch, scale) with our CLI
// approving and watching, on a sandbox with its rollout controller loop.
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  condition,
  deploymentOf,
  expectPods,
  firstKubectl,
  fixtureDir,
  GUIDE_PATCH,
  guideSetUp,
  kruiseIn,
  kubectlOk,
  recordStatuses,
  releaseOf,
  releaseProblems,
  releaseToStep,
  rolloutOf,
  rolloutWithSteps,
  startWatch,
  until,
  versionPatch,
} from './helpers.js';

const kubectls = firstKubectl(availableKubectls());

describe.each(kubectls.map((k) => [k.label, k] as const))('release variants with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  let files: ReturnType<typeof fixtureDir>;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
    files = fixtureDir();
  });
  afterEach(async () => {
    await env?.close();
    files?.cleanup();
  });

  test('2. pause.duration 0 on step 1 moves on to step 2 by itself', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(
      env,
      files.write('rollout.yaml', rolloutWithSteps([{ replicas: 1, pause: { duration: 0 } }, { replicas: '50%' }, { replicas: '100%' }])),
    );
    const recorder = recordStatuses(env.sb);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    // Step 1 never waits for approval: the awaited condition cannot hold.
    const w1 = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s');
    expect(w1.code).toBe(4);
    expect(w1.stderr).toMatch(/step 1 does not wait for approval/);
    // No approve was sent, yet the release reaches step 2 and waits there.
    const w2 = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s');
    expect(w2).toMatchObject({ code: 0, stderr: '' });
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
    recorder.stop();
    const ro = rolloutOf(env.sb);
    const release = releaseOf(recorder.history, ro.status!.canaryStatus!.canaryRevision!, ro.status!.canaryStatus!.observedRolloutID);
    expect(release.filter((r) => r.index === 1).length).toBeGreaterThan(0);
    expect(releaseProblems(release, [2])).toEqual([]);
  });

  test('4. continuous release: v3 while paused at step 2 restarts at step 1 and ends with every pod at v3', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env);
    await releaseToStep(env, 2);
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
    const v2Revision = rolloutOf(env.sb).status!.canaryStatus!.canaryRevision!;
    // A CI job awaiting the v2 release is told it was superseded (exit 4).
    const awaitingV2 = startWatch(env.kubeconfig, ['rollouts-demo', '--until', 'completed', '--timeout', '10s']);
    await awaitingV2.started;
    const recorder = recordStatuses(env.sb);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
    const superseded = await awaitingV2.done;
    expect(superseded.code).toBe(4);
    expect(superseded.stderr).toMatch(/superseded by a newer release/);

    const w = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s');
    expect(w).toMatchObject({ code: 0, stderr: '' });
    const c = rolloutOf(env.sb).status!.canaryStatus!;
    expect(c).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused' });
    expect(c.canaryRevision).not.toBe(v2Revision);
    // Batch 1 of the new release: one v3 pod. The v2 pods are not counted as updated; the old
    // ReplicaSets are scaled down newest revision first (v2), as Kruise's advanced Deployment
    // controller does.
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 4, 'version-3': 1 });
    expect(rolloutOf(env.sb).status!.phase).toBe('Progressing');
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s')).code).toBe(0);
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    await expectPods(env.sb, { 'version-3': 10 });
    expect(condition(rolloutOf(env.sb), 'Succeeded')?.status).toBe('True');
    recorder.stop();
    const release = releaseOf(recorder.history, c.canaryRevision!, c.observedRolloutID);
    expect(release[0]).toMatchObject({ index: 1 });
    expect(releaseProblems(release, [1, 2])).toEqual([]);
  });

  test('5. rollback to v1 at step 2: every pod back at v1 without approval, Succeeded False; a pending watch exits 4', async () => {
    await guideSetUp(env);
    await releaseToStep(env, 2);
    const awaiting = startWatch(env.kubeconfig, ['rollouts-demo', '--until', 'completed', '--timeout', '10s']);
    await awaiting.started;
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-1')]);
    const r = await awaiting.done;
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/rolled back|cancel/);
    await until(env.sb, 'Succeeded False', () => condition(rolloutOf(env.sb), 'Succeeded')?.status === 'False');
    await expectPods(env.sb, { 'version-1': 10 });
    await until(env.sb, 'Healthy', () => rolloutOf(env.sb).status?.phase === 'Healthy');
    expect(rolloutOf(env.sb).status).toMatchObject({ phase: 'Healthy', message: 'Rollout progressing has been canceled' });
    expect(deploymentOf(env.sb).spec.paused).toBeFalsy();
  });

  test('6. kubectl scale --replicas=20 at the 50% step gives 10 updated pods', async () => {
    await guideSetUp(env);
    await releaseToStep(env, 2);
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
    expect(await kubectlOk(env, ['scale', 'deployment', 'workload-demo', '--replicas=20'])).toBe('deployment.apps/workload-demo scaled\n');
    // The status follows the new generation; then the batch is 50% of 20.
    const w = await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s');
    expect(w).toMatchObject({ code: 0, stderr: '' });
    await expectPods(env.sb, { 'version-1': 10, 'version-2': 10 });
    expect(rolloutOf(env.sb).status!.canaryStatus).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused' });
  });
});
