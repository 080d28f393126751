// The BatchRelease a release creates, read the way users read it: `kubectl get batchrelease`
// (its printer columns) and `-o json` (spec from the plan, status from the batch), the Deployment's
// control-info naming it, its removal at the end of the release and with its Rollout, and
// `rollout status` showing its batch state (docs/controller.md §2, §12, §13).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { deploymentOf, firstKubectl, GUIDE_PATCH, guideSetUp, kruiseIn, kubectlOk, releaseToStep, rolloutOf, until } from './helpers.js';

const kubectls = firstKubectl(availableKubectls());

describe.each(kubectls.map((k) => [k.label, k] as const))('BatchRelease with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
  });
  afterEach(async () => {
    await env?.close();
  });

  const getBr = async (): Promise<any> => JSON.parse(await kubectlOk(env, ['get', 'batchrelease', 'rollouts-demo', '-o', 'json']));

  test('created at step 1 as upstream builds it, batch by batch, deleted when the release completes', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env);
    // No release yet: no BatchRelease.
    expect((await env.run(['get', 'batchrelease', 'rollouts-demo'])).stderr).toMatch(/NotFound|not found/);

    await releaseToStep(env, 1);
    const ro = rolloutOf(env.sb);
    let br = await getBr();
    expect(br.apiVersion).toBe('rollouts.kruise.io/v1beta1');
    expect(br.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'rollouts.kruise.io/v1beta1',
        kind: 'Rollout',
        name: 'rollouts-demo',
        uid: ro.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    const canaryRevision = ro.status!.canaryStatus!.canaryRevision!;
    const stableRevision = ro.status!.canaryStatus!.stableRevision!;
    // Upstream's createBatchRelease: one batch per step, rolloutID = the canary revision when the
    // workload has no rollout-id label, batchPartition = current step − 1.
    expect(br.spec).toEqual({
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'workload-demo' },
      releasePlan: {
        batches: [{ canaryReplicas: 1 }, { canaryReplicas: '50%' }, { canaryReplicas: '100%' }],
        batchPartition: 0,
        rolloutID: canaryRevision,
        rollingStyle: 'Partition',
        enableExtraWorkloadForCanary: false,
      },
    });
    expect(br.status).toMatchObject({
      phase: 'Progressing',
      canaryStatus: { batchState: 'Ready', currentBatch: 0, updatedReplicas: 1, updatedReadyReplicas: 1 },
      stableRevision,
      updateRevision: canaryRevision,
      observedGeneration: br.metadata.generation,
      observedRolloutID: canaryRevision,
      observedWorkloadReplicas: 10,
    });
    expect(br.status.observedReleasePlanHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(br.status.canaryStatus.batchReadyTime)).not.toBeNaN();
    // The Deployment's control-info names the BatchRelease, as upstream's BuildReleaseControlInfo.
    expect(JSON.parse(deploymentOf(env.sb).metadata.annotations!['batchrelease.rollouts.kruise.io/control-info']!)).toEqual({
      apiVersion: 'rollouts.kruise.io/v1beta1',
      kind: 'BatchRelease',
      name: 'rollouts-demo',
      uid: br.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    });

    // The CRD's printer columns. KIND stays empty, as on a real cluster: upstream's v1beta1 column
    // reads .spec.targetReference.workloadRef.kind, a path the v1beta1 spec does not have.
    const table = await kubectlOk(env, ['get', 'batchrelease']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+KIND\s+PHASE\s+BATCH\s+BATCH-STATE\s+AGE$/);
    expect(table.split('\n')[1]).toMatch(/^rollouts-demo\s+Progressing\s+0\s+Ready\s+\S+$/);

    // `rollout status` shows the batch state (text and an added JSON field).
    const text = await kruise('rollout', 'status', 'rollouts-demo');
    expect(text.stdout).toMatch(/BatchRelease:\s+rollouts-demo, batch 1\/3 Ready \(Progressing\)/);
    const json = JSON.parse((await kruise('rollout', 'status', 'rollouts-demo', '-o', 'json')).stdout);
    expect(json.batchRelease).toEqual({ name: 'rollouts-demo', phase: 'Progressing', currentBatch: 0, batchState: 'Ready', batches: 3 });

    // After the approval: batch 1 (0-based), a spec update (PUT), a new generation observed.
    const before = br.metadata.generation;
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    await until(env.sb, 'batch 1 ready', () => {
      const b = env.sb.store.get<any>('batchreleases', 'default', 'rollouts-demo');
      return b?.status?.canaryStatus?.currentBatch === 1 && b.status.canaryStatus.batchState === 'Ready';
    });
    br = await getBr();
    expect(br.spec.releasePlan.batchPartition).toBe(1);
    expect(br.metadata.generation).toBe(before + 1);
    expect(br.status).toMatchObject({ observedGeneration: before + 1, canaryStatus: { updatedReplicas: 5, updatedReadyReplicas: 5 } });
    const writes = env.sb.requests.filter((q) => q.path.includes('/batchreleases')).map((q) => q.method);
    expect(writes.filter((m) => m === 'PATCH')).toEqual([]);
    expect(writes.filter((m) => m === 'POST')).toEqual(['POST']);

    // After completion upstream deletes it (finalising step ReleaseWorkloadControl).
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    await until(env.sb, 'BatchRelease deleted', () => !env.sb.store.get('batchreleases', 'default', 'rollouts-demo'));
    expect((await env.run(['get', 'batchrelease', 'rollouts-demo'])).stderr).toMatch(/NotFound|not found/);
    expect((await kruise('rollout', 'status', 'rollouts-demo')).stdout).not.toMatch(/BatchRelease/);
  });

  test('deleting the Rollout mid-release removes its BatchRelease', async () => {
    await guideSetUp(env);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    await until(env.sb, 'BatchRelease created', () => Boolean(env.sb.store.get('batchreleases', 'default', 'rollouts-demo')));
    await kubectlOk(env, ['delete', 'rollout', 'rollouts-demo']);
    await until(env.sb, 'BatchRelease gone', () => !env.sb.store.get('batchreleases', 'default', 'rollouts-demo'));
    expect(await kubectlOk(env, ['get', 'batchrelease', '-o', 'name'])).toBe('');
  });
});
