// Runs the built-in pure planners (Deployment, ReplicaSet, pod lifecycle) against the store:
// level-based, event-driven work queue plus requeue timers. A stale plan (409) is re-planned.
import type { KubeObject } from '../kube/types.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import { reconcileDeployment } from './controllers/deployment.js';
import { reconcilePod } from './controllers/pod.js';
import { reconcileReplicaSet } from './controllers/replicaset.js';
import type { ControllerAction, ControllerResult } from './controllers/types.js';
import { ApiError } from './errors.js';
import type { SandboxApi } from './api.js';
import { randomSuffix, type SandboxStore, type StoreEvent } from './store.js';

type Kind = 'deployments' | 'replicasets' | 'pods';
const KINDS = new Set<string>(['deployments', 'replicasets', 'pods']);

/** Options of the built-in controllers. */
export interface BuiltinControllerOptions {
  now: () => Date;
  podReadyDelayMs: number;
}

function isController(owner: { controller?: boolean; uid: string }, uid: string | undefined): boolean {
  return !!owner.controller && owner.uid === uid;
}

/** The built-in controllers of one sandbox. */
export class BuiltinControllers {
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private scheduled = false;
  private stopped = false;
  private unsubscribe: () => void = () => {};
  /** Passes run since start (tests and benchmarks read it). */
  passes = 0;

  constructor(
    private readonly api: SandboxApi,
    private readonly opts: BuiltinControllerOptions,
  ) {}

  private get store(): SandboxStore {
    return this.api.store;
  }

  /** Subscribes to the store and enqueues every existing object once. */
  start(): void {
    this.unsubscribe = this.store.subscribe((e) => this.onEvent(e));
    for (const kind of KINDS) for (const o of this.store.list(kind)) this.enqueue(kind as Kind, o);
  }

  /** Stops reacting to changes and clears the timers. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.queue.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (!KINDS.has(e.resource)) return;
    const obj = e.object;
    if (e.type !== 'DELETED') this.enqueue(e.resource as Kind, obj);
    // Owners react to their dependents (a pod's readiness changes its ReplicaSet's status).
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (!ref.controller) continue;
      if (ref.kind === 'ReplicaSet') this.enqueueKey('replicasets', obj.metadata.namespace, ref.name);
      if (ref.kind === 'Deployment') this.enqueueKey('deployments', obj.metadata.namespace, ref.name);
    }
  }

  private enqueue(kind: Kind, obj: KubeObject): void {
    this.enqueueKey(kind, obj.metadata.namespace, obj.metadata.name!);
  }

  private enqueueKey(kind: Kind, namespace: string | undefined, name: string): void {
    if (this.stopped) return;
    this.queue.add(`${kind}\0${namespace ?? ''}\0${name}`);
    if (!this.scheduled) {
      this.scheduled = true;
      // After the current request's write and answer: one pass per burst of changes.
      setImmediate(() => this.drain());
    }
  }

  private requeueAfter(key: string, ms: number): void {
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      const [kind, ns, name] = key.split('\0') as [Kind, string, string];
      this.enqueueKey(kind, ns || undefined, name);
    }, Math.max(0, ms));
    timer.unref?.();
    this.timers.set(key, { at, timer });
  }

  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    // Bounded per tick so a controller storm cannot starve the HTTP server.
    let budget = 500;
    while (this.queue.size && budget-- > 0) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      try {
        this.reconcile(key);
      } catch {
        // A planner bug must not take the server down; retry later.
        this.requeueAfter(key, 1000);
      }
    }
    if (this.queue.size && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private reconcile(key: string): void {
    const [kind, ns, name] = key.split('\0') as [Kind, string, string];
    const namespace = ns || undefined;
    const obj = this.store.get(kind, namespace, name);
    if (!obj) return;
    const now = this.opts.now();
    let result: ControllerResult;
    this.passes++;
    if (kind === 'deployments') {
      const d = structuredClone(obj) as Deployment;
      const owned = this.store.dependentsOf<ReplicaSet>(d.metadata.uid!, 'replicasets').filter((rs) => (rs.metadata.ownerReferences ?? []).some((o) => isController(o, d.metadata.uid)));
      result = reconcileDeployment(d, structuredClone(owned), now);
    } else if (kind === 'replicasets') {
      const rs = structuredClone(obj) as ReplicaSet;
      const owned = this.store.dependentsOf<Pod>(rs.metadata.uid!, 'pods').filter((p) => (p.metadata.ownerReferences ?? []).some((o) => isController(o, rs.metadata.uid)));
      result = reconcileReplicaSet(rs, structuredClone(owned), now, () => randomSuffix());
    } else {
      result = reconcilePod(structuredClone(obj) as Pod, now, this.opts.podReadyDelayMs);
    }
    let conflicted = false;
    for (const action of result.actions) {
      if (!this.apply(action)) conflicted = true;
    }
    // The change that made the plan stale has enqueued the key already; the delay only guards
    // against a plan that can never apply (a name taken by an object it does not own).
    if (conflicted) this.requeueAfter(key, 50);
    if (result.requeueAfterMs !== undefined && result.requeueAfterMs >= 0) this.requeueAfter(key, result.requeueAfterMs);
  }

  /** Applies one action; false when it was stale (conflict, gone, already exists). */
  private apply(a: ControllerAction): boolean {
    const store = this.store;
    try {
      switch (a.op) {
        case 'create':
          store.create(a.resource, a.object);
          return true;
        case 'update': {
          let next = a.object;
          if (a.resource === 'deployments') {
            const old = store.get<Deployment>('deployments', next.metadata.namespace, next.metadata.name!);
            if (!old) return false;
            next = this.api.admitDeployment(old, next as Deployment);
          }
          store.update(a.resource, next);
          return true;
        }
        case 'updateStatus':
          store.update(a.resource, a.object, { subresource: 'status' });
          return true;
        case 'delete':
          store.delete(a.resource, a.object.metadata.namespace, a.object.metadata.name!, {
            preconditions: a.object.metadata.uid ? { uid: a.object.metadata.uid } : undefined,
          });
          return true;
      }
    } catch (err) {
      if (err instanceof ApiError && (err.code === 409 || err.code === 404)) return false;
      throw err;
    }
    return true;
  }
}
