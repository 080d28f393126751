// Scenario 1: the user guide's exact commands, with each available kubectl doing what the user does
// (apply, the guide's patch, get) and our CLI doing approve and watch, on a sandbox with its
// rollout controller loop. Pods are counted by their VERSION env, not by the Deployment status.
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  condition,
  DEPLOYMENT_YAML,
  expectPods,
  GUIDE_PATCH,
  kruiseIn,
  kubectlOk,
  podVersionsKubectl,
  ROLLOUT_YAML,
  recordStatuses,
  releaseOf,
  releaseProblems,
} from './helpers.js';

const kubectls = availableKubectls();

test('at least one kubectl runs here (the missing ones were reported)', () => {
  expect(kubectls.length).toBeGreaterThan(0);
});

describe.each(kubectls.map((k) => [k.label, k] as const))('the guide with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await startKubectlEnv(kubectl);
  });
  afterAll(async () => {
    await env?.close();
  });

  test('apply, patch, approve, approve: 1 → 5 → 10 pods at version-2, Healthy and Succeeded', async () => {
    const kruise = kruiseIn(env);
    const recorder = recordStatuses(env.sb);
    try {
      // Step 0: the Deployment, 10/10 ready (kubectl rollout status is what a user waits with).
      expect(await kubectlOk(env, ['apply', '-f', DEPLOYMENT_YAML])).toBe('deployment.apps/workload-demo created\n');
      expect(await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s'])).toMatch(/successfully rolled out/);
      expect(JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json'])).status).toMatchObject({
        replicas: 10,
        readyReplicas: 10,
      });
      expect(await podVersionsKubectl(env)).toEqual({ 'version-1': 10 });

      // Step 1: the Rollout; the first deploy completes at once.
      expect(await kubectlOk(env, ['apply', '-f', ROLLOUT_YAML])).toBe('rollout.rollouts.kruise.io/rollouts-demo created\n');
      expect(await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).toMatchObject({
        code: 0,
        stderr: '',
      });

      // Step 2: the guide's patch, exactly; batch 1 is released and waits for approval.
      expect(await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH])).toBe(
        'deployment.apps/workload-demo patched\n',
      );
      let w = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s');
      expect(w).toMatchObject({ code: 0, stderr: '' });
      expect(w.stdout).toMatch(/rollout\/rollouts-demo is paused at step 1: step 1 is waiting for approval\n$/);
      await expectPods(env.sb, { 'version-1': 9, 'version-2': 1 });
      expect(await podVersionsKubectl(env)).toEqual({ 'version-1': 9, 'version-2': 1 });
      expect(JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json'])).spec.paused).toBe(true);

      // Step 3: approve → 5.
      expect(await kruise('rollout', 'approve', 'rollout/rollouts-demo', '-n', 'default')).toEqual({
        code: 0,
        stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
        stderr: '',
      });
      w = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s');
      expect(w).toMatchObject({ code: 0, stderr: '' });
      await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
      expect(await podVersionsKubectl(env)).toEqual({ 'version-1': 5, 'version-2': 5 });

      // Step 4: approve → 10, Healthy, Succeeded True, the Deployment handed back.
      expect(await kruise('rollout', 'approve', 'rollout/rollouts-demo', '-n', 'default')).toEqual({
        code: 0,
        stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 2/3 (releasing step 3: 100% of the pods)\n',
        stderr: '',
      });
      w = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s');
      expect(w).toMatchObject({ code: 0, stderr: '' });
      await expectPods(env.sb, { 'version-2': 10 });
      expect(await podVersionsKubectl(env)).toEqual({ 'version-2': 10 });
      const ro = JSON.parse(await kubectlOk(env, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
      expect(ro.status).toMatchObject({ phase: 'Healthy', canaryStatus: { currentStepIndex: 3, currentStepState: 'Completed' } });
      expect(condition(ro, 'Succeeded')?.status).toBe('True');
      const d = JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json']));
      expect(d.spec.paused).toBeFalsy();

      // No step was skipped or re-entered on the way.
      const release = releaseOf(recorder.history, ro.status.canaryStatus.canaryRevision, ro.status.canaryStatus.observedRolloutID);
      expect(release.map((r) => r.index)).toEqual(expect.arrayContaining([1, 2, 3]));
      expect(releaseProblems(release, [1, 2])).toEqual([]);
    } finally {
      recorder.stop();
    }
  });
});
