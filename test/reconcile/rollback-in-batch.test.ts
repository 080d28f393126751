// Rolling back in batches as tables (docs/controller.md §16.2): which Rollouts roll back step by
// step (upstream's IsRollbackInBatchPolicy), the batch sizes with pods marked no-need-update
// (CalculateBatchContext), and per step the partition, the pods of the update revision and the
// batch labels a CloneSet and a StatefulSet get (the label patcher with FilterPodsFor(Un)orderedUpdate).
import { sizeCloneSetBatch } from '../../src/reconcile/cloneset-control.js';
import {
  isRollbackInBatchPolicy,
  markNoNeedUpdate,
  NO_NEED_UPDATE_LABEL,
  ROLLBACK_IN_BATCH_ANNOTATION,
  sizeRollbackBatch,
} from '../../src/reconcile/rollback-in-batch.js';
import { sizeStatefulSetBatch } from '../../src/reconcile/statefulset-control.js';
import type { Rollout } from '../../src/rollout/types.js';
import type { CloneSet } from '../../src/workload/cloneset.js';
import type { StatefulSetLike } from '../../src/workload/statefulset.js';
import type { Pod } from '../../src/workload/types.js';

const ID = 'rollouts.kruise.io/rollout-id';
const BATCH = 'rollouts.kruise.io/rollout-batch-id';
const STEPS = ['20%', '40%', '60%', '80%', '100%'];

function rollout(kind: string, annotation: string | undefined, traffic = false): Rollout {
  return {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name: 'ro', annotations: annotation === undefined ? {} : { [ROLLBACK_IN_BATCH_ANNOTATION]: annotation } },
    spec: {
      workloadRef: { apiVersion: 'apps.kruise.io/v1alpha1', kind, name: 'echoserver' },
      strategy: {
        canary: {
          steps: [{ replicas: '20%' }],
          ...(traffic ? { trafficRoutings: [{ service: 'echoserver', ingress: { classType: 'nginx', name: 'echoserver' } }] } : {}),
        },
      },
    },
  } as Rollout;
}

test.each([
  ['CloneSet', 'true', false, undefined, true],
  ['StatefulSet', 'true', false, undefined, true],
  ['CloneSet', 'true', true, undefined, false],
  ['CloneSet', 'false', false, undefined, false],
  ['CloneSet', undefined, false, undefined, false],
  ['Deployment', 'true', false, undefined, false],
  ['Other', 'true', false, { 'rollouts.kruise.io/workload-type': 'StatefulSet' }, true],
])('policy: %s, annotation %s, traffic %s, labels %j → %s', (kind, annotation, traffic, labels, want) => {
  expect(isRollbackInBatchPolicy(rollout(kind, annotation, traffic), labels)).toBe(want);
});

test.each([
  // upstream filter.go's example: 20 replicas, 10 already old; each step rolls back its share of the other 10.
  ['20%', 20, 10, false, { planned: 4, desiredUpdate: 12, desiredStable: 8 }],
  ['50%', 20, 10, false, { planned: 10, desiredUpdate: 15, desiredStable: 5 }],
  ['100%', 20, 10, false, { planned: 20, desiredUpdate: 20, desiredStable: 0 }],
  // 5 replicas, 2 already old (the e2e case): 20% of 3 → 1, 40% → 2, 60% → 2, 80% → 3.
  ['20%', 5, 2, false, { planned: 1, desiredUpdate: 3, desiredStable: 2 }],
  ['60%', 5, 2, false, { planned: 3, desiredUpdate: 4, desiredStable: 1 }],
  ['80%', 5, 2, false, { planned: 4, desiredUpdate: 5, desiredStable: 0 }],
  // Ordered (StatefulSet): the marked ordinals stay below the partition.
  ['20%', 5, 2, true, { planned: 1, desiredUpdate: 3, desiredStable: 4 }],
  ['60%', 5, 2, true, { planned: 3, desiredUpdate: 4, desiredStable: 3 }],
  ['80%', 5, 2, true, { planned: 4, desiredUpdate: 5, desiredStable: 2 }],
  // Nothing marked: the plain batch.
  ['40%', 5, 0, false, { planned: 2, desiredUpdate: 2, desiredStable: 3 }],
  ['40%', 5, 0, true, { planned: 2, desiredUpdate: 2, desiredStable: 3 }],
])('sizes: step %s of %i with %i no-need-update (ordered %s)', (step, replicas, noNeed, ordered, want) => {
  expect(sizeRollbackBatch(step, replicas, noNeed, ordered)).toEqual(want);
});

const batchCounts = (all: Pod[], id: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const p of all) if (p.metadata.labels?.[ID] === id) out[p.metadata.labels[BATCH]!] = (out[p.metadata.labels[BATCH]!] ?? 0) + 1;
  return out;
};

function pod(name: string, revision: string, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'controller-revision-hash': revision, ...labels } },
    spec: { containers: [] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

test('CloneSet rolled back at step 3 of 20/40/60/80/100% (2 of 5 still old): per step the partition, the pods and the labels of the new id', () => {
  // v1 → v2 stood at step 3: pods 0-2 of v2 labelled with id 1, pods 3-4 of v1. Rolled back to v1 with id 2.
  let all: Pod[] = [
    ...[0, 1, 2].map((i) => pod(`cs-${i}`, 'echoserver-v2', { [ID]: '1', [BATCH]: String(i + 1) })),
    pod('cs-3', 'echoserver-v1'),
    pod('cs-4', 'echoserver-v1'),
  ];
  const cs: CloneSet = {
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'CloneSet',
    metadata: { name: 'echoserver' },
    spec: { replicas: 5, selector: {}, template: {}, updateStrategy: { partition: '100%' } },
    status: { updateRevision: 'echoserver-v1', currentRevision: 'echoserver-v1' },
  } as CloneSet;
  const fresh = () => all.filter((p) => p.metadata.labels!['controller-revision-hash'] === 'echoserver-v1');
  expect(markNoNeedUpdate(fresh(), '2')).toBe(2);
  const expected = [
    { partition: '40%', updated: 3, ready: true, batches: { '1': 1 } },
    { partition: '20%', updated: 4, ready: true, batches: { '1': 1, '2': 1 } },
    { partition: '20%', updated: 4, ready: true, batches: { '1': 1, '2': 1, '3': 1 } },
    { partition: '0%', updated: 5, ready: true, batches: { '1': 1, '2': 1, '3': 1, '4': 1 } },
    { partition: '0%', updated: 5, ready: true, batches: { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1 } },
  ];
  for (const [i, want] of expected.entries()) {
    const release = { rolloutId: '2', batch: i + 1, batches: STEPS };
    const first = sizeCloneSetBatch(cs, all, release);
    // The batch waits for the pods its partition rolls back…
    const partition = cs.spec.updateStrategy!.partition;
    const keep = Number(String(partition).replace('%', '')) / 20;
    expect(first.desired).toBe(5 - keep);
    // …which the CloneSet controller rolls back (new pods, without labels), oldest v2 first.
    let toRollBack = first.desired - fresh().length;
    all = all.map((p) => {
      if (toRollBack <= 0 || p.metadata.labels!['controller-revision-hash'] !== 'echoserver-v2') return p;
      toRollBack--;
      return pod(`${p.metadata.name}-b`, 'echoserver-v1');
    });
    const batch = sizeCloneSetBatch(cs, all, release);
    expect({ partition, updated: batch.updated, ready: batch.ready, batches: batchCounts(all, '2') }).toEqual(want);
    expect(all.filter((p) => p.metadata.labels![NO_NEED_UPDATE_LABEL] === '2')).toHaveLength(2);
  }
});

test('StatefulSet rolled back at step 3 (ordinals 2-4 new, 0-1 old): per step the ordinal partition, the old ordinals and the labels of the new id', () => {
  const sts: StatefulSetLike = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'echoserver' },
    spec: { replicas: 5, selector: {}, template: {}, updateStrategy: { rollingUpdate: { partition: 32767 } } },
    status: { updateRevision: 'echoserver-v1', currentRevision: 'echoserver-v1' },
  } as StatefulSetLike;
  let all: Pod[] = [0, 1, 2, 3, 4].map((i) =>
    i >= 2 ? pod(`echoserver-${i}`, 'echoserver-v2', { [ID]: '1', [BATCH]: String(i - 1) }) : pod(`echoserver-${i}`, 'echoserver-v1'),
  );
  markNoNeedUpdate(
    all.filter((p) => p.metadata.labels!['controller-revision-hash'] === 'echoserver-v1'),
    '2',
  );
  const expected = [
    { partition: 4, ordinals: [0, 1, 4], labelled: { 'echoserver-4': '1' } },
    { partition: 3, ordinals: [0, 1, 3, 4], labelled: { 'echoserver-4': '1', 'echoserver-3': '2' } },
    { partition: 3, ordinals: [0, 1, 3, 4], labelled: { 'echoserver-4': '1', 'echoserver-3': '2', 'echoserver-1': '3' } },
    {
      partition: 2,
      ordinals: [0, 1, 2, 3, 4],
      labelled: { 'echoserver-4': '1', 'echoserver-3': '2', 'echoserver-1': '3', 'echoserver-2': '4' },
    },
    {
      partition: 2,
      ordinals: [0, 1, 2, 3, 4],
      labelled: { 'echoserver-4': '1', 'echoserver-3': '2', 'echoserver-1': '3', 'echoserver-2': '4', 'echoserver-0': '5' },
    },
  ];
  for (const [i, want] of expected.entries()) {
    const release = { rolloutId: '2', batch: i + 1, batches: STEPS };
    sizeStatefulSetBatch(sts, all, release);
    const partition = sts.spec.updateStrategy!.rollingUpdate!.partition!;
    // The StatefulSet controller rolls back the ordinals at or above the partition.
    all = all.map((p, ordinal) =>
      ordinal >= partition && p.metadata.labels!['controller-revision-hash'] === 'echoserver-v2'
        ? pod(p.metadata.name!, 'echoserver-v1')
        : p,
    );
    const batch = sizeStatefulSetBatch(sts, all, release);
    const ordinals = all.flatMap((p, o) => (p.metadata.labels!['controller-revision-hash'] === 'echoserver-v1' ? [o] : []));
    const labelled: Record<string, string> = {};
    for (const p of all) if (p.metadata.labels![ID] === '2') labelled[p.metadata.name!] = p.metadata.labels![BATCH]!;
    expect({ partition, ordinals, labelled }).toEqual(want);
    expect(batch.ready).toBe(true);
  }
});
