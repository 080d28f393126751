// StatefulSet-like control as tables (docs/controller.md §16.1): the unified webhook's marks when a
// release starts, the ordinal partition each batch writes, the ordinals each batch updates and the
// pods it labels with the rollout-id and its batch (docs/controller.md §2, §16.1).
import {
  markStatefulSetRelease,
  releaseStatefulSet,
  sizeStatefulSetBatch,
  takeStatefulSetControl,
} from '../../src/reconcile/statefulset-control.js';
import type { StatefulSetLike } from '../../src/workload/statefulset.js';
import type { Pod } from '../../src/workload/types.js';

const ID = 'rollouts.kruise.io/rollout-id';
const BATCH = 'rollouts.kruise.io/rollout-batch-id';
const CONTROL = { apiVersion: 'rollouts.kruise.io/v1beta1', kind: 'BatchRelease', name: 'echoserver', uid: 'br', controller: true };

function sts(replicas: number, partition?: number, apiVersion = 'apps/v1'): StatefulSetLike {
  return {
    apiVersion,
    kind: 'StatefulSet',
    metadata: { name: 'echoserver', namespace: 'default', uid: 'sts-uid' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'echoserver' } },
      template: { metadata: { labels: { app: 'echoserver' } }, spec: { containers: [{ name: 'echoserver', image: 'v1' }] } },
      ...(partition === undefined ? {} : { updateStrategy: { rollingUpdate: { partition } } }),
    },
    status: { updateRevision: 'echoserver-new', currentRevision: 'echoserver-old' },
  };
}

/** The pods of `replicas` ordinals as the StatefulSet controller leaves them for `partition`: ordinals ≥ it are new. */
function podsFor(replicas: number, partition: number, previous: Pod[] = []): Pod[] {
  return Array.from({ length: replicas }, (_, i) => {
    const revision = i >= partition ? 'echoserver-new' : 'echoserver-old';
    const name = `echoserver-${i}`;
    const kept = previous.find((p) => p.metadata.name === name && p.metadata.labels?.['controller-revision-hash'] === revision);
    return (
      kept ?? {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { 'controller-revision-hash': revision } },
        spec: { containers: [] },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }
    );
  });
}

const batchOf = (all: Pod[], id: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const p of all) if (p.metadata.labels?.[ID] === id) out[p.metadata.name!] = p.metadata.labels[BATCH]!;
  return out;
};

test('the webhook: a template change holds every ordinal back (32767) and marks in-progressing; 0 replicas, OnDelete, same template do not', () => {
  const next = sts(5);
  next.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markStatefulSetRelease(sts(5), next, 'echoserver')).toBe(true);
  expect(next.spec.updateStrategy).toEqual({ rollingUpdate: { partition: 32767 } });
  expect(next.metadata.annotations).toEqual({ 'rollouts.kruise.io/in-progressing': '{"rolloutName":"echoserver"}' });
  expect(markStatefulSetRelease(sts(5), sts(5), 'echoserver')).toBe(false);
  const zero = sts(0);
  zero.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markStatefulSetRelease(sts(5), zero, 'echoserver')).toBe(false);
  const onDelete = structuredClone(next);
  onDelete.spec.updateStrategy = { type: 'OnDelete' };
  expect(markStatefulSetRelease(sts(5), onDelete, 'echoserver')).toBe(false);
  // With a rollout-id annotation only its change counts.
  const withId = sts(5);
  withId.metadata.annotations = { [ID]: 'a' };
  const sameId = structuredClone(withId);
  sameId.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markStatefulSetRelease(withId, sameId, 'r')).toBe(false);
  const newId = sts(5);
  newId.metadata.annotations = { [ID]: 'b' };
  expect(markStatefulSetRelease(withId, newId, 'r')).toBe(true);
});

test.each([
  ['apps/v1', { rollingUpdate: { partition: 32767 } }],
  ['apps.kruise.io/v1beta1', { rollingUpdate: { partition: 32767, paused: false } }],
])('taking control of a %s StatefulSet and handing it back', (apiVersion, taken) => {
  const set = sts(5, undefined, apiVersion);
  takeStatefulSetControl(set, CONTROL);
  expect(set.spec.updateStrategy).toEqual(taken);
  expect(JSON.parse(set.metadata.annotations!['batchrelease.rollouts.kruise.io/control-info']!)).toEqual(CONTROL);
  // Already controlled: the partition a batch wrote is kept.
  set.spec.updateStrategy!.rollingUpdate!.partition = 3;
  takeStatefulSetControl(set, CONTROL);
  expect(set.spec.updateStrategy!.rollingUpdate!.partition).toBe(3);
  const unfinished = structuredClone(set);
  releaseStatefulSet(unfinished, false);
  expect(unfinished.metadata.annotations).toBeUndefined();
  expect(unfinished.spec.updateStrategy!.rollingUpdate!.partition).toBe(3);
  releaseStatefulSet(set, true);
  expect(set.spec.updateStrategy!.rollingUpdate!.partition).toBeUndefined();
});

test.each([
  // [replicas, steps, step, partition before, partition written, planned]
  [5, [1, '50%', '100%'], 1, 32767, 4, 1],
  [5, [1, '50%', '100%'], 2, 4, 2, 3],
  [5, [1, '50%', '100%'], 3, 2, 0, 5],
  [10, ['10%', '30%', '60%'], 1, 32767, 9, 1],
  [10, ['10%', '30%', '60%'], 3, 7, 4, 6],
  // 1% of 5 rounds up to one pod.
  [5, ['1%', '100%'], 1, 32767, 4, 1],
  // A jump back, or scaled up after a number step: the partition is never raised.
  [10, ['10%', '30%', '60%'], 1, 4, 4, 1],
  // No partition (0): nothing to lower.
  [5, [1, '50%', '100%'], 1, undefined, undefined, 1],
])('%p replicas, steps %p, step %p: partition %p → %p, %p planned', (replicas, steps, step, before, after, planned) => {
  const set = sts(replicas, before);
  const batch = sizeStatefulSetBatch(set, [], { rolloutId: 'id', batch: step, batches: steps });
  expect(set.spec.updateStrategy?.rollingUpdate?.partition).toEqual(after);
  expect(batch.planned).toBe(planned);
});

test('20%/40%/60%/100% of 5: the highest ordinals update first; each batch labels the ordinals it adds', () => {
  const steps = ['20%', '40%', '60%', '100%'];
  let all = podsFor(5, 5);
  const set = sts(5, 32767);
  const table: Array<[number, number, boolean]> = [];
  for (const step of [1, 2, 3, 4]) {
    const first = sizeStatefulSetBatch(set, all, { rolloutId: 'r1', batch: step, batches: steps });
    // The StatefulSet controller follows the partition; the next pass sees the new pods.
    all = podsFor(5, set.spec.updateStrategy!.rollingUpdate!.partition!, all);
    const batch = sizeStatefulSetBatch(set, all, { rolloutId: 'r1', batch: step, batches: steps });
    expect(first.ready).toBe(false);
    table.push([set.spec.updateStrategy!.rollingUpdate!.partition!, batch.updated, batch.ready]);
  }
  expect(table).toEqual([
    [4, 1, true],
    [3, 2, true],
    [2, 3, true],
    [0, 5, true],
  ]);
  expect(batchOf(all, 'r1')).toEqual({
    'echoserver-4': '1',
    'echoserver-3': '2',
    'echoserver-2': '3',
    'echoserver-1': '4',
    'echoserver-0': '4',
  });
});

test('a batch is not ready while its ordinals are not all updated, ready and labelled', () => {
  const steps = ['40%', '100%'];
  const short = sizeStatefulSetBatch(sts(5, 3), podsFor(5, 4), { rolloutId: 'r1', batch: 1, batches: steps });
  expect([short.updated, short.ready]).toEqual([1, false]);
  const notReady = podsFor(5, 3);
  notReady[4]!.status = { conditions: [{ type: 'Ready', status: 'False' }] };
  const batch = sizeStatefulSetBatch(sts(5, 3), notReady, { rolloutId: 'r1', batch: 1, batches: steps });
  expect([batch.updated, batch.updatedReady, batch.ready]).toEqual([2, 1, false]);
});
