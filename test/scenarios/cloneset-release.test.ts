// A CloneSet released through a Rollout, black-box against the sandbox with kubectl and our CLI
// (docs/controller.md §16): the webhook holds every pod back (partition "100%"), each step writes
// the partition upstream writes, pods carry the rollout-id and their batch, `approve`, `status`
// and `watch` work on it, a jump with nextStepIndex, scaling mid-release, and the hand-back.
import { availableKubectls } from '../conformance/harness.js';
import { examplePath } from '../fixtures/load.js';
import { firstKubectl, jumpToStep, kubectlOk, loadExample, setCloneSetVersion } from './helpers.js';
import { batchesOf, loopEnv } from './loop-env.js';

const kubectls = firstKubectl(availableKubectls());
const ID = 'rollouts.kruise.io/rollout-id';

describe.each(kubectls.map((k) => [k.label, k] as const))('CloneSet release with %s', (_label, kubectl) => {
  const h = loopEnv(kubectl);
  const { files, kruise, watch, approve, pods } = h;

  const getCs = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', 'cloneset', 'echoserver', '-o', 'json']));
  /** Pods of the CloneSet's update revision, and per batch those labelled with `id`. */
  const released = async (id: string) => {
    const cs = await getCs();
    const all = await pods();
    const fresh = all.filter((p) => p.metadata.labels['controller-revision-hash'] === cs.status.updateRevision);
    const batches = batchesOf(fresh, id);
    return { partition: cs.spec.updateStrategy.partition, updated: fresh.length, total: all.length, batches };
  };
  const setUp = async (steps: unknown[]) => {
    await kubectlOk(h.env, ['apply', '-f', examplePath('e2e_cloneset.yaml')]);
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'echoserver';
    ro.spec.workloadRef = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'echoserver' };
    ro.spec.strategy.canary.steps = steps;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
  };
  const newVersion = (version: string) => setCloneSetVersion(h.env, version);

  test('manual steps 20%/40%/60%/100%: the partition and the batch labels at each step, approve, status, hand-back', async () => {
    await setUp([{ replicas: '20%' }, { replicas: '40%' }, { replicas: '60%' }, { replicas: '100%' }]);
    const before = await getCs();
    expect(before.metadata.labels['rollouts.kruise.io/workload-type']).toBe('cloneset');
    await newVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    const ro = JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'echoserver', '-o', 'json']));
    const id = ro.status.canaryStatus.observedRolloutID;
    expect(ro.status.canaryStatus.stableRevision).toBe(before.status.currentRevision.slice('echoserver-'.length));
    expect(await released(id)).toEqual({ partition: '80%', updated: 1, total: 5, batches: { '1': 1 } });
    const cs = await getCs();
    expect(JSON.parse(cs.metadata.annotations['batchrelease.rollouts.kruise.io/control-info'])).toMatchObject({
      kind: 'BatchRelease',
      name: 'echoserver',
    });
    expect(JSON.parse(cs.metadata.annotations['rollouts.kruise.io/in-progressing'])).toEqual({ rolloutName: 'echoserver' });
    // status reads the CloneSet's counts.
    const status = await kruise('rollout', 'status', 'echoserver');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/1\/4/);
    const view = JSON.parse((await kruise('rollout', 'status', 'echoserver', '-o', 'json')).stdout);
    expect(view).toMatchObject({
      batch: { planned: 1, updated: 1, ready: 1 },
      revisions: { stable: ro.status.canaryStatus.stableRevision, canary: ro.status.canaryStatus.canaryRevision },
      workload: { kind: 'CloneSet', name: 'echoserver', found: true, replicas: 5 },
      waitingForApproval: true,
    });
    expect(view.steps.map((s: any) => s.planned)).toEqual([1, 2, 3, 5]);
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect(await released(id)).toEqual({ partition: '60%', updated: 2, total: 5, batches: { '1': 1, '2': 1 } });
    await approve(2);
    await watch('--until', 'paused', '--step', '3');
    expect(await released(id)).toEqual({ partition: '40%', updated: 3, total: 5, batches: { '1': 1, '2': 1, '3': 1 } });
    await approve(3);
    await watch('--until', 'completed');
    const done = await getCs();
    expect(done.spec.updateStrategy.partition).toBeUndefined();
    expect(done.spec.updateStrategy.paused).toBe(false);
    expect(done.metadata.annotations['batchrelease.rollouts.kruise.io/control-info']).toBeUndefined();
    expect(done.metadata.annotations['rollouts.kruise.io/in-progressing']).toBeUndefined();
    expect(await released(id)).toEqual({ partition: undefined, updated: 5, total: 5, batches: { '1': 1, '2': 1, '3': 1, '4': 2 } });
  });

  test('a jump to the last step with nextStepIndex, and scaling 5 → 10 mid-release', async () => {
    await setUp([{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }]);
    await newVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    const id = JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'echoserver', '-o', 'json'])).status.canaryStatus.observedRolloutID;
    expect(await released(id)).toMatchObject({ partition: 4, updated: 1 });
    await kubectlOk(h.env, ['scale', 'cloneset', 'echoserver', '--replicas=10']);
    // Step 1's partition (4 of 5 kept) is a number: at 10 replicas it keeps 4 and updates 6, and a
    // partition is never raised back (upstream's UpgradeBatch), so step 1 stays at 6 updated.
    for (let i = 0; i < 200 && (await released(id)).updated < 6; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await released(id)).toMatchObject({ partition: 4, updated: 6, total: 10 });
    await watch('--until', 'paused', '--step', '1');
    // Jump from step 1 to step 3 (100%).
    await jumpToStep(h.env, 'echoserver', 3);
    await watch('--until', 'completed');
    expect(await released(id)).toMatchObject({ partition: undefined, updated: 10, total: 10 });
  });

  test('a rollout-id-only release (upstream e2e "Others"): the pods are relabelled batch by batch with the new id', async () => {
    await setUp([{ replicas: '20%' }, { replicas: '40%' }, { replicas: '60%' }, { replicas: '100%' }]);
    await kubectlOk(h.env, ['label', 'cloneset', 'echoserver', `${ID}=1`]);
    await newVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    for (const step of [1, 2, 3]) {
      await approve(step);
      await watch(...(step < 3 ? ['--until', 'paused', '--step', String(step + 1)] : ['--until', 'completed']));
    }
    expect((await released('1')).batches).toEqual({ '1': 1, '2': 1, '3': 1, '4': 2 });
    // Only the id changes: every pod is already of the update revision; each batch relabels its share.
    await kubectlOk(h.env, ['label', '--overwrite', 'cloneset', 'echoserver', `${ID}=2`]);
    const expected = [{ '1': 1 }, { '1': 1, '2': 1 }, { '1': 1, '2': 1, '3': 1 }];
    for (const [i, batches] of expected.entries()) {
      await watch('--until', 'paused', '--step', String(i + 1));
      expect(await released('2')).toEqual({ partition: expect.anything(), updated: 5, total: 5, batches });
      await approve(i + 1);
    }
    await watch('--until', 'completed');
    expect((await released('2')).batches).toEqual({ '1': 1, '2': 1, '3': 1, '4': 2 });
  });
});
