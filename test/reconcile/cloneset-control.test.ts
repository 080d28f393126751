// CloneSet control as tables (docs/controller.md §16): the webhook's marks when a release starts,
// the partition each batch writes, and the pods each batch labels with the rollout-id and its
// batch — the normal case, scaling 5 → 10 with 20%/40%/60%/100%, and a rollout-id-only release
// (upstream's "Others" e2e group; docs/controller.md §2, §9).
import { markCloneSetRelease, releaseCloneSet, sizeCloneSetBatch, takeCloneSetControl } from '../../src/reconcile/cloneset-control.js';
import type { CloneSet } from '../../src/workload/cloneset.js';
import type { Pod } from '../../src/workload/types.js';

const ID = 'rollouts.kruise.io/rollout-id';
const BATCH = 'rollouts.kruise.io/rollout-batch-id';

function cloneSet(replicas: number, partition?: string | number): CloneSet {
  return {
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'CloneSet',
    metadata: { name: 'echoserver', namespace: 'default', uid: 'cs-uid' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'echoserver' } },
      template: { metadata: { labels: { app: 'echoserver' } }, spec: { containers: [{ name: 'echoserver', image: 'v1' }] } },
      updateStrategy: partition === undefined ? {} : { partition },
    },
    status: { updateRevision: 'echoserver-new', currentRevision: 'echoserver-old' },
  };
}

/** `n` ready pods of a revision, named so that the label patcher's order is the creation order. */
function pods(revision: string, n: number, from = 0, labels: Record<string, string> = {}): Pod[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `echoserver-${revision}-${String(from + i).padStart(2, '0')}`,
      labels: { 'controller-revision-hash': `echoserver-${revision}`, ...labels },
    },
    spec: { containers: [] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  }));
}

const batchCounts = (all: Pod[], id: string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const p of all) if (p.metadata.labels?.[ID] === id) out[p.metadata.labels[BATCH]!] = (out[p.metadata.labels[BATCH]!] ?? 0) + 1;
  return out;
};

test('the webhook: a template change starts a release (partition "100%", in-progressing); 0 replicas and same template do not', () => {
  const old = cloneSet(5);
  const next = cloneSet(5);
  next.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markCloneSetRelease(old, next, 'rollouts-demo')).toBe(true);
  expect(next.spec.updateStrategy).toEqual({ partition: '100%' });
  expect(next.metadata.annotations).toEqual({ 'rollouts.kruise.io/in-progressing': '{"rolloutName":"rollouts-demo"}' });
  expect(markCloneSetRelease(old, cloneSet(5), 'rollouts-demo')).toBe(false);
  const zero = cloneSet(0);
  zero.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markCloneSetRelease(old, zero, 'rollouts-demo')).toBe(false);
  // With a rollout-id annotation only its change counts.
  const withId = cloneSet(5);
  withId.metadata.annotations = { [ID]: 'a' };
  const sameId = cloneSet(5);
  sameId.metadata.annotations = { [ID]: 'a' };
  sameId.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markCloneSetRelease(withId, sameId, 'r')).toBe(false);
  const newId = cloneSet(5);
  newId.metadata.annotations = { [ID]: 'b' };
  expect(markCloneSetRelease(withId, newId, 'r')).toBe(true);
});

test('taking control and handing back', () => {
  const cs = cloneSet(5, '100%');
  const ref = { apiVersion: 'rollouts.kruise.io/v1beta1', kind: 'BatchRelease', name: 'rollouts-demo', uid: 'br', controller: true };
  takeCloneSetControl(cs, ref);
  expect(cs.spec.updateStrategy).toEqual({ partition: '100%', paused: false });
  expect(JSON.parse(cs.metadata.annotations!['batchrelease.rollouts.kruise.io/control-info']!)).toEqual(ref);
  // Already controlled: the partition a batch wrote is kept.
  cs.spec.updateStrategy!.partition = '60%';
  takeCloneSetControl(cs, ref);
  expect(cs.spec.updateStrategy!.partition).toBe('60%');
  const paused = structuredClone(cs);
  releaseCloneSet(paused, false);
  expect(paused.metadata.annotations).toBeUndefined();
  expect(paused.spec.updateStrategy).toEqual({ partition: '60%', paused: false });
  releaseCloneSet(cs, true);
  expect(cs.spec.updateStrategy).toEqual({ paused: false });
});

test.each([
  // [replicas, steps, step, partition before, partition written, planned]
  [5, [1, '50%', '100%'], 1, '100%', 4, 1],
  [5, [1, '50%', '100%'], 2, 4, '40%', 3],
  [5, [1, '50%', '100%'], 3, '40%', '0%', 5],
  [10, ['10%', '30%', '60%'], 1, '100%', '90%', 1],
  [10, ['10%', '30%', '60%'], 3, '70%', '40%', 6],
  // A jump back: the partition is never raised.
  [10, ['10%', '30%', '60%'], 1, '40%', '40%', 1],
  // No partition (0): nothing to lower.
  [5, [1, '50%', '100%'], 1, undefined, undefined, 1],
])('%p replicas, steps %p, step %p: partition %p → %p, %p planned', (replicas, steps, step, before, after, planned) => {
  const cs = cloneSet(replicas, before);
  const batch = sizeCloneSetBatch(cs, [], { rolloutId: 'id', batch: step, batches: steps });
  expect(cs.spec.updateStrategy?.partition).toEqual(after);
  expect(batch.planned).toBe(planned);
});

test('normal: each batch labels the pods it adds, and is ready only once they are labelled and ready', () => {
  const steps = ['20%', '40%', '60%', '100%'];
  const plan = [1, 2, 3, 5];
  let all: Pod[] = pods('old', 5);
  for (const [i, want] of plan.entries()) {
    all = [...pods('new', want), ...pods('old', 5 - want)].map((p) => all.find((q) => q.metadata.name === p.metadata.name) ?? p);
    const cs = cloneSet(5, '100%');
    const batch = sizeCloneSetBatch(cs, all, { rolloutId: 'r1', batch: i + 1, batches: steps });
    expect([batch.updated, batch.labelled, batch.ready]).toEqual([want, want, true]);
  }
  expect(batchCounts(all, 'r1')).toEqual({ '1': 1, '2': 1, '3': 1, '4': 2 });
  // Not ready: one updated pod short.
  const short = sizeCloneSetBatch(cloneSet(5), pods('new', 2), { rolloutId: 'r1', batch: 3, batches: steps });
  expect(short.ready).toBe(false);
});

test('scaling 5 → 10 during batch 2 of 20%/40%/60%/100%: labels follow the batches of 10 (2, 2, 2, 4)', () => {
  const steps = ['20%', '40%', '60%', '100%'];
  // Batches 1-2 at 5 replicas: 1 + 1 labelled.
  let all = [...pods('new', 2), ...pods('old', 3)];
  sizeCloneSetBatch(cloneSet(5), all, { rolloutId: 'r1', batch: 2, batches: steps });
  expect(batchCounts(all, 'r1')).toEqual({ '1': 1, '2': 1 });
  // Scaled to 10 at batch 2: 4 updated pods; the two new ones go to batches 2 and 1.
  all = [
    ...all.filter((p) => p.metadata.labels!['controller-revision-hash'] === 'echoserver-new'),
    ...pods('new', 2, 2),
    ...pods('old', 6),
  ];
  sizeCloneSetBatch(cloneSet(10), all, { rolloutId: 'r1', batch: 2, batches: steps });
  expect(batchCounts(all, 'r1')).toEqual({ '1': 2, '2': 2 });
  all = [...all.filter((p) => p.metadata.labels!['controller-revision-hash'] === 'echoserver-new'), ...pods('new', 2, 4)];
  sizeCloneSetBatch(cloneSet(10), all, { rolloutId: 'r1', batch: 3, batches: steps });
  all = [...all, ...pods('new', 4, 6)];
  sizeCloneSetBatch(cloneSet(10), all, { rolloutId: 'r1', batch: 4, batches: steps });
  expect(batchCounts(all, 'r1')).toEqual({ '1': 2, '2': 2, '3': 2, '4': 4 });
});

test('a rollout-id-only release relabels the pods batch by batch (1, then 1 more, … as the plan says)', () => {
  const steps = ['20%', '40%', '60%', '100%'];
  const all = pods('new', 5, 0, { [ID]: 'r1', [BATCH]: '1' });
  const expected = [{ '1': 1 }, { '1': 1, '2': 1 }, { '1': 1, '2': 1, '3': 1 }, { '1': 1, '2': 1, '3': 1, '4': 2 }];
  for (const [i, want] of expected.entries()) {
    sizeCloneSetBatch(cloneSet(5), all, { rolloutId: 'r2', batch: i + 1, batches: steps });
    expect(batchCounts(all, 'r2')).toEqual(want);
  }
});
