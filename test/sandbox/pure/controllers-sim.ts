// A tiny in-memory cluster for stepping the pure controllers in tests: applies their actions to
// arrays, checks resourceVersions like the store does, and advances a fake clock.
import type { KubeObject } from '../../../src/kube/types.js';
import { reconcileDeployment } from '../../../src/sandbox/controllers/deployment.js';
import { reconcilePod } from '../../../src/sandbox/controllers/pod.js';
import { reconcileReplicaSet } from '../../../src/sandbox/controllers/replicaset.js';
import type { ControllerAction, ControllerResult } from '../../../src/sandbox/controllers/types.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/workload/types.js';
import { example } from '../../fixtures/load.js';

/** All documents of a reference example file (test/fixtures/load.ts). */
export function loadExample(file: string): any[] {
  return example(file);
}

type Resource = ControllerAction['resource'];

/** The cluster: objects by resource, a fake clock, and the three planners run in rounds. */
export class Sim {
  now = new Date('2026-01-01T00:00:00Z');
  readonly objects: Record<Resource, KubeObject[]> = {
    deployments: [],
    replicasets: [],
    pods: [],
    controllerrevisions: [],
    'clonesets.apps.kruise.io': [],
    statefulsets: [],
    'statefulsets.apps.kruise.io': [],
    'daemonsets.apps.kruise.io': [],
  };
  private seq = 0;
  private rv = 0;
  /** Called after every applied action, to assert invariants at each intermediate state. */
  onChange: (sim: Sim) => void = () => {};
  readyDelayMs = 1000;

  get deployments(): Deployment[] {
    return this.objects.deployments as Deployment[];
  }
  get replicaSets(): ReplicaSet[] {
    return this.objects.replicasets as ReplicaSet[];
  }
  get pods(): Pod[] {
    return this.objects.pods as Pod[];
  }

  /** Creates an object as the API server would (uid, resourceVersion, generation, creationTimestamp). */
  create(resource: Resource, obj: KubeObject): KubeObject {
    const copy = clone(obj);
    if (resource !== 'pods' && this.objects[resource].some((o) => o.metadata.name === copy.metadata.name)) {
      throw new Error(`${resource} ${copy.metadata.name} already exists`);
    }
    copy.metadata = {
      ...copy.metadata,
      namespace: copy.metadata.namespace ?? 'default',
      uid: `uid-${++this.seq}`,
      resourceVersion: String(++this.rv),
      generation: 1,
      creationTimestamp: new Date(this.now.getTime() + this.seq).toISOString(),
    };
    this.objects[resource].push(copy);
    return copy;
  }

  /** A user edit of spec/metadata (e.g. kubectl patch). */
  edit(resource: Resource, name: string, mutate: (o: any) => void): void {
    const o = this.get(resource, name);
    const next = clone(o);
    mutate(next);
    this.apply({ op: 'update', resource, object: next });
  }

  get(resource: Resource, name: string): KubeObject {
    const o = this.objects[resource].find((x) => x.metadata.name === name);
    if (!o) throw new Error(`${resource} ${name} not found`);
    return o;
  }

  apply(action: ControllerAction): void {
    const list = this.objects[action.resource];
    if (action.op === 'create') {
      if (action.object.metadata.uid || action.object.metadata.resourceVersion) throw new Error('create carries uid/resourceVersion');
      this.create(action.resource, action.object);
    } else {
      const i = list.findIndex((o) => o.metadata.name === action.object.metadata.name);
      if (i < 0) throw new Error(`${action.op} of missing ${action.resource}/${action.object.metadata.name}`);
      const cur = list[i]!;
      if (action.op !== 'delete' && action.object.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        throw new Error(`stale ${action.op} of ${action.resource}/${cur.metadata.name}`);
      }
      if (action.op === 'delete') {
        list.splice(i, 1);
        // Garbage collection by ownerReferences.
        for (const r of ['replicasets', 'pods'] as Resource[]) {
          this.objects[r] = this.objects[r].filter((o) => !(o.metadata.ownerReferences ?? []).some((ref) => ref.uid === cur.metadata.uid));
        }
      } else if (action.op === 'update') {
        const specChanged = JSON.stringify(cur.spec) !== JSON.stringify(action.object.spec);
        list[i] = {
          ...clone(action.object),
          status: cur.status,
          metadata: {
            ...clone(action.object.metadata),
            uid: cur.metadata.uid,
            creationTimestamp: cur.metadata.creationTimestamp,
            resourceVersion: String(++this.rv),
            generation: (cur.metadata.generation ?? 1) + (specChanged ? 1 : 0),
          },
        };
      } else {
        list[i] = { ...cur, status: clone(action.object.status), metadata: { ...cur.metadata, resourceVersion: String(++this.rv) } };
      }
    }
    this.onChange(this);
  }

  private owned<T extends KubeObject>(resource: Resource, owner: KubeObject): T[] {
    return this.objects[resource].filter((o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid)) as T[];
  }

  /** One round over every object; returns whether anything was written and the shortest requeue. */
  round(): { wrote: boolean; requeueAfterMs?: number } {
    let wrote = false;
    let requeue: number | undefined;
    const take = (r: ControllerResult): void => {
      for (const a of r.actions) {
        this.apply(a);
        wrote = true;
      }
      if (r.requeueAfterMs !== undefined) requeue = Math.min(requeue ?? Infinity, r.requeueAfterMs);
    };
    for (const d of [...this.deployments])
      take(reconcileDeployment(clone(d), this.owned<ReplicaSet>('replicasets', d).map(clone), this.now));
    for (const rs of [...this.replicaSets]) {
      const fresh = this.objects.replicasets.find((x) => x.metadata.uid === rs.metadata.uid) as ReplicaSet | undefined;
      if (fresh) take(reconcileReplicaSet(clone(fresh), this.owned<Pod>('pods', fresh).map(clone), this.now, () => this.suffix()));
    }
    for (const p of [...this.pods]) {
      const fresh = this.objects.pods.find((x) => x.metadata.uid === p.metadata.uid) as Pod | undefined;
      if (fresh) take(reconcilePod(clone(fresh), this.now, this.readyDelayMs));
    }
    return requeue === undefined ? { wrote } : { wrote, requeueAfterMs: requeue };
  }

  /** Runs rounds, advancing the clock on requeues, until nothing is left to do. */
  settle(maxRounds = 2000): number {
    for (let i = 0; i < maxRounds; i++) {
      const r = this.round();
      if (r.wrote) continue;
      if (r.requeueAfterMs === undefined) return i;
      this.now = new Date(this.now.getTime() + Math.max(1, r.requeueAfterMs));
    }
    throw new Error('the controllers did not settle');
  }

  private suffixSeq = 0;
  /** Deterministic 5-character pod name suffixes. */
  suffix(): string {
    return (++this.suffixSeq).toString(36).padStart(5, 'x');
  }

  podsOf(rs: KubeObject): Pod[] {
    return this.owned<Pod>('pods', rs);
  }
}

/** A deep copy through JSON. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Whether a pod is Ready. */
export function isReady(p: Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The VERSION env of the first container (pods and templates of workload-demo). */
export function envVersion(p: { spec?: any }): string {
  return p.spec.containers[0].env[0].value;
}
