// `rollouts.kruise.io/rollback-in-batch: "true"` (docs/controller.md §16.2), black-box against the
// sandbox with kubectl and our CLI: a CloneSet, a native and an Advanced StatefulSet are rolled back
// to the stable template mid-release with a new rollout-id (upstream's e2e "Others" group, "patch
// batch id to pods: rollback case"). The release restarts from step 1 toward the old template: the
// pods already old are marked no-need-update, each step rolls back only its share of the rest, and
// the pods carry the new rollout-id and their batch as upstream's label patcher writes them.
import { availableKubectls } from '../conformance/harness.js';
import { examplePath } from '../fixtures/load.js';
import { firstKubectl, kubectlOk, loadExample } from './helpers.js';
import { batchesOf, loopEnv } from './loop-env.js';

const kubectls = firstKubectl(availableKubectls());
const ID = 'rollouts.kruise.io/rollout-id';
const NO_NEED = 'rollouts.kruise.io/no-need-update';
const STEPS = [
  { replicas: '20%' },
  { replicas: '40%' },
  { replicas: '60%' },
  { replicas: '80%' },
  { replicas: '100%', pause: { duration: 0 } },
];

const KINDS = [
  {
    label: 'CloneSet',
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'CloneSet',
    resource: 'clonesets.apps.kruise.io',
    file: 'e2e_cloneset.yaml',
  },
  {
    label: 'native StatefulSet',
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    resource: 'statefulsets.apps',
    file: 'e2e_native_statefulset.yaml',
  },
  {
    label: 'Advanced StatefulSet',
    apiVersion: 'apps.kruise.io/v1beta1',
    kind: 'StatefulSet',
    resource: 'statefulsets.apps.kruise.io',
    file: 'e2e_advanced_statefulset.yaml',
  },
] as const;
const cases = kubectls.flatMap((k) => KINDS.map((kind) => [`${kind.label} with ${k.label}`, k, kind] as const));

describe.each(cases)('rollback in batches: %s', (_label, kubectl, kind) => {
  const h = loopEnv(kubectl);
  const { files, kruise, watch, approve, pods } = h;

  const cloneSet = kind.kind === 'CloneSet';
  const getWorkload = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', kind.resource, 'echoserver', '-o', 'json']));
  const getRollout = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'echoserver', '-o', 'json']));
  const partitionOf = (w: any) => (cloneSet ? w.spec.updateStrategy?.partition : w.spec.updateStrategy?.rollingUpdate?.partition);
  /** The partition, the pods of the update revision (ordinals for a StatefulSet), per batch those labelled `id`, and the no-need-update marks. */
  const released = async (id: string) => {
    const w = await getWorkload();
    const all = await pods();
    const fresh = all.filter((p) => p.metadata.labels['controller-revision-hash'] === w.status.updateRevision);
    const batches = batchesOf(fresh, id);
    const updated = cloneSet ? fresh.length : fresh.map((p) => Number(p.metadata.name.slice('echoserver-'.length))).sort((a, b) => a - b);
    const noNeed = fresh.filter((p) => p.metadata.labels[NO_NEED] === id).length;
    return { partition: partitionOf(w), updated, batches, noNeed };
  };
  /** The template's NODE_NAME (a PUT of the object as read, so going back restores the very same template), and labels. */
  const setVersion = async (version: string, labels: Record<string, string> = {}) => {
    const w = await getWorkload();
    w.spec.template.spec.containers[0].env.find((e: any) => e.name === 'NODE_NAME').value = version;
    w.metadata.labels = { ...w.metadata.labels, ...labels };
    delete w.status;
    await kubectlOk(h.env, ['replace', '-f', files.write(`workload-${version}.json`, w)]);
  };

  test('rolled back at step 3 of 20/40/60/80/100% with rollout-id 2: each step rolls back its share; batch labels 1..5 of id 2', async () => {
    await kubectlOk(h.env, ['apply', '-f', examplePath(kind.file)]);
    await kubectlOk(h.env, ['label', kind.resource, 'echoserver', `${ID}=1`]);
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'echoserver';
    ro.metadata.annotations = { 'rollouts.kruise.io/rollback-in-batch': 'true' };
    ro.spec.workloadRef = { apiVersion: kind.apiVersion, kind: kind.kind, name: 'echoserver' };
    ro.spec.strategy.canary.steps = STEPS;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
    const v1 = (await getWorkload()).status.updateRevision;

    await setVersion('version2');
    for (const step of [1, 2, 3]) {
      await watch('--until', 'paused', '--step', String(step));
      if (step < 3) await approve(step);
    }
    expect((await released('1')).batches).toEqual({ '1': 1, '2': 1, '3': 1 });
    const stable = (await getRollout()).status.canaryStatus.stableRevision;

    // Back to version1 with a new rollout-id, in one update.
    await setVersion('version1', { [ID]: '2' });
    await watch('--until', 'paused', '--step', '1');
    const w = await getWorkload();
    expect(w.status.updateRevision).toBe(v1);
    const rolling = (await getRollout()).status;
    expect(rolling.phase).toBe('Progressing');
    expect(rolling.canaryStatus).toMatchObject({ canaryRevision: stable, stableRevision: stable, observedRolloutID: '2' });

    // The two pods still at version1 are not rolled back again: they are marked, and each step rolls
    // back its share of the other three (20% of 3 → 1, 40% → 2, 60% → 2, 80% → 3, 100% → 3).
    const expected = cloneSet
      ? [
          { partition: '40%', updated: 3, batches: { '1': 1 } },
          { partition: '20%', updated: 4, batches: { '1': 1, '2': 1 } },
          { partition: '20%', updated: 4, batches: { '1': 1, '2': 1, '3': 1 } },
          { partition: '0%', updated: 5, batches: { '1': 1, '2': 1, '3': 1, '4': 1 } },
        ]
      : [
          { partition: 4, updated: [0, 1, 4], batches: { '1': 1 } },
          { partition: 3, updated: [0, 1, 3, 4], batches: { '1': 1, '2': 1 } },
          { partition: 3, updated: [0, 1, 3, 4], batches: { '1': 1, '2': 1, '3': 1 } },
          { partition: 2, updated: [0, 1, 2, 3, 4], batches: { '1': 1, '2': 1, '3': 1, '4': 1 } },
        ];
    for (const [i, want] of expected.entries()) {
      if (i > 0) {
        await approve(i);
        await watch('--until', 'paused', '--step', String(i + 1));
      }
      expect(await released('2')).toEqual({ ...want, noNeed: 2 });
    }
    // status shows the rollback's step and counts.
    const text = (await kruise('rollout', 'status', 'echoserver')).stdout;
    expect(text).toMatch(/Release: +rolling back in batches, waiting for approval \(rollout approve echoserver --step 4 to continue\)/);
    expect(text).toMatch(/Batch: +planned 4, updated 5, ready 5/);
    const view = JSON.parse((await kruise('rollout', 'status', 'echoserver', '-o', 'json')).stdout);
    expect(view).toMatchObject({ batch: { updated: 5, ready: 5 }, workload: { kind: kind.kind, replicas: 5 }, waitingForApproval: true });
    await approve(4);
    await watch('--until', 'completed');
    const done = await getWorkload();
    expect(partitionOf(done)).toBeUndefined();
    expect(done.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
    expect((await released('2')).batches).toEqual({ '1': 1, '2': 1, '3': 1, '4': 1, '5': 1 });
    const final = (await getRollout()).status;
    // A rollback in batches is a release that completes (Succeeded=True), not a cancellation.
    expect(final.conditions.find((c: any) => c.type === 'Succeeded')?.status).toBe('True');
  });

  test('without a rollout-id label (upstream e2e "disable quickly rollback policy without traffic routing"): the id is rollback-<revision>, and the release completes', async () => {
    await kubectlOk(h.env, ['apply', '-f', examplePath(kind.file)]);
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'echoserver';
    ro.metadata.annotations = { 'rollouts.kruise.io/rollback-in-batch': 'true' };
    ro.spec.workloadRef = { apiVersion: kind.apiVersion, kind: kind.kind, name: 'echoserver' };
    ro.spec.strategy.canary.steps = STEPS;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
    const v1 = (await getWorkload()).status.updateRevision;
    const stable = v1.slice(v1.lastIndexOf('-') + 1);
    await setVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    await approve(2);
    await watch('--until', 'paused', '--step', '3');
    await setVersion('version1');
    await watch('--until', 'paused', '--step', '1');
    const id = `rollback-${stable}`;
    expect((await getRollout()).status.canaryStatus).toMatchObject({ canaryRevision: stable, observedRolloutID: id });
    expect(await released(id)).toMatchObject({ batches: { '1': 1 }, noNeed: 2 });
    for (const step of [1, 2, 3, 4]) {
      await approve(step);
      await watch(...(step < 4 ? ['--until', 'paused', '--step', String(step + 1)] : ['--until', 'completed']));
    }
    const final = await getRollout();
    expect(final.status.conditions.find((c: any) => c.type === 'Succeeded')?.status).toBe('True');
    const done = await getWorkload();
    expect(done.status).toMatchObject({ updatedReplicas: 5, updateRevision: v1, currentRevision: v1 });
    expect(partitionOf(done)).toBeUndefined();
  });

  test('without the annotation the same rollback cancels the release: the workload rolls back natively, Succeeded=False', async () => {
    await kubectlOk(h.env, ['apply', '-f', examplePath(kind.file)]);
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'echoserver';
    ro.spec.workloadRef = { apiVersion: kind.apiVersion, kind: kind.kind, name: 'echoserver' };
    ro.spec.strategy.canary.steps = STEPS;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
    await setVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    await setVersion('version1');
    // Cancelled: `watch --until completed` refuses to wait for it (exit 4), so poll the Rollout.
    const cancelled = async () => (await getRollout()).status?.conditions?.some((c: any) => c.type === 'Succeeded');
    for (let i = 0; i < 400 && !(await cancelled()); i++) await new Promise((r) => setTimeout(r, 25));
    const final = (await getRollout()).status;
    expect(final.conditions.find((c: any) => c.type === 'Succeeded')?.status).toBe('False');
    expect(final.conditions.find((c: any) => c.type === 'Progressing')).toMatchObject({
      reason: 'Completed',
      message: expect.stringMatching(/cancel/),
    });
    const done = await getWorkload();
    expect(partitionOf(done)).toBeUndefined();
    const all = await pods();
    expect(all.filter((p) => p.metadata.labels[NO_NEED])).toEqual([]);
  });
});
