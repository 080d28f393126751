// joinState indexes the four lists once; its answer must be the one of the plain per-rollout scan
// (every ReplicaSet controlled by the workload, every pod controlled by one of those, list order).
import { type ClusterState, joinState, orphanHandBacks } from '../../src/reconcile/apply.js';
import type { Observed } from '../../src/reconcile/types.js';
import { Annotation, type Rollout } from '../../src/rollout/types.js';
import { isControlledBy } from '../../src/workload/deployment.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/workload/types.js';

/** The join as it was before the index: a scan of every object for every rollout. */
function scanJoin(state: ClusterState): Observed[] {
  return state.rollouts.map((ro) => {
    const ref = ro.spec?.workloadRef ?? ro.spec?.objectRef?.workloadRef;
    const workload =
      ref?.kind === 'Deployment'
        ? state.deployments.find((d) => d.metadata.namespace === ro.metadata.namespace && d.metadata.name === ref.name)
        : undefined;
    const replicaSets = workload ? state.replicaSets.filter((rs) => isControlledBy(rs, workload)) : [];
    const pods = state.pods.filter((p) => replicaSets.some((rs) => isControlledBy(p, rs)));
    return { rollout: ro, workload, replicaSets, pods };
  });
}

/** A small deterministic PRNG (mulberry32): the same "random" cluster on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const owner = (kind: string, name: string, uid: string, controller = true) => ({ apiVersion: 'apps/v1', kind, name, uid, controller });

/** A cluster of a few hundred objects with the awkward cases mixed in. */
function cluster(seed: number): ClusterState {
  const rnd = prng(seed);
  const rollouts: Rollout[] = [];
  const deployments: Deployment[] = [];
  const replicaSets: ReplicaSet[] = [];
  const pods: Pod[] = [];
  for (const ns of ['a', 'b', 'c']) {
    for (let i = 0; i < 20; i++) {
      const name = `app-${i}`;
      const dUid = `${ns}-d-${i}`;
      // Some rollouts name a missing workload, one uses v1alpha1's objectRef, one names a StatefulSet.
      const ref = { apiVersion: 'apps/v1', kind: i === 7 ? 'StatefulSet' : 'Deployment', name: i === 9 ? 'missing' : name };
      const spec = i === 5 ? { objectRef: { workloadRef: ref } } : { workloadRef: ref };
      rollouts.push({
        apiVersion: 'rollouts.kruise.io/v1beta1',
        kind: 'Rollout',
        metadata: { namespace: ns, name: `ro-${i}` },
        spec,
      } as unknown as Rollout);
      deployments.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { namespace: ns, name, uid: dUid },
        spec: {},
      } as unknown as Deployment);
      for (let r = 0; r < 1 + Math.floor(rnd() * 3); r++) {
        const rsUid = `${dUid}-rs-${r}`;
        const refs = [owner('Deployment', name, dUid, rnd() > 0.1)];
        // A ReplicaSet with a second controller reference (invalid, but it must not appear twice).
        if (rnd() < 0.05) refs.push(owner('Deployment', name, dUid));
        replicaSets.push({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { namespace: ns, name: `${name}-${r}`, uid: rsUid, ownerReferences: refs },
          spec: {},
        } as unknown as ReplicaSet);
        for (let p = 0; p < Math.floor(rnd() * 7); p++) {
          const podRefs = rnd() < 0.1 ? [] : [owner('ReplicaSet', `${name}-${r}`, rsUid, rnd() > 0.05)];
          if (rnd() < 0.05) podRefs.push(owner('ReplicaSet', 'other', `${dUid}-rs-${(r + 1) % 3}`));
          pods.push({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { namespace: ns, name: `${name}-${r}-${p}`, uid: `${rsUid}-p${p}`, ownerReferences: podRefs },
            spec: {},
          } as unknown as Pod);
        }
      }
    }
  }
  // An orphan ReplicaSet and pod, and a second Deployment of an existing name (the first one wins).
  replicaSets.push({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { namespace: 'a', name: 'orphan', uid: 'orphan' },
    spec: {},
  } as unknown as ReplicaSet);
  pods.push({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: 'a', name: 'orphan-p', uid: 'orphan-p', ownerReferences: [owner('ReplicaSet', 'orphan', 'orphan')] },
    spec: {},
  } as unknown as Pod);
  deployments.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { namespace: 'a', name: 'app-1', uid: 'dup' },
    spec: {},
  } as unknown as Deployment);
  return {
    rollouts: shuffle(rollouts, rnd),
    deployments: shuffle(deployments, rnd),
    replicaSets: shuffle(replicaSets, rnd),
    pods: shuffle(pods, rnd),
  };
}

test.each([1, 2, 3])('joinState equals the per-rollout scan over a few hundred objects (seed %i)', (seed) => {
  const state = cluster(seed);
  expect(state.rollouts.length + state.deployments.length + state.replicaSets.length + state.pods.length).toBeGreaterThan(300);
  const got = joinState(state);
  const want = scanJoin(state);
  expect(got).toEqual(want);
  // The awkward cases are really there: something joined, and something was left out.
  expect(got.filter((o) => o.pods.length > 0).length).toBeGreaterThan(10);
  expect(got.filter((o) => o.workload === undefined).length).toBeGreaterThan(0);
  expect(got.flatMap((o) => o.pods).length).toBeLessThan(state.pods.length);
});

test('orphanHandBacks: a marker of a live rollout (by name or by workload) is left alone; others are handed back', () => {
  const marked = (ns: string, name: string, rolloutName: string): Deployment =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: ns, name, uid: `${ns}-${name}`, annotations: { [Annotation.inProgressing]: JSON.stringify({ rolloutName }) } },
      spec: { paused: true },
    }) as unknown as Deployment;
  const ro = (ns: string, name: string, workload: string) =>
    ({
      apiVersion: 'rollouts.kruise.io/v1beta1',
      kind: 'Rollout',
      metadata: { namespace: ns, name },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload } },
    }) as unknown as Rollout;
  const state: ClusterState = {
    rollouts: [ro('a', 'r1', 'w1'), ro('a', 'renamed', 'w2')],
    deployments: [marked('a', 'w1', 'r1'), marked('a', 'w2', 'r2'), marked('b', 'w1', 'r1'), marked('a', 'w3', 'r3')],
    replicaSets: [],
    pods: [],
  };
  expect(orphanHandBacks(state).map((w) => `${w.object.metadata.namespace}/${w.object.metadata.name}`)).toEqual(['b/w1', 'a/w3']);
});
