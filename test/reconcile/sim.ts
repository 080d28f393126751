// A tiny in-memory world for table tests of the pure reconcile core: it applies planned writes,
// plays the ReplicaSet controller (pods appear not ready), the native Deployment controller
// (only when unpaused), and the workload admission on user edits. Readiness is set by hand.
import type { KubeObject } from '../../src/kube/types.js';
import type { BatchRelease } from '../../src/reconcile/batch-release.js';
import { reconcileRollout } from '../../src/reconcile/reconcile.js';
import type { ReconcilePlan } from '../../src/reconcile/types.js';
import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { Label, type Rollout } from '../../src/rollout/types.js';
import { findNewReplicaSet, isControlledBy, newReplicaSetFor, revisionOf } from '../../src/workload/deployment.js';
import { canonicalJson } from '../../src/workload/hash.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/workload/types.js';
import { example as exampleDocs } from '../fixtures/load.js';

/** The (first) object of a reference example file (test/fixtures/reference). */
export function example<T>(file: string): T {
  return exampleDocs(file)[0] as T;
}

export const T0 = new Date('2026-11-27T10:00:00Z');

export class World {
  rollout: Rollout;
  deployment: Deployment;
  rss: ReplicaSet[] = [];
  pods: Pod[] = [];
  batchRelease?: BatchRelease;
  /** Events the passes created (core v1, on the Rollout). */
  events: KubeObject[] = [];
  private rv = 1;
  private uid = 1;
  private podSeq = 1;
  private clock = 0;
  plans: ReconcilePlan[] = [];

  constructor(opts: { rollout?: (r: Rollout) => void; deployment?: (d: Deployment) => void } = {}) {
    this.rollout = example<Rollout>('docs_basic-usage_rollout_v1beta1.yaml');
    this.deployment = example<Deployment>('docs_basic-usage_deployment_workload-demo.yaml');
    opts.rollout?.(this.rollout);
    opts.deployment?.(this.deployment);
    this.stamp(this.rollout);
    this.rollout.metadata.generation = 1;
    this.stamp(this.deployment);
    this.deployment.metadata.generation = 1;
    this.native();
    this.readyAll();
  }

  private stamp(o: KubeObject): void {
    o.metadata.uid ??= `uid-${this.uid++}`;
    o.metadata.resourceVersion = String(++this.rv);
    o.metadata.creationTimestamp ??= new Date(T0.getTime() + this.clock++ * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  observed() {
    const d = this.deployment;
    const rss = this.rss.filter((rs) => isControlledBy(rs, d));
    return {
      rollout: structuredClone(this.rollout),
      workload: structuredClone(d),
      replicaSets: structuredClone(rss),
      pods: structuredClone(this.pods.filter((p) => rss.some((rs) => isControlledBy(p, rs)))),
      ...(this.batchRelease ? { batchRelease: structuredClone(this.batchRelease) } : {}),
    };
  }

  /** One controller pass; its writes are applied (and the ReplicaSet controller runs). */
  pass(now: Date = T0): ReconcilePlan {
    const plan = reconcileRollout(this.observed(), now);
    this.apply(plan);
    this.plans.push(plan);
    this.rsController();
    return plan;
  }

  /**
   * Passes as reconcile-once runs them: again while a pass changed the state machine and does not
   * wait for a timer (at most 20). The plan joins them: first state to last, every write.
   */
  reconcile(now: Date = T0): ReconcilePlan {
    const first = this.pass(now);
    let last = first;
    const writes = [...first.writes];
    let status = first.status;
    for (let n = 1; n < 20 && last.stateChanged && last.requeueAfterMs === undefined; n++) {
      last = this.pass(now);
      writes.push(...last.writes);
      status = last.status ?? status;
    }
    if (last === first) return first;
    const wait = last.requeueAfterMs !== undefined ? ` (requeue in ${Math.ceil(last.requeueAfterMs / 1000)}s)` : '';
    const transition = { from: first.transition.from, to: last.transition.to };
    return { ...last, status, writes, transition, summary: `${last.step ?? ''}${transition.from} -> ${transition.to}${wait}` };
  }

  apply(plan: ReconcilePlan): void {
    let brWritten = false;
    for (const w of plan.writes) {
      const o = structuredClone(w.object);
      if (w.resource === 'rollouts') {
        if (o.metadata.resourceVersion !== this.rollout.metadata.resourceVersion && w.op !== 'update')
          throw new Error('conflict on rollout');
        if (w.op === 'updateStatus') this.rollout = { ...this.rollout, status: o.status };
        else this.rollout = { ...(o as Rollout), status: this.rollout.status };
        this.rollout.metadata.resourceVersion = String(++this.rv);
      } else if (w.resource === 'events') {
        this.events.push(o);
      } else if (w.resource === 'batchreleases') {
        this.applyBatchRelease(w.op, o as BatchRelease, brWritten);
        brWritten = true;
      } else if (w.resource === 'deployments') {
        if (o.metadata.resourceVersion !== this.deployment.metadata.resourceVersion) throw new Error('conflict on deployment');
        this.setDeployment(o as Deployment);
      } else if (w.resource === 'replicasets') {
        if (w.op === 'create') {
          if (this.rss.some((rs) => rs.metadata.name === o.metadata.name)) throw new Error('already exists');
          this.stamp(o);
          this.rss.push(o as ReplicaSet);
        } else {
          const i = this.rss.findIndex((rs) => rs.metadata.name === o.metadata.name);
          if (this.rss[i]!.metadata.resourceVersion !== o.metadata.resourceVersion) throw new Error('conflict on rs');
          o.metadata.resourceVersion = String(++this.rv);
          this.rss[i] = o as ReplicaSet;
        }
      } else {
        const i = this.pods.findIndex((p) => p.metadata.name === o.metadata.name);
        if (this.pods[i]!.metadata.resourceVersion !== o.metadata.resourceVersion) throw new Error('conflict on pod');
        o.metadata.resourceVersion = String(++this.rv);
        this.pods[i] = o as Pod;
      }
    }
    this.native();
  }

  /** The API server's rules for a BatchRelease: create stamps, a spec change is a new generation, /status keeps the spec. */
  private applyBatchRelease(op: string, o: BatchRelease, again: boolean): void {
    const cur = this.batchRelease;
    if (op === 'create') {
      if (cur) throw new Error('already exists');
      this.stamp(o);
      o.metadata.generation = 1;
      delete o.status;
      this.batchRelease = o;
      return;
    }
    if (!cur) throw new Error('batchrelease not found');
    if (op === 'delete') {
      this.batchRelease = undefined;
      return;
    }
    // A second write in one plan carries the version of the first, as the applier does.
    if (again) o.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (cur.metadata.resourceVersion !== o.metadata.resourceVersion) throw new Error('conflict on batchrelease');
    if (op === 'updateStatus') this.batchRelease = { ...cur, status: o.status };
    else {
      const generation = canonicalJson(o.spec) !== canonicalJson(cur.spec) ? (cur.metadata.generation ?? 1) + 1 : cur.metadata.generation;
      this.batchRelease = { ...o, status: cur.status, metadata: { ...o.metadata, generation } };
    }
    this.batchRelease.metadata.resourceVersion = String(++this.rv);
  }

  private setDeployment(next: Deployment): void {
    if (canonicalJson(next.spec) !== canonicalJson(this.deployment.spec))
      next.metadata.generation = (this.deployment.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = String(++this.rv);
    next.status = { ...(next.status ?? {}), observedGeneration: next.metadata.generation };
    this.deployment = next;
  }

  /** A user edit of the Deployment, through the workload admission (as the sandbox does). */
  editDeployment(change: (d: Deployment) => void): void {
    const next = structuredClone(this.deployment);
    change(next);
    const admitted = admitDeploymentUpdate(this.deployment, next, { rollouts: [this.rollout], replicaSets: this.rss });
    this.setDeployment(admitted);
    this.native();
  }

  setVersion(v: string): void {
    this.editDeployment((d) => {
      d.spec.template.spec!.containers![0]!.env = [{ name: 'VERSION', value: v }];
    });
  }

  editRollout(change: (r: Rollout) => void): void {
    const next = structuredClone(this.rollout);
    change(next);
    if (canonicalJson(next.spec) !== canonicalJson(this.rollout.spec))
      next.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = String(++this.rv);
    this.rollout = next;
  }

  /** What `rollout approve` writes. */
  approve(now: Date = T0): void {
    const st = this.rollout.status!;
    st.canaryStatus!.currentStepState = 'StepReady';
    st.canaryStatus!.lastUpdateTime = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    st.currentStepState = 'StepReady';
    this.rollout.metadata.resourceVersion = String(++this.rv);
  }

  /** The native Deployment controller: rolls an unpaused, uncontrolled Deployment to completion at once. */
  native(): void {
    const d = this.deployment;
    const controlled = d.metadata.labels?.[Label.controlledByAdvancedDeployment] === 'true';
    if (d.spec.paused || controlled) {
      this.rsController();
      return;
    }
    const replicas = d.spec.replicas ?? 1;
    const mine = this.rss.filter((rs) => isControlledBy(rs, d));
    let fresh = findNewReplicaSet(d, mine);
    if (!fresh) {
      fresh = newReplicaSetFor(d, replicas, mine.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0) + 1);
      this.stamp(fresh);
      this.rss.push(fresh);
    }
    for (const rs of mine) {
      const want = rs === fresh ? replicas : 0;
      if (rs.spec.replicas !== want) {
        rs.spec.replicas = want;
        rs.metadata.resourceVersion = String(++this.rv);
      }
    }
    this.rsController();
  }

  /** The ReplicaSet controller: pods appear (not ready) and disappear (newest first). */
  rsController(): void {
    for (const rs of this.rss) {
      const mine = this.pods.filter((p) => isControlledBy(p, rs));
      const want = rs.spec.replicas ?? 0;
      for (let i = mine.length; i < want; i++) {
        const pod: Pod = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${rs.metadata.name}-p${this.podSeq++}`,
            namespace: 'default',
            labels: { ...(rs.spec.template.metadata?.labels ?? {}) },
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true },
            ],
          },
          spec: { containers: [] },
          status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
        };
        this.stamp(pod);
        this.pods.push(pod);
      }
      const extra = mine.slice(want).map((p) => p.metadata.name);
      this.pods = this.pods.filter((p) => !extra.includes(p.metadata.name));
    }
  }

  readyAll(): void {
    for (const p of this.pods) {
      if (p.status?.conditions?.[0]?.status !== 'True') {
        p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
        p.metadata.resourceVersion = String(++this.rv);
      }
    }
  }

  /** Makes n pods of the current template ready. */
  readyUpdated(n: number): void {
    const fresh = findNewReplicaSet(
      this.deployment,
      this.rss.filter((rs) => isControlledBy(rs, this.deployment)),
    )!;
    for (const p of this.pods.filter((p) => isControlledBy(p, fresh)).slice(0, n)) {
      p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
      p.metadata.resourceVersion = String(++this.rv);
    }
  }

  /** Pods of the Deployment's current template (and how many are ready). */
  updated(): { total: number; ready: number } {
    const fresh = findNewReplicaSet(
      this.deployment,
      this.rss.filter((rs) => isControlledBy(rs, this.deployment)),
    );
    const pods = fresh ? this.pods.filter((p) => isControlledBy(p, fresh)) : [];
    return { total: pods.length, ready: pods.filter((p) => p.status?.conditions?.[0]?.status === 'True').length };
  }

  get sub() {
    return this.rollout.status!.canaryStatus!;
  }

  get status() {
    return this.rollout.status!;
  }

  condition(type: string) {
    return this.rollout.status?.conditions?.find((c) => c.type === type);
  }

  /**
   * Makes every pod ready and reconciles, until `done` holds (a batch rolls over several passes:
   * surge, then old pods removed as new ones become available). Returns the last plan.
   */
  rollUntil(done: () => boolean, now: Date = T0, max = 20): ReconcilePlan {
    for (let i = 0; i < max; i++) {
      this.readyAll();
      const plan = this.reconcile(now);
      if (done()) return plan;
    }
    throw new Error('did not get there');
  }

  /** Reconcile, make pods ready, reconcile again — until a pass changes nothing. */
  settle(now: Date = T0, max = 20): void {
    for (let i = 0; i < max; i++) {
      const plan = this.reconcile(now);
      this.readyAll();
      if (plan.writes.length === 0) return;
    }
    throw new Error('did not settle');
  }
}

/** Seconds after T0. */
export function at(seconds: number, ms = 0): Date {
  return new Date(T0.getTime() + seconds * 1000 + ms);
}
