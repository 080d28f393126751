// Revisions on a cluster whose Deployment controller hashes pod templates differently from ours
// (docs/controller.md §7): the sandbox's Deployment controller is given a salt, so every
// ReplicaSet it creates carries a pod-template-hash the rollout controller could never compute.
// The release, a rollback mid-release and a continuous release must behave exactly as on the
// plain sandbox: revisions are read from the ReplicaSets' labels, never recomputed.
import type { Rollout } from '../../src/rollout/types.js';
import { podTemplateHash } from '../../src/workload/hash.js';
import type { ReplicaSet } from '../../src/workload/types.js';
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  condition,
  deploymentOf,
  expectPods,
  firstKubectl,
  guideSetUp,
  kruiseIn,
  kubectlOk,
  readyVersions,
  recordStatuses,
  releaseToStep,
  rolloutOf,
  until,
  versionPatch,
} from './helpers.js';

const kubectls = firstKubectl(availableKubectls());

/** The pod-template-hash label of the ReplicaSet whose pods run `version`, as kubectl lists it. */
async function hashOfVersion(env: KubectlEnv, version: string): Promise<string> {
  const list = JSON.parse(await kubectlOk(env, ['get', 'replicasets', '-l', 'app=demo', '-o', 'json'])) as { items: ReplicaSet[] };
  const rs = list.items.find((r) => JSON.stringify(r.spec.template).includes(`"${version}"`));
  if (!rs) throw new Error(`no ReplicaSet runs ${version}`);
  return rs.metadata.labels!['pod-template-hash']!;
}

async function rolloutJson(env: KubectlEnv): Promise<Rollout> {
  return JSON.parse(await kubectlOk(env, ['get', 'rollout', 'rollouts-demo', '-o', 'json'])) as Rollout;
}

describe.each(kubectls.map((k) => [k.label, k] as const))('revisions from another hash function, with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl, { deploymentHashSalt: 'another-cluster' });
  });
  afterEach(async () => {
    await env?.close();
  });

  test('a rollback to v1 at step 2 cancels the release (Succeeded False) instead of restarting at step 1', async () => {
    await guideSetUp(env);
    const v1 = await hashOfVersion(env, 'version-1');
    // The cluster's hash is not ours: nothing may compare the two.
    expect(v1).not.toBe(podTemplateHash(deploymentOf(env.sb).spec.template));
    expect((await rolloutJson(env)).status?.canaryStatus?.stableRevision).toBe(v1);

    await releaseToStep(env, 2);
    await expectPods(env.sb, { 'version-1': 5, 'version-2': 5 });
    expect(deploymentOf(env.sb).metadata.labels?.['rollouts.kruise.io/stable-revision']).toBe(v1);
    const during = (await rolloutJson(env)).status!.canaryStatus!;
    expect(during).toMatchObject({ stableRevision: v1, canaryRevision: await hashOfVersion(env, 'version-2') });

    // `kubectl rollout undo` refuses a paused Deployment; a user sets the old version back.
    const recorder = recordStatuses(env.sb);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-1')]);
    await until(env.sb, 'the release cancelled', () => {
      const ro = rolloutOf(env.sb);
      return ro.status?.phase === 'Healthy' && condition(ro, 'Succeeded')?.status === 'False';
    });
    recorder.stop();
    expect(condition(rolloutOf(env.sb), 'Progressing')).toMatchObject({
      status: 'False',
      message: 'Rollout progressing has been canceled',
    });
    // Never back to step 1 of a "new" release of v1.
    expect(recorder.history.filter((r) => r.reason === 'Initializing' || r.state === 'BeforeStepUpgrade')).toEqual([]);
    expect(rolloutOf(env.sb).status?.canaryStatus?.canaryRevision).toBe(v1);
    // Upstream's getRolloutID while the cancelled release still holds the workload, then the plain revision.
    expect(
      recorder.history.some((r) => (r.reason === 'Cancelling' || r.reason === 'Completed') && r.observedRolloutID === `rollback-${v1}`),
    ).toBe(true);
    await until(env.sb, 'observedRolloutID back to the revision', () => rolloutOf(env.sb).status?.canaryStatus?.observedRolloutID === v1);
    await expectPods(env.sb, { 'version-1': 10 });
    expect(deploymentOf(env.sb).spec.paused).toBe(false);
  });

  test('a continuous release v1 → v2 → v3 restarts at step 1 with v1 still stable, then completes', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env);
    const v1 = await hashOfVersion(env, 'version-1');
    await releaseToStep(env, 1);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
    await until(env.sb, 'v3 at step 1', () => {
      const c = rolloutOf(env.sb).status?.canaryStatus;
      return c?.currentStepIndex === 1 && c.currentStepState === 'StepPaused' && readyVersions(env.sb)['version-3'] === 1;
    });
    await expectPods(env.sb, { 'version-1': 9, 'version-3': 1 });
    const c = (await rolloutJson(env)).status!.canaryStatus!;
    expect(c).toMatchObject({ stableRevision: v1, canaryRevision: await hashOfVersion(env, 'version-3') });
    for (const step of [1, 2]) {
      expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', String(step))).code).toBe(0);
      if (step === 1)
        expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s')).code).toBe(0);
    }
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    expect(condition(rolloutOf(env.sb), 'Succeeded')?.status).toBe('True');
    await expectPods(env.sb, { 'version-3': 10 });
  });
});
