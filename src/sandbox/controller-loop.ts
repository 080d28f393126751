// Runs the built-in pure planners (Deployment, ReplicaSet, CloneSet, pod lifecycle) against the store
// through the work queue (src/runtime/work-queue.ts): level-based, event-driven, with requeue
// timers. A stale plan (409) is re-planned.
import type { KubeObject } from '../kube/types.js';
import type { Clock } from '../runtime/clock.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { CLONESET_KIND, CLONESET_RESOURCE, type CloneSet } from '../workload/cloneset.js';
import { ADVANCED_DAEMONSET_RESOURCE, type AdvancedDaemonSet, DEFAULT_SANDBOX_NODES } from '../workload/daemonset.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import type { SandboxApi } from './api.js';
import { type ControllerRevision, reconcileCloneSet } from './controllers/cloneset.js';
import { reconcileDaemonSet } from './controllers/daemonset.js';
import { reconcileDeployment } from './controllers/deployment.js';
import { reconcilePod } from './controllers/pod.js';
import { reconcileReplicaSet } from './controllers/replicaset.js';
import { reconcileStatefulSet, type StatefulSetLike } from './controllers/statefulset.js';
import type { ControllerAction, ControllerResult } from './controllers/types.js';
import { StatusError } from './errors.js';
import { randomSuffix, type SandboxStore, type StoreEvent } from './store.js';

type Kind = 'deployments' | 'replicasets' | 'pods' | typeof CLONESET_RESOURCE | StatefulSetResource | typeof ADVANCED_DAEMONSET_RESOURCE;
type StatefulSetResource = 'statefulsets' | 'statefulsets.apps.kruise.io';
const KINDS = new Set<string>([
  'deployments',
  'replicasets',
  'pods',
  CLONESET_RESOURCE,
  'statefulsets',
  'statefulsets.apps.kruise.io',
  ADVANCED_DAEMONSET_RESOURCE,
]);

/** Options of the built-in controllers. */
interface BuiltinControllerOptions {
  now: () => Date;
  clock: Clock;
  podReadyDelayMs: number;
  /** Salt of the Deployment controller's pod-template-hash (SandboxOptions.deploymentHashSalt). */
  deploymentHashSalt?: string;
}

function isController(owner: { controller?: boolean; uid: string }, uid: string | undefined): boolean {
  return !!owner.controller && owner.uid === uid;
}

/** The built-in controllers of one sandbox. */
export class BuiltinControllers {
  private readonly queue: WorkQueue;
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly api: SandboxApi,
    private readonly opts: BuiltinControllerOptions,
  ) {
    // A planner bug must not take the server down: a reconcile that throws is retried in 1 s.
    this.queue = new WorkQueue({ reconcile: (key) => this.reconcile(key), clock: opts.clock, errorRequeueMs: 1000 });
  }

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
    this.unsubscribe();
    void this.queue.shutDown();
  }

  private onEvent(e: StoreEvent): void {
    // A Node added or removed changes where every Advanced DaemonSet runs.
    if (e.resource === 'nodes') {
      for (const ds of this.store.list(ADVANCED_DAEMONSET_RESOURCE)) this.enqueue(ADVANCED_DAEMONSET_RESOURCE, ds);
      return;
    }
    if (!KINDS.has(e.resource)) return;
    const obj = e.object;
    if (e.type !== 'DELETED') this.enqueue(e.resource as Kind, obj);
    // Owners react to their dependents (a pod's readiness changes its ReplicaSet's status).
    for (const ref of obj.metadata.ownerReferences ?? []) {
      if (!ref.controller) continue;
      if (ref.kind === 'ReplicaSet') this.enqueueKey('replicasets', obj.metadata.namespace, ref.name);
      if (ref.kind === 'Deployment') this.enqueueKey('deployments', obj.metadata.namespace, ref.name);
      if (ref.kind === CLONESET_KIND && ref.apiVersion?.startsWith('apps.kruise.io/'))
        this.enqueueKey(CLONESET_RESOURCE, obj.metadata.namespace, ref.name);
      if (ref.kind === 'StatefulSet')
        this.enqueueKey(
          ref.apiVersion?.startsWith('apps.kruise.io/') ? 'statefulsets.apps.kruise.io' : 'statefulsets',
          obj.metadata.namespace,
          ref.name,
        );
      if (ref.kind === 'DaemonSet' && ref.apiVersion?.startsWith('apps.kruise.io/'))
        this.enqueueKey(ADVANCED_DAEMONSET_RESOURCE, obj.metadata.namespace, ref.name);
    }
  }

  private enqueue(kind: Kind, obj: KubeObject): void {
    this.enqueueKey(kind, obj.metadata.namespace, obj.metadata.name!);
  }

  private enqueueKey(kind: Kind, namespace: string | undefined, name: string): void {
    this.queue.add(`${kind}\0${namespace ?? ''}\0${name}`);
  }

  /** One pass for one object; resolves to when to look at it again. */
  private reconcile(key: string): number | undefined {
    const [kind, ns, name] = key.split('\0') as [Kind, string, string];
    const namespace = ns || undefined;
    const obj = this.store.get(kind, namespace, name);
    if (!obj) return undefined;
    const now = this.opts.now();
    let result: ControllerResult;
    if (kind === 'deployments') {
      const d = structuredClone(obj) as Deployment;
      const owned = this.store
        .dependentsOf<ReplicaSet>(d.metadata.uid!, 'replicasets')
        .filter((rs) => (rs.metadata.ownerReferences ?? []).some((o) => isController(o, d.metadata.uid)));
      result = reconcileDeployment(d, structuredClone(owned), now, { hashSalt: this.opts.deploymentHashSalt });
    } else if (kind === 'replicasets') {
      const rs = structuredClone(obj) as ReplicaSet;
      const owned = this.store
        .dependentsOf<Pod>(rs.metadata.uid!, 'pods')
        .filter((p) => (p.metadata.ownerReferences ?? []).some((o) => isController(o, rs.metadata.uid)));
      result = reconcileReplicaSet(rs, structuredClone(owned), now, () => randomSuffix());
    } else if (kind === 'statefulsets' || kind === 'statefulsets.apps.kruise.io') {
      const set = structuredClone(obj) as StatefulSetLike;
      const owned = <T extends KubeObject>(resource: string): T[] =>
        this.store
          .dependentsOf<T>(set.metadata.uid!, resource)
          .filter((o) => (o.metadata.ownerReferences ?? []).some((r) => isController(r, set.metadata.uid)));
      result = reconcileStatefulSet({
        set,
        resource: kind,
        pods: structuredClone(owned<Pod>('pods')),
        revisions: structuredClone(owned<ControllerRevision>('controllerrevisions')),
        now,
        hashSalt: this.opts.deploymentHashSalt,
      });
    } else if (kind === ADVANCED_DAEMONSET_RESOURCE) {
      const ds = structuredClone(obj) as AdvancedDaemonSet;
      const owned = <T extends KubeObject>(resource: string): T[] =>
        this.store
          .dependentsOf<T>(ds.metadata.uid!, resource)
          .filter((o) => (o.metadata.ownerReferences ?? []).some((r) => isController(r, ds.metadata.uid)));
      const nodes = this.store.list('nodes').map((n) => n.metadata.name!);
      result = reconcileDaemonSet({
        ds,
        // No Node stored: the sandbox's fixed default (docs/sandbox-kinds.md §6).
        nodes: nodes.length > 0 ? nodes : DEFAULT_SANDBOX_NODES,
        pods: structuredClone(owned<Pod>('pods')),
        revisions: structuredClone(owned<ControllerRevision>('controllerrevisions')),
        now,
        randomSuffix: () => randomSuffix(),
        hashSalt: this.opts.deploymentHashSalt,
      });
    } else if (kind === CLONESET_RESOURCE) {
      const cs = structuredClone(obj) as CloneSet;
      const owned = <T extends KubeObject>(resource: string): T[] =>
        this.store
          .dependentsOf<T>(cs.metadata.uid!, resource)
          .filter((o) => (o.metadata.ownerReferences ?? []).some((r) => isController(r, cs.metadata.uid)));
      result = reconcileCloneSet({
        cloneSet: cs,
        pods: structuredClone(owned<Pod>('pods')),
        revisions: structuredClone(owned<ControllerRevision>('controllerrevisions')),
        now,
        randomSuffix: () => randomSuffix(),
        hashSalt: this.opts.deploymentHashSalt,
      });
    } else {
      result = reconcilePod(structuredClone(obj) as Pod, now, this.opts.podReadyDelayMs);
    }
    let conflicted = false;
    for (const action of result.actions) {
      if (!this.apply(action)) conflicted = true;
    }
    // The change that made the plan stale has enqueued the key already; the delay only guards
    // against a plan that can never apply (a name taken by an object it does not own).
    const wanted = result.requeueAfterMs !== undefined && result.requeueAfterMs >= 0 ? result.requeueAfterMs : undefined;
    if (conflicted) return Math.min(50, wanted ?? 50);
    return wanted;
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
      // 403: the namespace is being deleted (its objects go with it).
      if (err instanceof StatusError && (err.code === 409 || err.code === 404 || err.code === 403)) return false;
      throw err;
    }
    return true;
  }
}
