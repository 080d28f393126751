// StatefulSet releases through a Rollout — native apps/v1 and OpenKruise's Advanced StatefulSet —
// black-box against the sandbox with kubectl and our CLI (docs/controller.md §16): the unified
// webhook holds every ordinal back (partition 32767), each step lowers the ordinal partition to
// replicas − batch so the highest ordinals update first, pods carry the rollout-id and their batch,
// `approve`, `status` and `watch` work on it, a rollout-id-only release, scaling mid-release, and the hand-back.
import { availableKubectls } from '../conformance/harness.js';
import { examplePath } from '../fixtures/load.js';
import { firstKubectl, jumpToStep, kubectlOk, loadExample } from './helpers.js';
import { batchesOf, loopEnv } from './loop-env.js';

const kubectls = firstKubectl(availableKubectls());
const ID = 'rollouts.kruise.io/rollout-id';
const KINDS = [
  { label: 'native', apiVersion: 'apps/v1', resource: 'statefulsets.apps', file: 'e2e_native_statefulset.yaml' },
  {
    label: 'Advanced',
    apiVersion: 'apps.kruise.io/v1beta1',
    resource: 'statefulsets.apps.kruise.io',
    file: 'e2e_advanced_statefulset.yaml',
  },
] as const;
const cases = kubectls.flatMap((k) => KINDS.map((kind) => [`${kind.label} StatefulSet with ${k.label}`, k, kind] as const));

describe.each(cases)('%s', (_label, kubectl, kind) => {
  const h = loopEnv(kubectl);
  const { files, kruise, watch, approve, pods } = h;

  const getSts = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', kind.resource, 'echoserver', '-o', 'json']));
  /** The partition, the ordinals of the update revision, and per batch the pods labelled with `id`. */
  const released = async (id: string) => {
    const sts = await getSts();
    const all = await pods();
    const fresh = all.filter((p) => p.metadata.labels['controller-revision-hash'] === sts.status.updateRevision);
    const batches = batchesOf(fresh, id);
    const ordinals = fresh.map((p) => Number(p.metadata.name.slice('echoserver-'.length))).sort((a, b) => a - b);
    return { partition: sts.spec.updateStrategy?.rollingUpdate?.partition, ordinals, total: all.length, batches };
  };
  const setUp = async (steps: unknown[]) => {
    await kubectlOk(h.env, ['apply', '-f', examplePath(kind.file)]);
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'echoserver';
    ro.spec.workloadRef = { apiVersion: kind.apiVersion, kind: 'StatefulSet', name: 'echoserver' };
    ro.spec.strategy.canary.steps = steps;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
  };
  const newVersion = (version: string) =>
    kubectlOk(h.env, [
      'patch',
      kind.resource,
      'echoserver',
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: {
          template: {
            spec: { containers: [{ name: 'echoserver', image: 'cilium/echoserver:latest', env: [{ name: 'NODE_NAME', value: version }] }] },
          },
        },
      }),
    ]);

  test('manual steps 20%/40%/60%/100%: the ordinal partition and the batch labels at each step, approve, status, hand-back', async () => {
    await setUp([{ replicas: '20%' }, { replicas: '40%' }, { replicas: '60%' }, { replicas: '100%' }]);
    const before = await getSts();
    expect(before.metadata.labels['rollouts.kruise.io/workload-type']).toBe('statefulset');
    await newVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    const ro = JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'echoserver', '-o', 'json']));
    const id = ro.status.canaryStatus.observedRolloutID;
    expect(ro.status.canaryStatus.stableRevision).toBe(before.status.currentRevision.slice('echoserver-'.length));
    expect(await released(id)).toEqual({ partition: 4, ordinals: [4], total: 5, batches: { '1': 1 } });
    const sts = await getSts();
    expect(JSON.parse(sts.metadata.annotations['batchrelease.rollouts.kruise.io/control-info'])).toMatchObject({
      kind: 'BatchRelease',
      name: 'echoserver',
    });
    expect(JSON.parse(sts.metadata.annotations['rollouts.kruise.io/in-progressing'])).toEqual({ rolloutName: 'echoserver' });
    const view = JSON.parse((await kruise('rollout', 'status', 'echoserver', '-o', 'json')).stdout);
    expect(view).toMatchObject({
      batch: { planned: 1, updated: 1, ready: 1 },
      revisions: { stable: ro.status.canaryStatus.stableRevision, canary: ro.status.canaryStatus.canaryRevision },
      workload: { kind: 'StatefulSet', name: 'echoserver', found: true, replicas: 5 },
      waitingForApproval: true,
    });
    expect(view.steps.map((s: any) => s.planned)).toEqual([1, 2, 3, 5]);
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect(await released(id)).toEqual({ partition: 3, ordinals: [3, 4], total: 5, batches: { '1': 1, '2': 1 } });
    await approve(2);
    await watch('--until', 'paused', '--step', '3');
    expect(await released(id)).toEqual({ partition: 2, ordinals: [2, 3, 4], total: 5, batches: { '1': 1, '2': 1, '3': 1 } });
    await approve(3);
    await watch('--until', 'completed');
    const done = await getSts();
    expect(done.spec.updateStrategy?.rollingUpdate?.partition).toBeUndefined();
    expect(done.metadata.annotations?.['batchrelease.rollouts.kruise.io/control-info']).toBeUndefined();
    expect(done.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
    expect(await released(id)).toEqual({
      partition: undefined,
      ordinals: [0, 1, 2, 3, 4],
      total: 5,
      batches: { '1': 1, '2': 1, '3': 1, '4': 2 },
    });
  });

  test('a rollout-id-only release: every ordinal is already new; each batch relabels its share with the new id', async () => {
    await setUp([{ replicas: '20%' }, { replicas: '40%' }, { replicas: '60%' }, { replicas: '100%' }]);
    await kubectlOk(h.env, ['label', kind.resource, 'echoserver', `${ID}=1`]);
    await newVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    for (const step of [1, 2, 3]) {
      await approve(step);
      await watch(...(step < 3 ? ['--until', 'paused', '--step', String(step + 1)] : ['--until', 'completed']));
    }
    expect((await released('1')).batches).toEqual({ '1': 1, '2': 1, '3': 1, '4': 2 });
    await kubectlOk(h.env, ['label', '--overwrite', kind.resource, 'echoserver', `${ID}=2`]);
    const expected = [
      [4, { '1': 1 }],
      [3, { '1': 1, '2': 1 }],
      [2, { '1': 1, '2': 1, '3': 1 }],
    ] as const;
    for (const [i, [partition, batches]] of expected.entries()) {
      await watch('--until', 'paused', '--step', String(i + 1));
      expect(await released('2')).toEqual({ partition, ordinals: [0, 1, 2, 3, 4], total: 5, batches });
      await approve(i + 1);
    }
    await watch('--until', 'completed');
    expect((await released('2')).batches).toEqual({ '1': 1, '2': 1, '3': 1, '4': 2 });
  });

  test('scaling 5 → 10 mid-release keeps the ordinal partition, and a jump to the last step', async () => {
    await setUp([{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }]);
    await newVersion('version2');
    await watch('--until', 'paused', '--step', '1');
    const id = JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'echoserver', '-o', 'json'])).status.canaryStatus.observedRolloutID;
    expect(await released(id)).toMatchObject({ partition: 4, ordinals: [4] });
    await kubectlOk(h.env, ['scale', kind.resource, 'echoserver', '--replicas=10']);
    // Ordinals 5–9 are new and at or above the partition: they start at the update revision, and
    // the partition is never raised back (upstream's UpgradeBatch), so step 1 keeps 6 updated.
    for (let i = 0; i < 200 && (await released(id)).ordinals.length < 6; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await released(id)).toMatchObject({ partition: 4, ordinals: [4, 5, 6, 7, 8, 9], total: 10 });
    await watch('--until', 'paused', '--step', '1');
    await jumpToStep(h.env, 'echoserver', 3);
    await watch('--until', 'completed');
    expect(await released(id)).toMatchObject({ partition: undefined, ordinals: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], total: 10 });
  });
});
