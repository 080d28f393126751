// A blue-green release of the guide's Deployment carried out by the sandbox's own controller loop
// (no reconcile-once): kubectl patches the Deployment, `rollout watch --until paused` and `rollout
// approve` move it step by step, as a user would; both sides keep their pods until the cut-over,
// which restores the Deployment's strategy (docs/controller.md §19).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { deploymentOf, expectPods, fixtureDir, guideSetUp, kruiseIn, kubectlOk, loadExample, rolloutOf } from './helpers.js';

const kubectl = availableKubectls()[0];
const describeWithKubectl = kubectl ? describe : describe.skip;

/** The blue-green base Rollout pointed at the guide's Deployment, with `steps`. */
function blueGreenRollout(steps: unknown[]): any {
  const ro = loadExample('e2e_rollout_v1beta1_bluegreen_base.yaml');
  ro.spec.workloadRef.name = 'workload-demo';
  ro.spec.strategy.blueGreen = { steps };
  return ro;
}

describeWithKubectl('blue-green with the sandbox controller loop', () => {
  let env: KubectlEnv;
  let files: ReturnType<typeof fixtureDir>;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl!, { podReadyDelayMs: 0 });
    files = fixtureDir();
  });
  afterEach(async () => {
    await env.close();
    files.cleanup();
  });

  test('50% then 100% next to the blue side, approve each, cut-over to green with the original strategy', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env, files.write('rollout.yaml', blueGreenRollout([{ replicas: '50%' }, { replicas: '100%' }])));
    const before = deploymentOf(env.sb).spec;
    await kubectlOk(env, ['set', 'env', 'deployment/workload-demo', 'VERSION=version-2']);

    const step1 = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s');
    expect(step1.code).toBe(0);
    await expectPods(env.sb, { 'version-1': 10, 'version-2': 5 });
    expect(rolloutOf(env.sb).status?.blueGreenStatus).toMatchObject({ updatedReplicas: 5, updatedReadyReplicas: 5 });

    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    const step2 = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s');
    expect(step2.code).toBe(0);
    await expectPods(env.sb, { 'version-1': 10, 'version-2': 10 });

    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
    const done = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '15s');
    expect(done.code).toBe(0);
    await expectPods(env.sb, { 'version-2': 10 });
    const after = deploymentOf(env.sb).spec;
    expect({ ...after, template: undefined, paused: after.paused ?? false }).toEqual({
      ...before,
      template: undefined,
      paused: before.paused ?? false,
    });
  });
});
