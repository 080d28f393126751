// Upstream's e2e "V1->V2: Deployment, Partition, patch nextStepIndex to jump"
// (test/e2e/rollout_v1beta1_test.go): at step 4, jump back to step 3, then edit step 3 (the same
// number of pods, written as an integer). Upstream stays at step 3: recalculateCanaryStep compares
// the current step's batch from the previous plan, not the partition (raised to step 4's 80% and
// never lowered).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  expectPods,
  fixtureDir,
  guideSetUp,
  jumpToStep,
  kruiseIn,
  kubectlOk,
  releaseToStep,
  rolloutOf,
  rolloutWithSteps,
  until,
} from './helpers.js';

// `kubectl patch --subresource` exists from 1.24 on.
const kubectl = availableKubectls().filter((k) => !k.label.includes('1.20'))[0]!;
let env: KubectlEnv;
let files: ReturnType<typeof fixtureDir>;
beforeEach(async () => {
  env = await startKubectlEnv(kubectl);
  files = fixtureDir();
});
afterEach(async () => {
  await env?.close();
  files.cleanup();
});

const STEPS = [
  { replicas: '20%', pause: {} },
  { replicas: '40%', pause: {} },
  { replicas: '60%', pause: {} },
  { replicas: '80%', pause: {} },
  { replicas: '100%', pause: { duration: 0 } },
];

test('jump back from step 4 to step 3, then edit step 3: the release stays at step 3', async () => {
  const rollout = rolloutWithSteps(STEPS);
  await guideSetUp(env, files.write('rollout.yaml', rollout));
  await releaseToStep(env, 4);
  await expectPods(env.sb, { 'version-1': 2, 'version-2': 8 });

  await jumpToStep(env, 'rollouts-demo', 3);
  await until(env.sb, 'paused at step 3', () => {
    const c = rolloutOf(env.sb).status?.canaryStatus;
    return c?.currentStepIndex === 3 && c.currentStepState === 'StepPaused';
  });
  // Jumping back never removes updated pods.
  await expectPods(env.sb, { 'version-1': 2, 'version-2': 8 });
  const before = rolloutOf(env.sb).status!.canaryStatus!.rolloutHash;

  rollout.spec.strategy.canary.steps[2] = { replicas: 6, pause: {} };
  await kubectlOk(env, ['apply', '-f', files.write('rollout.yaml', rollout)]);
  await until(env.sb, 'the new plan recorded, and a pause', () => {
    const c = rolloutOf(env.sb).status?.canaryStatus;
    return c?.rolloutHash !== before && c?.currentStepState === 'StepPaused';
  });
  expect(rolloutOf(env.sb).status!.canaryStatus).toMatchObject({ currentStepIndex: 3, nextStepIndex: 4, currentStepState: 'StepPaused' });
  const status = await kruiseIn(env)('rollout', 'status', 'rollouts-demo', '-o', 'json');
  expect(JSON.parse(status.stdout)).toMatchObject({ waitingForApproval: true });
  await expectPods(env.sb, { 'version-1': 2, 'version-2': 8 });
});
