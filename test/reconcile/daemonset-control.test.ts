// Advanced DaemonSet control as tables (docs/controller.md §16.3): the webhook's marks when a
// release starts, the partition each batch writes over desiredNumberScheduled, batch readiness
// counted from the pods (the status has no updatedReadyReplicas), batch labels, hand-back.
import {
  DaemonSetControl,
  markDaemonSetRelease,
  releaseDaemonSet,
  sizeDaemonSetBatch,
  takeDaemonSetControl,
} from '../../src/reconcile/daemonset-control.js';
import type { AdvancedDaemonSet } from '../../src/workload/daemonset.js';
import type { Pod } from '../../src/workload/types.js';

const ID = 'rollouts.kruise.io/rollout-id';
const BATCH = 'rollouts.kruise.io/rollout-batch-id';
const CONTROL = { apiVersion: 'rollouts.kruise.io/v1beta1', kind: 'BatchRelease', name: 'agent', uid: 'br', controller: true };

function ds(nodes: number, partition?: number): AdvancedDaemonSet {
  return {
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid', generation: 2 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'v1' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: partition === undefined ? {} : { partition } },
    },
    status: { observedGeneration: 2, desiredNumberScheduled: nodes, updatedNumberScheduled: 0, daemonSetHash: 'newhash' },
  };
}

/** One pod per node; the last `updated` nodes run the new template, `ready` of those are Ready (all old ones are). */
function podsFor(nodes: number, updated: number, ready = updated): Pod[] {
  return Array.from({ length: nodes }, (_, i) => {
    const fresh = i >= nodes - updated;
    const isReady = !fresh || i >= nodes - ready;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `agent-${String.fromCharCode(97 + i)}`, labels: { 'controller-revision-hash': fresh ? 'newhash' : 'oldhash' } },
      spec: { containers: [], nodeName: `node-${i}` },
      status: { conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }] },
    };
  });
}

const release = (batch: number, batches: (string | number)[], rolloutId = 'r1') => ({ rolloutId, batch, batches });

test('the webhook: a template change holds every pod back (32767) and marks in-progressing, paused left alone; same template does not', () => {
  const old = ds(4);
  const next = ds(4);
  next.spec.template.spec!.containers![0]!.image = 'v2';
  next.spec.updateStrategy!.rollingUpdate!.paused = true;
  expect(markDaemonSetRelease(old, next, 'agent')).toBe(true);
  expect(next.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 32767, paused: true } });
  expect(next.metadata.annotations).toEqual({ 'rollouts.kruise.io/in-progressing': '{"rolloutName":"agent"}' });
  expect(markDaemonSetRelease(ds(4), ds(4), 'agent')).toBe(false);
  // With a rollout-id annotation only its change counts.
  const withId = ds(4);
  withId.metadata.annotations = { [ID]: 'a' };
  const sameId = structuredClone(withId);
  sameId.spec.template.spec!.containers![0]!.image = 'v2';
  expect(markDaemonSetRelease(withId, sameId, 'agent')).toBe(false);
  const newId = ds(4);
  newId.metadata.annotations = { [ID]: 'b' };
  expect(markDaemonSetRelease(withId, newId, 'agent')).toBe(true);
});

test('take control: control-info, unpaused, partition at desiredNumberScheduled (not 32767); once only', () => {
  const d = ds(5, 32767);
  d.spec.updateStrategy!.rollingUpdate!.paused = true;
  takeDaemonSetControl(d, CONTROL);
  expect(d.spec.updateStrategy!.rollingUpdate).toEqual({ partition: 5, paused: false });
  expect(JSON.parse(d.metadata.annotations!['batchrelease.rollouts.kruise.io/control-info']!)).toMatchObject({ name: 'agent' });
  d.spec.updateStrategy!.rollingUpdate!.partition = 2;
  takeDaemonSetControl(d, CONTROL);
  expect(d.spec.updateStrategy!.rollingUpdate!.partition).toBe(2);
});

test.each([
  // nodes, steps, batch (1-based), partition before → after, updated pods, ready of them, → ready?
  [10, [1, '50%', '100%'], 1, 10, 9, 0, 0, false],
  [10, [1, '50%', '100%'], 1, 9, 9, 1, 0, false],
  [10, [1, '50%', '100%'], 1, 9, 9, 1, 1, true],
  [10, [1, '50%', '100%'], 2, 9, 5, 5, 5, true],
  [10, [1, '50%', '100%'], 3, 5, 0, 10, 10, true],
  [3, ['20%', '50%', '100%'], 1, 3, 2, 1, 1, true],
  [3, ['20%', '50%', '100%'], 2, 2, 1, 2, 2, true],
  [5, ['99%', '100%'], 1, 5, 0, 5, 5, true],
  // A partition already below the batch's (a jump back) is never raised.
  [10, [1, '50%', '100%'], 1, 5, 5, 5, 5, true],
  // No partition (0) is never lowered nor raised.
  [4, [1, '100%'], 1, undefined, undefined, 4, 4, true],
] as const)(
  '%i nodes, steps %j, batch %i: partition %p → %p; %i updated, %i ready: ready %p',
  (nodes, steps, batch, before, after, updated, ready, expected) => {
    const d = ds(nodes, before);
    const pods = podsFor(nodes, updated, ready);
    const sized = sizeDaemonSetBatch(d, pods, release(batch, [...steps]));
    expect(d.spec.updateStrategy!.rollingUpdate!.partition).toBe(after);
    expect(sized.updated).toBe(updated);
    expect(sized.updatedReady).toBe(ready);
    expect(sized.ready).toBe(expected);
  },
);

test('batch labels: each batch labels its share of the updated pods with the rollout-id and its batch', () => {
  const d = ds(10, 10);
  let pods = podsFor(10, 1);
  sizeDaemonSetBatch(d, pods, release(1, [1, '50%', '100%']));
  expect(pods.filter((p) => p.metadata.labels?.[ID] === 'r1').map((p) => p.metadata.labels![BATCH])).toEqual(['1']);
  const kept = pods.find((p) => p.metadata.labels?.[ID] === 'r1')!;
  pods = podsFor(10, 5).map((p) => (p.metadata.name === kept.metadata.name ? kept : p));
  sizeDaemonSetBatch(d, pods, release(2, [1, '50%', '100%']));
  const batches = pods.filter((p) => p.metadata.labels?.[ID] === 'r1').map((p) => p.metadata.labels![BATCH]);
  expect(batches.sort()).toEqual(['1', '2', '2', '2', '2']);
});

test('failureThreshold tolerates unready updated pods', () => {
  const d = ds(10, 10);
  expect(sizeDaemonSetBatch(d, podsFor(10, 5, 4), release(2, [1, '50%', '100%']), '20%').ready).toBe(true);
  expect(sizeDaemonSetBatch(d, podsFor(10, 5, 3), release(2, [1, '50%', '100%']), '20%').ready).toBe(false);
});

test('hand-back: control annotations go; a completed release removes the partition and unpauses', () => {
  const d = ds(4, 0);
  d.metadata.annotations = { 'rollouts.kruise.io/in-progressing': '{}', 'batchrelease.rollouts.kruise.io/control-info': '{}', keep: 'x' };
  const notDone = structuredClone(d);
  releaseDaemonSet(notDone, false);
  expect(notDone.metadata.annotations).toEqual({ keep: 'x' });
  expect(notDone.spec.updateStrategy!.rollingUpdate!.partition).toBe(0);
  releaseDaemonSet(d, true);
  expect(d.spec.updateStrategy!.rollingUpdate).toEqual({ paused: false });
});

test('the control reads replicas from desiredNumberScheduled, the revision from daemonSetHash, and never sees a rollback', () => {
  const d = ds(4, 2);
  const control = new DaemonSetControl(d, podsFor(4, 2, 1));
  expect(control.statusConsistent()).toBe(true);
  expect(control.revision()).toBe('newhash');
  expect(control.oldestRevision()).toBe('oldhash');
  expect(control.counts()).toEqual({ updated: 2, updatedReady: 1 });
  expect(control.partitionBatch()).toBe(2);
  expect(control.rolledOut()).toBe(false);
  expect(control.inRollback()).toBe(false);
  expect(control.startRollbackInBatches()).toBe(false);
  expect(control.rollbackIsNewRelease).toBe(true);
  expect(new DaemonSetControl({ ...d, metadata: { ...d.metadata, generation: 3 } }, []).statusConsistent()).toBe(false);
});
