import { reconcileDeployment } from '../../../src/sandbox/controllers/deployment.js';
import { applyPatch } from '../../../src/sandbox/patch.js';
import { newReplicaSetFor, REVISION_ANNOTATION } from '../../../src/workload/deployment.js';
import type { Deployment, ReplicaSet } from '../../../src/workload/types.js';
import { clone, envVersion, isReady, loadExample, Sim } from './controllers-sim.js';

const USER_GUIDE_PATCH = JSON.parse(
  '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}',
);

function demo(sim: Sim, mutate: (d: Deployment) => void = () => {}): Deployment {
  const d = loadExample('docs_basic-usage_deployment_workload-demo.yaml')[0] as Deployment;
  mutate(d);
  sim.create('deployments', d);
  sim.settle();
  return sim.get('deployments', d.metadata.name!) as Deployment;
}

function upgrade(sim: Sim, version = 'version-2'): void {
  sim.edit('deployments', 'workload-demo', (d) => {
    // The user guide's exact body for version-2.
    const body =
      version === 'version-2'
        ? USER_GUIDE_PATCH
        : { spec: { template: { spec: { containers: [{ name: 'busybox', env: [{ name: 'VERSION', value: version }] }] } } } };
    const patched = applyPatch(d, body, 'strategic', 'Deployment') as any;
    d.spec = patched.spec;
  });
}

function versions(sim: Sim): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of sim.pods) out[envVersion(p)] = (out[envVersion(p)] ?? 0) + 1;
  return out;
}

function rsSizes(sim: Sim): Record<string, number> {
  return Object.fromEntries(sim.replicaSets.map((rs) => [envVersion(rs.spec.template), rs.spec.replicas ?? 0]));
}

const dep = () => sim0().get('deployments', 'workload-demo') as Deployment;
let current: Sim;
const sim0 = () => current;

describe('reconcileDeployment in a simulated cluster', () => {
  beforeEach(() => {
    current = new Sim();
  });

  it('first deploy: one ReplicaSet of revision 1, 10 ready pods, complete status', () => {
    const sim = current;
    demo(sim);
    expect(sim.replicaSets).toHaveLength(1);
    const rs = sim.replicaSets[0]!;
    expect(rs.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(sim.pods).toHaveLength(10);
    expect(sim.pods.every(isReady)).toBe(true);
    expect(
      sim.pods.every(
        (p) => p.metadata.name!.startsWith(`${rs.metadata.name}-`) && p.metadata.name!.length === rs.metadata.name!.length + 6,
      ),
    ).toBe(true);
    const d = dep();
    expect(d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('1');
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 10,
      updatedReplicas: 10,
      readyReplicas: 10,
      availableReplicas: 10,
      unavailableReplicas: 0,
    });
    const cond = Object.fromEntries(d.status!.conditions!.map((c) => [c.type, `${c.status}/${c.reason}`]));
    expect(cond).toEqual({ Available: 'True/MinimumReplicasAvailable', Progressing: 'True/NewReplicaSetAvailable' });
  });

  it.each<[string, { maxSurge?: number | string; maxUnavailable?: number | string }, number, number]>([
    ['defaults 25%/25%: surge 3 (up), unavailable 2 (down)', {}, 13, 8],
    ['maxSurge 0, maxUnavailable 1', { maxSurge: 0, maxUnavailable: 1 }, 10, 9],
    ['maxSurge 1, maxUnavailable 0', { maxSurge: 1, maxUnavailable: 0 }, 11, 10],
    ['maxSurge 50%, maxUnavailable 0%', { maxSurge: '50%', maxUnavailable: '0%' }, 15, 10],
    ['both 0: one pod may be unavailable', { maxSurge: 0, maxUnavailable: 0 }, 10, 9],
  ])('rolling update (%s) ends with 10 v2 pods within the bounds', (_n, rollingUpdate, maxPods, minAvailable) => {
    const sim = current;
    demo(sim, (d) => {
      d.spec.strategy = { type: 'RollingUpdate', rollingUpdate };
    });
    let peak = 0;
    let trough = Infinity;
    sim.onChange = (s) => {
      peak = Math.max(peak, s.pods.length);
      trough = Math.min(trough, s.pods.filter(isReady).length);
    };
    upgrade(sim);
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-2': 10 });
    expect(sim.pods.every(isReady)).toBe(true);
    expect(peak).toBe(maxPods);
    expect(trough).toBeGreaterThanOrEqual(minAvailable);
    expect(rsSizes(sim)).toEqual({ 'version-1': 0, 'version-2': 10 });
    const d = dep();
    expect(d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas: 10, updatedReplicas: 10, availableReplicas: 10 });
    expect(d.status!.conditions!.find((c) => c.type === 'Progressing')!.reason).toBe('NewReplicaSetAvailable');
  });

  it('Recreate scales the old ReplicaSet to 0 before creating any new pod', () => {
    const sim = current;
    demo(sim, (d) => {
      d.spec.strategy = { type: 'Recreate' };
    });
    const violations: string[] = [];
    sim.onChange = (s) => {
      const v = versions(s);
      if (v['version-1'] && v['version-2']) violations.push(JSON.stringify(v));
    };
    upgrade(sim);
    sim.settle();
    expect(violations).toEqual([]);
    expect(versions(sim)).toEqual({ 'version-2': 10 });
    expect(dep().status).toMatchObject({ availableReplicas: 10, updatedReplicas: 10 });
  });

  it('paused: a template change is not rolled out, status says DeploymentPaused', () => {
    const sim = current;
    demo(sim);
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.paused = true;
    });
    upgrade(sim);
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-1': 10 });
    expect(sim.replicaSets).toHaveLength(1);
    const p = dep().status!.conditions!.find((c) => c.type === 'Progressing')!;
    expect(p).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    expect(dep().status!.updatedReplicas).toBe(0);
    // Resuming rolls out.
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.paused = false;
    });
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-2': 10 });
  });

  it('paused mid-rollout, scaled 10 → 20: both ReplicaSets grow proportionally', () => {
    const sim = current;
    demo(sim, (d) => {
      d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } };
    });
    upgrade(sim);
    // One round is enough for the first step: old 10 → 5, new 0 → 5.
    for (let i = 0; i < 6; i++) sim.round();
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.paused = true;
    });
    sim.settle();
    expect(rsSizes(sim)).toEqual({ 'version-1': 5, 'version-2': 5 });
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.replicas = 20;
    });
    sim.settle();
    expect(rsSizes(sim)).toEqual({ 'version-1': 10, 'version-2': 10 });
    expect(versions(sim)).toEqual({ 'version-1': 10, 'version-2': 10 });
    // Scale down again with an odd split: 20 → 15, rounding leftovers to the largest/oldest.
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.replicas = 15;
    });
    sim.settle();
    const sizes = rsSizes(sim);
    expect(sizes['version-1']! + sizes['version-2']!).toBe(15);
    expect(Math.abs(sizes['version-1']! - sizes['version-2']!)).toBe(1);
  });

  it('a Deployment driven by the Kruise rollout controller only gets its status', () => {
    const sim = current;
    demo(sim);
    const before = clone(sim.replicaSets);
    sim.edit('deployments', 'workload-demo', (d) => {
      d.metadata.labels = { ...(d.metadata.labels ?? {}), 'rollouts.kruise.io/controlled-by-advanced-deployment-controller': 'true' };
      d.spec.paused = true;
      d.spec.replicas = 12;
    });
    upgrade(sim);
    sim.settle();
    expect(sim.replicaSets).toEqual(before);
    expect(dep().status).toMatchObject({ observedGeneration: 3, replicas: 10, updatedReplicas: 0, availableReplicas: 10 });
  });

  it('scaling mid-rollout (not paused) is proportional and the rollout still ends with every pod new', () => {
    const sim = current;
    demo(sim);
    upgrade(sim);
    for (let i = 0; i < 4; i++) sim.round();
    expect(Object.keys(versions(sim)).sort()).toEqual(['version-1', 'version-2']);
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.replicas = 20;
    });
    let peak = 0;
    sim.onChange = (s) => {
      peak = Math.max(peak, s.pods.length);
    };
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-2': 20 });
    expect(peak).toBeLessThanOrEqual(25); // 20 + maxSurge 5
    expect(dep().status).toMatchObject({ replicas: 20, updatedReplicas: 20, availableReplicas: 20 });
  });

  it('scales to 0 and back', () => {
    const sim = current;
    demo(sim);
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.replicas = 0;
    });
    sim.settle();
    expect(sim.pods).toHaveLength(0);
    expect(dep().status).toMatchObject({ replicas: 0, availableReplicas: 0 });
    sim.edit('deployments', 'workload-demo', (d) => {
      d.spec.replicas = 3;
    });
    sim.settle();
    expect(sim.pods.filter(isReady)).toHaveLength(3);
    expect(sim.replicaSets).toHaveLength(1);
  });

  it('the rollout label alone (not paused) leaves the Deployment to the native controller', () => {
    const sim = current;
    demo(sim, (d) => {
      d.metadata.labels = { 'rollouts.kruise.io/controlled-by-advanced-deployment-controller': 'true' };
    });
    upgrade(sim);
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-2': 10 });
  });

  it('under the Kruise rollout controller: its ReplicaSet sizes are kept and the status follows them', () => {
    const sim = current;
    demo(sim);
    sim.edit('deployments', 'workload-demo', (d) => {
      d.metadata.labels = { 'rollouts.kruise.io/controlled-by-advanced-deployment-controller': 'true' };
      d.spec.paused = true;
    });
    upgrade(sim);
    sim.settle();
    // What the rollout controller does for batch 1: a new ReplicaSet of 1, the old one down to 9.
    const d = dep();
    sim.apply({ op: 'create', resource: 'replicasets', object: newReplicaSetFor(d, 1, 2) });
    sim.edit('replicasets', sim.replicaSets[0]!.metadata.name!, (rs) => {
      rs.spec.replicas = 9;
    });
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-1': 9, 'version-2': 1 });
    expect(rsSizes(sim)).toEqual({ 'version-1': 9, 'version-2': 1 });
    expect(dep().status).toMatchObject({ replicas: 10, updatedReplicas: 1, readyReplicas: 10, availableReplicas: 10 });
    // Handing back (unpaused, label removed) finishes natively.
    sim.edit('deployments', 'workload-demo', (x) => {
      delete x.metadata.labels;
      x.spec.paused = false;
    });
    sim.settle();
    expect(versions(sim)).toEqual({ 'version-2': 10 });
    expect(dep().metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
  });

  it('a template that returns to an old ReplicaSet gives that ReplicaSet the next revision', () => {
    const sim = current;
    demo(sim);
    upgrade(sim, 'version-2');
    sim.settle();
    upgrade(sim, 'version-1');
    sim.settle();
    expect(sim.replicaSets).toHaveLength(2);
    const byVersion = Object.fromEntries(
      sim.replicaSets.map((rs) => [envVersion(rs.spec.template), rs.metadata.annotations?.[REVISION_ANNOTATION]]),
    );
    expect(byVersion).toEqual({ 'version-1': '3', 'version-2': '2' });
    expect(dep().metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect(versions(sim)).toEqual({ 'version-1': 10 });
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', () => {
    const sim = current;
    demo(sim, (d) => {
      d.spec.revisionHistoryLimit = 2;
      d.spec.replicas = 2;
    });
    for (const v of ['v2', 'v3', 'v4', 'v5']) {
      upgrade(sim, v);
      sim.settle();
    }
    expect(sim.replicaSets.map((rs) => envVersion(rs.spec.template)).sort()).toEqual(['v3', 'v4', 'v5']);
    expect(versions(sim)).toEqual({ v5: 2 });
  });
});

describe('reconcileDeployment plans', () => {
  const base = (): Deployment => {
    const d = loadExample('docs_basic-usage_deployment_workload-demo.yaml')[0] as Deployment;
    d.metadata = { ...d.metadata, uid: 'du', resourceVersion: '5', generation: 1 };
    return d;
  };

  it('creates the first ReplicaSet with desired/max annotations and no uid', () => {
    const r = reconcileDeployment(base(), [], new Date());
    const create = r.actions.find((a) => a.op === 'create')!;
    expect(create.resource).toBe('replicasets');
    expect(create.object.metadata.uid).toBeUndefined();
    expect(create.object.spec.replicas).toBe(10);
    expect(create.object.metadata.annotations).toMatchObject({
      [REVISION_ANNOTATION]: '1',
      'deployment.kubernetes.io/desired-replicas': '10',
      'deployment.kubernetes.io/max-replicas': '13',
    });
    // One write per object: the Deployment's revision annotation now, its status on the next pass.
    const dUpdates = r.actions.filter((a) => a.resource === 'deployments');
    expect(dUpdates.map((a) => a.op)).toEqual(['update']);
    expect(dUpdates[0]!.object.metadata.resourceVersion).toBe('5');
  });

  it('ignores ReplicaSets owned by someone else', () => {
    const foreign: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'x',
        uid: 'x',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'other', uid: 'other', controller: true }],
      },
      spec: { replicas: 3, selector: {}, template: base().spec.template },
    };
    const r = reconcileDeployment(base(), [foreign], new Date());
    expect(r.actions.some((a) => a.op === 'create')).toBe(true);
    expect(r.actions.some((a) => a.object.metadata.name === 'x')).toBe(false);
  });

  it('a Deployment being deleted gets nothing', () => {
    const d = base();
    d.metadata.deletionTimestamp = new Date().toISOString();
    expect(reconcileDeployment(d, [], new Date())).toEqual({ actions: [] });
  });
});
