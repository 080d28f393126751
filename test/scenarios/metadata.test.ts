// The metadata upstream writes besides the status, read the way users read it (`kubectl get … -o
// json`, `kubectl get events`, `kubectl describe rollout`): the Rollout's rollouts.kruise.io/hash
// annotation, the workload-type label, the pods' controller-revision-hash, the deployment-strategy
// annotation as Go serialises it, the Deployment's revision annotation during a release, and the
// Events upstream's rollout controller records (docs/controller.md §2, §12, §13).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { condition, firstKubectl, guideSetUp, kruiseIn, kubectlOk, releaseToStep, rolloutOf, until, versionPatch } from './helpers.js';

const kubectls = firstKubectl(availableKubectls());

describe.each(kubectls.map((k) => [k.label, k] as const))('metadata upstream writes, with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
  });
  afterEach(async () => {
    await env?.close();
  });

  const getJson = async (...args: string[]): Promise<any> => JSON.parse(await kubectlOk(env, ['get', ...args, '-o', 'json']));
  const rolloutEvents = async (): Promise<any[]> =>
    (await getJson('events')).items.filter((e: any) => e.involvedObject?.kind === 'Rollout' && e.involvedObject?.name === 'rollouts-demo');

  test('the Rollout carries rollouts.kruise.io/hash (the plan hash), its Deployment the workload-type label', async () => {
    await guideSetUp(env);
    const ro = await getJson('rollout', 'rollouts-demo');
    const hash = ro.metadata.annotations?.['rollouts.kruise.io/hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{64}$/);
    expect(hash).toBe(ro.status.canaryStatus.rolloutHash);
    // Writing it is a metadata change: the generation stays, so the status still describes the spec.
    expect(ro.status.observedGeneration).toBe(ro.metadata.generation);
    // Upstream's patchWorkloadRolloutWebhookLabel puts it on the workload, not on the Rollout.
    const d = await getJson('deployment', 'workload-demo');
    expect(d.metadata.labels?.['rollouts.kruise.io/workload-type']).toBe('deployment');

    // An edited plan gets a new hash annotation at once (upstream computes it on every reconcile).
    await kubectlOk(env, [
      'patch',
      'rollout',
      'rollouts-demo',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/strategy/canary/steps/0/replicas","value":2}]',
    ]);
    await until(env.sb, 'a new hash annotation', () => {
      const now = rolloutOf(env.sb).metadata.annotations?.['rollouts.kruise.io/hash'];
      return now !== undefined && now !== hash;
    });
    const edited = await getJson('rollout', 'rollouts-demo');
    expect(edited.metadata.annotations['rollouts.kruise.io/hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{64}$/);
  });

  test('during a release: deployment-strategy as Go writes it, the revision annotation, controller-revision-hash on pods', async () => {
    await guideSetUp(env);
    expect((await getJson('deployment', 'workload-demo')).metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    await releaseToStep(env, 1);

    let d = await getJson('deployment', 'workload-demo');
    // Go's json.Marshal of DeploymentStrategy: rollingStyle, rollingUpdate{maxUnavailable, maxSurge},
    // paused omitted when false, partition always.
    expect(d.metadata.annotations['rollouts.kruise.io/deployment-strategy']).toBe(
      '{"rollingStyle":"Partition","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"},"partition":1}',
    );
    const rss = (await getJson('replicasets', '-l', 'app=demo')).items as any[];
    const revisionOf = (rs: any) => Number(rs.metadata.annotations['deployment.kubernetes.io/revision']);
    const newest = rss.reduce((a, b) => (revisionOf(a) >= revisionOf(b) ? a : b));
    expect(revisionOf(newest)).toBe(2);
    // As upstream's advanced Deployment controller (sync.go getNewReplicaSet → SetDeploymentRevision).
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect((await kubectlOk(env, ['rollout', 'history', 'deployment/workload-demo'])).trim().split('\n').slice(-2)).toEqual([
      expect.stringMatching(/^1\s/),
      expect.stringMatching(/^2\s/),
    ]);

    // labelpatch/patcher.go: every live pod of the workload gets controller-revision-hash (its
    // ReplicaSet's template hash); the new ones also rollout-id and rollout-batch-id.
    const pods = (await getJson('pods', '-l', 'app=demo')).items as any[];
    expect(pods).toHaveLength(10);
    const rsHash = new Map(rss.map((rs) => [rs.metadata.uid, rs.metadata.labels['pod-template-hash']]));
    for (const p of pods) {
      const owner = p.metadata.ownerReferences.find((r: any) => r.controller).uid;
      expect(p.metadata.labels['controller-revision-hash']).toBe(rsHash.get(owner));
    }
    const newPods = pods.filter((p) => p.metadata.labels['pod-template-hash'] === newest.metadata.labels['pod-template-hash']);
    expect(newPods.map((p) => p.metadata.labels['rollouts.kruise.io/rollout-batch-id'])).toEqual(['1']);

    // Step 2: the partition as written in the step, a percentage kept as a string.
    const kruise = kruiseIn(env);
    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s')).code).toBe(0);
    d = await getJson('deployment', 'workload-demo');
    expect(d.metadata.annotations['rollouts.kruise.io/deployment-strategy']).toBe(
      '{"rollingStyle":"Partition","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"},"partition":"50%"}',
    );
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
  });

  test('events: a finished batch, a continuous release and a rollback, as kubectl get events and describe show them', async () => {
    await guideSetUp(env);
    expect(await rolloutEvents()).toEqual([]);
    await releaseToStep(env, 1);
    const ro = rolloutOf(env.sb);
    const involvedObject = {
      kind: 'Rollout',
      namespace: 'default',
      name: 'rollouts-demo',
      uid: ro.metadata.uid,
      apiVersion: 'rollouts.kruise.io/v1beta1',
    };
    let events = await rolloutEvents();
    expect(events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: 'Progressing',
        message: 'upgrade step(1) canary pods with new versions done',
        involvedObject: expect.objectContaining(involvedObject),
        source: { component: 'rollout-controller' },
        count: 1,
      }),
    ]);
    expect(events[0].metadata.name).toMatch(/^rollouts-demo\.[0-9a-f]+$/);
    expect(events[0].firstTimestamp).toBe(events[0].lastTimestamp);

    // v3 while v2 is at step 1: upstream's handleContinuousRelease records it.
    const v2 = ro.status!.canaryStatus!.canaryRevision;
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
    await until(env.sb, 'the v3 release at step 1', () => {
      const c = rolloutOf(env.sb).status?.canaryStatus;
      return c?.canaryRevision !== v2 && c?.currentStepState === 'StepPaused';
    });
    // Back to v1: handleRollbackDirectly.
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-1')]);
    await until(env.sb, 'the rollback to finish', () => condition(rolloutOf(env.sb), 'Succeeded')?.status === 'False');
    events = await rolloutEvents();
    expect(events.map((e) => `${e.type} ${e.reason} ${e.message}`)).toEqual([
      'Normal Progressing upgrade step(1) canary pods with new versions done',
      'Normal Progressing workload continuous publishing canaryRevision, then restart publishing',
      'Normal Progressing upgrade step(1) canary pods with new versions done',
      'Normal Progressing workload has been rollback, then rollout is canceled',
    ]);

    const table = (await kubectlOk(env, ['get', 'events', '--sort-by', '.lastTimestamp'])).split('\n');
    expect(table[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(table.some((l) => /\sNormal\s+Progressing\s+rollout\/rollouts-demo\s+workload has been rollback/.test(l))).toBe(true);
    const described = await kubectlOk(env, ['describe', 'rollout', 'rollouts-demo']);
    expect(described).toMatch(
      /Events:[\s\S]*Normal\s+Progressing\s+\S+\s+rollout-controller\s+upgrade step\(1\) canary pods with new versions done/,
    );
  });
});
