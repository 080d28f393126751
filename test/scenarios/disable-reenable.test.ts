// Disable mid-release, then re-enable, as upstream (rollout_status.go calculateRolloutStatus,
// reconcileRolloutDisabling): the sub-status is kept through Disabling → Disabled → Healthy (the
// step where the release stood stays), not wiped and replaced by a first-deploy status.
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { deploymentOf, expectPods, guideSetUp, kruiseIn, kubectlOk, releaseToStep, rolloutOf, until, versionPatch } from './helpers.js';

const kubectl = availableKubectls()[0]!;
let env: KubectlEnv;
beforeEach(async () => {
  env = await startKubectlEnv(kubectl);
});
afterEach(async () => {
  await env?.close();
});

test('disable at step 2, re-enable: Disabled then Healthy with the step kept; the next release starts at step 1', async () => {
  await guideSetUp(env);
  await releaseToStep(env, 2);
  const atStep2 = structuredClone(rolloutOf(env.sb).status!.canaryStatus!);
  expect(atStep2).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused' });

  await kubectlOk(env, ['patch', 'rollout', 'rollouts-demo', '--type', 'merge', '-p', '{"spec":{"disabled":true}}']);
  await until(env.sb, 'phase Disabled', () => rolloutOf(env.sb).status?.phase === 'Disabled');
  await until(env.sb, 'Deployment handed back', () => deploymentOf(env.sb).spec.paused !== true);
  await expectPods(env.sb, { 'version-2': 10 });
  let ro = JSON.parse(await kubectlOk(env, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
  expect(ro.status).toMatchObject({ phase: 'Disabled', message: 'Rollout is disabled' });
  expect(ro.status.canaryStatus).toMatchObject({
    currentStepIndex: 2,
    currentStepState: 'StepPaused',
    canaryRevision: atStep2.canaryRevision,
    stableRevision: atStep2.stableRevision,
    rolloutHash: atStep2.rolloutHash,
  });

  await kubectlOk(env, ['patch', 'rollout', 'rollouts-demo', '--type', 'merge', '-p', '{"spec":{"disabled":false}}']);
  await until(env.sb, 'phase Healthy', () => rolloutOf(env.sb).status?.phase === 'Healthy');
  ro = JSON.parse(await kubectlOk(env, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
  expect(ro.status).toMatchObject({ phase: 'Healthy', message: 'rollout is healthy' });
  expect(ro.status.canaryStatus).toMatchObject({
    currentStepIndex: 2,
    currentStepState: 'StepPaused',
    canaryRevision: atStep2.canaryRevision,
    stableRevision: atStep2.stableRevision,
    // Pods are counted only during a release (upstream): the counts of step 2 stay.
    canaryReplicas: atStep2.canaryReplicas,
    canaryReadyReplicas: atStep2.canaryReadyReplicas,
  });

  // The next release starts from step 1 as usual.
  await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
  const w = await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s');
  expect(w).toMatchObject({ code: 0, stderr: '' });
  await expectPods(env.sb, { 'version-2': 9, 'version-3': 1 });
});
