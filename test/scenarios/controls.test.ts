// Scenarios 7–11: the user's controls over a release — pause/resume, spec.disabled, a nextStepIndex
// jump, the first deploy, a new rollout-id — through kubectl and our CLI, on a sandbox with its
// rollout controller loop.

import { Annotation } from '../../src/rollout/types.js';
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  condition,
  DEPLOYMENT_YAML,
  deploymentOf,
  expectPods,
  firstKubectl,
  guideSetUp,
  jumpToStep,
  kruiseIn,
  kubectlOk,
  ROLLOUT_YAML,
  recordStatuses,
  releaseOf,
  releaseProblems,
  releaseToStep,
  rolloutOf,
  startWatch,
  until,
} from './helpers.js';

const all = availableKubectls();
const kubectls = firstKubectl(all);
// `kubectl patch --subresource` exists from 1.24 on.
const modern = all.filter((k) => !k.label.includes('1.20'));

describe.each(kubectls.map((k) => [k.label, k] as const))('controls with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
  });
  afterEach(async () => {
    await env?.close();
  });

  test('7. rollout pause freezes the step machine (approve still writes StepReady); rollout resume thaws it', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env);
    await releaseToStep(env, 1);
    const recorder = recordStatuses(env.sb);
    expect(await kruise('rollout', 'pause', 'rollouts-demo')).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo paused\n',
      stderr: '',
    });
    await until(env.sb, 'reason Paused', () => condition(rolloutOf(env.sb), 'Progressing')?.reason === 'Paused');
    expect(rolloutOf(env.sb).status?.message).toBe('Rollout has been paused, you can resume it by kube-cli');

    expect(await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
    expect(rolloutOf(env.sb).status!.canaryStatus).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepReady' });
    // A reconcile pass of our own (besides the loop's, triggered by the approval) must not move on.
    const pass = await kruise('rollout', 'reconcile-once', 'rollouts-demo');
    expect(pass.code).toBe(0);
    expect(pass.stdout).not.toMatch(/step 2\//);
    expect(rolloutOf(env.sb).status!.canaryStatus).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepReady' });
    await expectPods(env.sb, { 'version-1': 9, 'version-2': 1 });
    const frozen = recorder.history.length;

    expect(await kruise('rollout', 'resume', 'rollouts-demo')).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo resumed\n',
      stderr: '',
    });
    const w = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s');
    expect(w).toMatchObject({ code: 0, stderr: '' });
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
    recorder.stop();
    // While paused, every status stayed at step 1.
    expect(recorder.history.slice(0, frozen).every((r) => r.index === 1)).toBe(true);
    const c = rolloutOf(env.sb).status!.canaryStatus!;
    expect(releaseProblems(releaseOf(recorder.history, c.canaryRevision!, c.observedRolloutID), [1, 2])).toEqual([]);
  });

  test('8. spec.disabled mid-release: Disabled, the Deployment handed back and rolled natively to v2', async () => {
    await guideSetUp(env);
    await releaseToStep(env, 1);
    const awaiting = startWatch(env.kubeconfig, ['rollouts-demo', '--until', 'completed', '--timeout', '10s']);
    await awaiting.started;
    expect(await kubectlOk(env, ['patch', 'rollout', 'rollouts-demo', '--type', 'merge', '-p', '{"spec":{"disabled":true}}'])).toBe(
      'rollout.rollouts.kruise.io/rollouts-demo patched\n',
    );
    const r = await awaiting.done;
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/disabled/);
    await until(env.sb, 'phase Disabled', () => rolloutOf(env.sb).status?.phase === 'Disabled');
    await until(
      env.sb,
      'Deployment handed back',
      () => deploymentOf(env.sb).spec.paused !== true && !deploymentOf(env.sb).metadata.annotations?.[Annotation.inProgressing],
    );
    await expectPods(env.sb, { 'version-2': 10 });
    const d = JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json']));
    expect(d.spec.paused).toBeFalsy();
    expect(d.spec.strategy?.type).toBe('RollingUpdate');
  });

  test('10. first deploy: applying the Rollout to a running Deployment is Healthy/Completed at once; status -o json says done', async () => {
    const recorder = recordStatuses(env.sb);
    await kubectlOk(env, ['apply', '-f', DEPLOYMENT_YAML]);
    await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s']);
    await kubectlOk(env, ['apply', '-f', ROLLOUT_YAML]);
    const w = await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s');
    expect(w).toMatchObject({ code: 0, stderr: '' });
    const s = await kruiseIn(env)('rollout', 'status', 'rollouts-demo', '-o', 'json');
    expect(s.code).toBe(0);
    const view = JSON.parse(s.stdout);
    expect(view).toMatchObject({ done: true, currentRelease: true, waitingForApproval: false });
    expect(JSON.stringify(view)).toContain('Healthy');
    expect(rolloutOf(env.sb).status).toMatchObject({
      phase: 'Healthy',
      canaryStatus: { currentStepIndex: 3, currentStepState: 'Completed' },
    });
    recorder.stop();
    // At once: never Progressing, no batch, the Deployment never paused, no pod replaced.
    expect(recorder.history.map((r) => r.phase).filter((p) => p !== undefined && p !== 'Initial' && p !== 'Healthy')).toEqual([]);
    expect(deploymentOf(env.sb).spec.paused).toBeFalsy();
    await expectPods(env.sb, { 'version-1': 10 });
  });

  test('11. a new rollout-id on an unchanged template starts a release', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env);
    expect(await kubectlOk(env, ['label', 'deployment', 'workload-demo', 'rollouts.kruise.io/rollout-id=v2'])).toBe(
      'deployment.apps/workload-demo labeled\n',
    );
    const w = await kruise(
      'rollout',
      'watch',
      'rollouts-demo',
      '--until',
      'paused',
      '--step',
      '1',
      '--rollout-id',
      'v2',
      '--timeout',
      '10s',
    );
    expect(w).toMatchObject({ code: 0, stderr: '' });
    expect(rolloutOf(env.sb).status).toMatchObject({
      phase: 'Progressing',
      canaryStatus: { observedRolloutID: 'v2', currentStepIndex: 1, currentStepState: 'StepPaused' },
    });
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--rollout-id', 'v2')).code).toBe(0);
    expect(
      (await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--rollout-id', 'v2', '--timeout', '10s'))
        .code,
    ).toBe(0);
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--rollout-id', 'v2')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--rollout-id', 'v2', '--timeout', '10s')).code).toBe(
      0,
    );
    expect(condition(rolloutOf(env.sb), 'Succeeded')?.status).toBe('True');
    await expectPods(env.sb, { 'version-1': 10 });
  });
});

describe.each(modern.slice(0, 1).map((k) => [k.label, k] as const))('nextStepIndex with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
  });
  afterEach(async () => {
    await env?.close();
  });

  test('9. kubectl patch --subresource=status nextStepIndex 3 at step 1 jumps to step 3', async () => {
    await guideSetUp(env);
    await releaseToStep(env, 1);
    const recorder = recordStatuses(env.sb);
    const patched = await jumpToStep(env, 'rollouts-demo', 3);
    expect(patched).toBe('rollout.rollouts.kruise.io/rollouts-demo patched\n');
    const w = await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s');
    expect(w).toMatchObject({ code: 0, stderr: '' });
    await expectPods(env.sb, { 'version-2': 10 });
    recorder.stop();
    const indexes = recorder.history.map((r) => r.index);
    // 1 → 3 with no stop at step 2.
    expect(indexes).toContain(3);
    expect(indexes).not.toContain(2);
  });
});
