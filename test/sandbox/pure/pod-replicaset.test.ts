import { reconcilePod } from '../../../src/sandbox/controllers/pod.js';
import { reconcileReplicaSet } from '../../../src/sandbox/controllers/replicaset.js';
import type { Pod, ReplicaSet } from '../../../src/workload/types.js';
import { clone } from './controllers-sim.js';

const T0 = '2026-01-01T00:00:00Z'; // metav1.Time: what the store writes
const at = (ms: number): Date => new Date(Date.parse(T0) + ms);

const pod = (over: Partial<Pod['metadata']> = {}, status?: Pod['status']): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'pu', resourceVersion: '7', creationTimestamp: T0, ...over },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  ...(status ? { status } : {}),
});

describe('reconcilePod', () => {
  it.each<[string, Pod, number, string | undefined, number | undefined]>([
    ['new pod before the delay: Pending, requeue for the rest', pod(), 400, 'Pending', 600],
    ['pending pod before the delay: nothing to write, requeue', pod({}, { phase: 'Pending' }), 400, undefined, 600],
    ['new pod at the delay: Running', pod(), 1000, 'Running', undefined],
    ['pending pod after the delay: Running', pod({}, { phase: 'Pending' }), 5000, 'Running', undefined],
    ['running pod: nothing', pod({}, { phase: 'Running' }), 5000, undefined, undefined],
    ['pod being deleted: ignored', pod({ deletionTimestamp: T0 }), 5000, undefined, undefined],
  ])('%s', (_n, p, elapsed, phase, requeue) => {
    const r = reconcilePod(p, at(elapsed), 1000);
    expect(r.requeueAfterMs).toBe(requeue);
    if (phase === undefined) return expect(r.actions).toEqual([]);
    expect(r.actions).toHaveLength(1);
    const a = r.actions[0]!;
    expect(a.op).toBe('updateStatus');
    expect(a.resource).toBe('pods');
    expect(a.object.metadata.resourceVersion).toBe('7');
    expect(a.object.status.phase).toBe(phase);
  });

  it('a running pod has every condition True, IPs, startTime and ready containers', () => {
    const s = reconcilePod(pod(), at(1000), 1000).actions[0]!.object.status;
    expect(s.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual([
      'PodScheduled=True',
      'Initialized=True',
      'ContainersReady=True',
      'Ready=True',
    ]);
    expect(s.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(s.hostIP).toBeTruthy();
    expect(s.startTime).toBe(T0);
    expect(s.containerStatuses).toEqual([
      expect.objectContaining({ name: 'c', ready: true, started: true, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }),
    ]);
  });

  it('a pending pod is not ready', () => {
    const s = reconcilePod(pod(), at(0), 1000).actions[0]!.object.status;
    expect(s.conditions.find((c: any) => c.type === 'Ready').status).toBe('False');
  });
});

const rs = (replicas: number, extra: Partial<ReplicaSet['spec']> = {}): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'ns', uid: 'rsu', resourceVersion: '3', generation: 2 },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } },
    template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    ...extra,
  },
});

const owned = (name: string, created: string, ready: boolean, readySince = created): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'ns',
    uid: `u-${name}`,
    creationTimestamp: created,
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rsu', controller: true }],
  },
  spec: { containers: [] },
  status: ready
    ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] }
    : { phase: 'Pending' },
});

describe('reconcileReplicaSet', () => {
  const suffixes = () => {
    let i = 0;
    return () => ['aaaaa', 'bbbbb', 'ccccc', 'ddddd'][i++ % 4]!;
  };

  it('creates the missing pods from the template, owned by the ReplicaSet', () => {
    const r = reconcileReplicaSet(rs(2), [], at(0), suffixes());
    const creates = r.actions.filter((a) => a.op === 'create');
    expect(creates.map((a) => a.object.metadata.name)).toEqual(['web-abc-aaaaa', 'web-abc-bbbbb']);
    const p = creates[0]!.object;
    expect(p.metadata.namespace).toBe('ns');
    expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': 'abc' });
    expect(p.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rsu', controller: true, blockOwnerDeletion: true },
    ]);
    expect(p.metadata.uid).toBeUndefined();
    expect(p.metadata.resourceVersion).toBeUndefined();
    expect(p.spec).toEqual({ containers: [{ name: 'c', image: 'i' }] });
  });

  it('skips a suffix that collides with an existing pod', () => {
    const r = reconcileReplicaSet(rs(2), [owned('web-abc-aaaaa', T0, true)], at(0), suffixes());
    expect(r.actions.filter((a) => a.op === 'create').map((a) => a.object.metadata.name)).toEqual(['web-abc-bbbbb']);
  });

  it('deletes surplus pods: not ready first, then the newest', () => {
    const pods = [
      owned('old-ready', '2026-01-01T00:00:01Z', true),
      owned('new-ready', '2026-01-01T00:00:03Z', true),
      owned('pending', '2026-01-01T00:00:00Z', false),
    ];
    const r = reconcileReplicaSet(rs(1), pods, at(10_000), suffixes());
    expect(r.actions.filter((a) => a.op === 'delete').map((a) => a.object.metadata.name)).toEqual(['pending', 'new-ready']);
  });

  it('counts pods by ownerReference even when the rollout controller relabelled them', () => {
    const p = owned('relabelled', T0, true);
    p.metadata.labels = { ...p.metadata.labels, 'rollouts.kruise.io/rollout-id': '1' };
    const r = reconcileReplicaSet(rs(1), [p], at(10_000), suffixes());
    expect(r.actions.filter((a) => a.op !== 'updateStatus')).toEqual([]);
  });

  it('ignores pods being deleted and pods of other owners', () => {
    const gone = { ...owned('gone', T0, true), metadata: { ...owned('gone', T0, true).metadata, deletionTimestamp: T0 } };
    const foreign = owned('foreign', T0, true);
    foreign.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'other', controller: true }];
    const r = reconcileReplicaSet(rs(1), [gone, foreign], at(0), suffixes());
    expect(r.actions.filter((a) => a.op === 'create')).toHaveLength(1);
  });

  it('reports status of the pods as planned and only when it changes', () => {
    const pods = [owned('a', T0, true), owned('b', T0, false)];
    const r = reconcileReplicaSet(rs(3), pods, at(10_000), suffixes());
    const st = r.actions.find((a) => a.op === 'updateStatus')!;
    expect(st.object.status).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 2,
    });
    expect(st.object.metadata.resourceVersion).toBe('3');
    const settled = clone(rs(2));
    settled.status = { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 2 };
    expect(reconcileReplicaSet(settled, [owned('a', T0, true), owned('c', T0, true)], at(10_000), suffixes())).toEqual({ actions: [] });
  });

  it('counts a pod available only after minReadySeconds, and requeues for it', () => {
    const r = reconcileReplicaSet(rs(1, { minReadySeconds: 5 }), [owned('a', T0, true, T0)], at(2000), suffixes());
    expect(r.actions[0]!.object.status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    expect(r.requeueAfterMs).toBe(3000);
    const later = reconcileReplicaSet(rs(1, { minReadySeconds: 5 }), [owned('a', T0, true, T0)], at(5000), suffixes());
    expect(later.actions[0]!.object.status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
    expect(later.requeueAfterMs).toBeUndefined();
  });

  it('a ReplicaSet being deleted does nothing', () => {
    const r = rs(3);
    r.metadata.deletionTimestamp = T0;
    expect(reconcileReplicaSet(r, [], at(0), suffixes())).toEqual({ actions: [] });
  });
});
