// The sandbox's object store: objects by resource and key, one global resourceVersion counter,
// a bounded event history for watch resumption, an owner index for garbage collection, and
// synchronous listeners (watches, controllers, the journal). No HTTP here.
import { randomUUID } from 'node:crypto';
import { kubeTime } from '../kube/time.js';
import type { KubeObject } from '../kube/types.js';
import { canonicalJson, SAFE_ALPHABET } from '../workload/hash.js';
import { alreadyExists, conflict, namespaceTerminating, notFound } from './errors.js';
import { ResourceRegistry, type SandboxResource } from './resources.js';
import { matchesFilter, type ObjectFilter } from './selectors.js';

/** One change, as a watch sends it. `old` is the previous state for MODIFIED/DELETED. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** Plural resource name: 'deployments'. */
  resource: string;
  object: KubeObject;
  old?: KubeObject;
  rv: number;
}

/** Receives every committed change, synchronously, in resourceVersion order. */
type StoreListener = (event: StoreEvent) => void;

/** Deletion options (?propagationPolicy=, preconditions). */
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The result of asking for the changes after a resourceVersion. */
type HistoryAnswer = { events: StoreEvent[] } | { gone: true; oldest: number };

/** Kubernetes' random name suffix alphabet, n characters. */
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)];
  return s;
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The status a create stores: the resource's initial one, else none when status is a subresource. */
function initialStatus(r: SandboxResource, obj: KubeObject): unknown {
  if (typeof r.initialStatus === 'function') return r.initialStatus(obj);
  if (r.initialStatus) return structuredClone(r.initialStatus);
  return r.subresources.includes('status') && !r.keepStatusOnCreate ? undefined : obj.status;
}

/** The in-memory object store. Stored objects are never mutated: treat what you read as read-only. */
export class SandboxStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  /** owner uid → `${resource}\0${key}` of its dependents. */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly listeners = new Set<StoreListener>();
  private readonly writers: StoreListener[] = [];
  private history: StoreEvent[] = [];
  private rv = 0;
  /** Changes up to and including this version are no longer in the history. */
  private compactedThrough = 0;
  private readonly now: () => Date;
  private readonly historyLimit: number;
  private dry = false;
  /** What this store serves: built-in kinds and the kinds of the CRDs it holds. */
  readonly resources = new ResourceRegistry();

  constructor(opts: { now?: () => Date; historyLimit?: number } = {}) {
    this.now = opts.now ?? (() => new Date());
    this.historyLimit = opts.historyLimit ?? 10_000;
  }

  /** The current global resourceVersion. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** One object, or undefined. */
  get<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(resource)?.get(keyOf(namespace, name)) as T | undefined;
  }

  /** The objects of a resource passing the filter (all namespaces when filter.namespace is undefined). */
  list<T extends KubeObject = KubeObject>(resource: string, filter?: Partial<ObjectFilter>): T[] {
    const all = this.objects.get(resource);
    if (!all) return [];
    const f: ObjectFilter = { namespace: filter?.namespace, labels: filter?.labels ?? [], fields: filter?.fields ?? [] };
    const out: T[] = [];
    for (const obj of all.values()) if (matchesFilter(obj, f)) out.push(obj as T);
    return out;
  }

  /** Objects whose ownerReferences name this uid. */
  dependentsOf<T extends KubeObject = KubeObject>(uid: string, resource?: string): T[] {
    return this.dependentEntries(uid)
      .filter(([res]) => !resource || res === resource)
      .map(([, obj]) => obj as T);
  }

  private dependentEntries(uid: string): [string, KubeObject][] {
    const out: [string, KubeObject][] = [];
    for (const ref of this.dependents.get(uid) ?? []) {
      const [res, key] = ref.split('\0') as [string, string];
      const obj = this.objects.get(res)?.get(key);
      if (obj) out.push([res, obj]);
    }
    return out;
  }

  /** Registers a listener for every change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a durable writer, called before a change is applied; if it throws, nothing changes. */
  addWriter(writer: StoreListener): void {
    this.writers.push(writer);
  }

  /** The changes after `since`, or gone when the history no longer reaches back that far. */
  changesSince(since: number): HistoryAnswer {
    if (since < this.compactedThrough) return { gone: true, oldest: this.compactedThrough + 1 };
    // Binary search: the history is in increasing rv order.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= since) lo = mid + 1;
      else hi = mid;
    }
    return { events: this.history.slice(lo) };
  }

  /** Creates an object: name from generateName, uid, creationTimestamp, generation 1, resourceVersion. */
  create<T extends KubeObject = KubeObject>(resource: string, obj: KubeObject): T {
    const r = this.resources.byStoreKey(resource);
    const ns = r.namespaced ? obj.metadata.namespace : undefined;
    if (r.namespaced && ns) {
      const namespace = this.get('namespaces', undefined, ns);
      if (!namespace) throw notFound(this.resources.byStoreKey('namespaces'), ns);
      if (namespace.metadata.deletionTimestamp) throw namespaceTerminating(r, obj.metadata.name ?? obj.metadata.generateName ?? '', ns);
    }
    let name = obj.metadata.name;
    if (!name && obj.metadata.generateName) {
      do name = `${obj.metadata.generateName}${randomSuffix()}`;
      while (this.get(resource, ns, name));
    }
    if (!name) throw new Error('create without a name');
    if (this.get(resource, ns, name)) throw alreadyExists(r, name);
    const { resourceVersion: _rv, deletionTimestamp: _dt, ...meta } = obj.metadata;
    const stored: KubeObject = {
      ...obj,
      metadata: {
        ...meta,
        name,
        ...(ns ? { namespace: ns } : {}),
        uid: randomUUID(),
        creationTimestamp: kubeTime(this.now()),
        generation: 1,
      },
    };
    if (!r.namespaced) delete stored.metadata.namespace;
    const status = initialStatus(r, obj);
    if (status === undefined) delete stored.status;
    else stored.status = status;
    return this.commit({ type: 'ADDED', resource, object: stored }) as T;
  }

  /**
   * Updates an object. obj.metadata.resourceVersion, when set, must be the current one (409).
   * The main resource keeps the stored status; the status subresource keeps everything else.
   * Generation bumps when spec changes. A write that changes nothing is not a write.
   */
  update<T extends KubeObject = KubeObject>(resource: string, obj: KubeObject, opts: { subresource?: 'status' } = {}): T {
    const r = this.resources.byStoreKey(resource);
    const ns = r.namespaced ? obj.metadata.namespace : undefined;
    const name = obj.metadata.name!;
    const cur = this.get(resource, ns, name);
    if (!cur) throw notFound(r, name);
    const wanted = obj.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== cur.metadata.resourceVersion) throw conflict(r, name);
    if (obj.metadata.uid && obj.metadata.uid !== cur.metadata.uid) throw conflict(r, name);
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = { ...cur, status: obj.status };
      if (obj.status === undefined) delete next.status;
    } else {
      next = {
        ...obj,
        metadata: {
          ...obj.metadata,
          name: cur.metadata.name,
          uid: cur.metadata.uid,
          creationTimestamp: cur.metadata.creationTimestamp,
          generation: cur.metadata.generation,
          ...(cur.metadata.deletionTimestamp ? { deletionTimestamp: cur.metadata.deletionTimestamp } : {}),
        },
      };
      if (ns) next.metadata.namespace = ns;
      else delete next.metadata.namespace;
      if (!cur.metadata.deletionTimestamp) delete next.metadata.deletionTimestamp;
      if (r.subresources.includes('status')) {
        if (cur.status === undefined) delete next.status;
        else next.status = cur.status;
      }
      if (canonicalJson(next.spec) !== canonicalJson(cur.spec)) next.metadata.generation = (cur.metadata.generation ?? 0) + 1;
    }
    next.metadata.resourceVersion = cur.metadata.resourceVersion;
    if (canonicalJson(next) === canonicalJson(cur)) return cur as T;
    // An object being deleted goes once its last finalizer is removed.
    if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length) {
      return this.remove(resource, next, {}) as T;
    }
    return this.commit({ type: 'MODIFIED', resource, object: next, old: cur }) as T;
  }

  /**
   * Deletes an object (returns its last state). With finalizers it only gets a
   * deletionTimestamp. Dependents (by ownerReferences) are deleted too, or orphaned.
   */
  delete<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string, opts: DeleteOptions = {}): T {
    const r = this.resources.byStoreKey(resource);
    const ns = r.namespaced ? namespace : undefined;
    const cur = this.get(resource, ns, name);
    if (!cur) throw notFound(r, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== cur.metadata.uid) throw conflict(r, name);
    if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) throw conflict(r, name);
    if (resource === 'namespaces') return this.terminateNamespace(cur) as T;
    if ((cur.metadata.finalizers ?? []).length) {
      if (cur.metadata.deletionTimestamp) return cur as T;
      const marked: KubeObject = {
        ...cur,
        metadata: {
          ...cur.metadata,
          deletionTimestamp: kubeTime(this.now()),
          deletionGracePeriodSeconds: 0,
          generation: (cur.metadata.generation ?? 0) + 1,
        },
      };
      return this.commit({ type: 'MODIFIED', resource, object: marked, old: cur }) as T;
    }
    return this.remove(resource, cur, opts) as T;
  }

  private remove(resource: string, cur: KubeObject, opts: DeleteOptions): KubeObject {
    if (resource === 'customresourcedefinitions') {
      // The CRD's objects go first (upstream's CRD finalizer), then the kind is no longer served.
      const served = this.resources.maybe(this.resources.keyOfCrd(cur.metadata.name!) ?? '');
      for (const obj of served ? [...(this.objects.get(served.key)?.values() ?? [])] : []) this.remove(served!.key, obj, {});
    }
    if (resource === 'namespaces') {
      for (const [res, objs] of this.objects) {
        if (!this.resources.maybe(res)?.namespaced) continue;
        for (const obj of [...objs.values()]) {
          if (obj.metadata.namespace === cur.metadata.name && this.get(res, obj.metadata.namespace, obj.metadata.name!)) {
            this.remove(res, obj, { propagationPolicy: 'Background' });
          }
        }
      }
    }
    const gone = this.commit({ type: 'DELETED', resource, object: { ...cur }, old: cur });
    const uid = cur.metadata.uid;
    if (uid) {
      for (const [depResource, dep] of this.dependentEntries(uid)) {
        if (opts.propagationPolicy === 'Orphan') {
          const refs = (dep.metadata.ownerReferences ?? []).filter((o) => o.uid !== uid);
          const orphan = { ...dep, metadata: { ...dep.metadata, ownerReferences: refs.length ? refs : undefined } };
          if (!refs.length) delete orphan.metadata.ownerReferences;
          this.commit({ type: 'MODIFIED', resource: depResource, object: orphan, old: dep });
        } else if (this.get(depResource, dep.metadata.namespace, dep.metadata.name!)) {
          this.delete(depResource, dep.metadata.namespace, dep.metadata.name!, { propagationPolicy: 'Background' });
        }
      }
    }
    return gone;
  }

  /**
   * Deleting a namespace: it turns Terminating at once (creates in it are refused), its objects
   * are deleted right after the answer, then it goes, as the namespace controller does.
   */
  private terminateNamespace(cur: KubeObject): KubeObject {
    if (cur.metadata.deletionTimestamp) return cur;
    const marked = this.commit({
      type: 'MODIFIED',
      resource: 'namespaces',
      object: {
        ...cur,
        metadata: { ...cur.metadata, deletionTimestamp: kubeTime(this.now()), deletionGracePeriodSeconds: 0 },
        status: { ...(cur.status ?? {}), phase: 'Terminating' },
      },
      old: cur,
    });
    if (!this.dry) setImmediate(() => this.finishNamespaceDeletion(cur.metadata.name!));
    return marked;
  }

  /** Deletes a Terminating namespace's objects, then the namespace (also for one a restart found Terminating). */
  finishNamespaceDeletion(name: string): void {
    const ns = this.get('namespaces', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    this.remove('namespaces', ns, { propagationPolicy: 'Background' });
  }

  /** Runs fn with writes computed but not committed (?dryRun=All). */
  dryRun<T>(fn: () => T): T {
    this.dry = true;
    try {
      return fn();
    } finally {
      this.dry = false;
    }
  }

  /** Puts an object back without events or a new version (journal replay). */
  restore(resource: string, obj: KubeObject | undefined, key: { namespace?: string; name: string }, rv: number): void {
    const prev = this.get(resource, key.namespace, key.name);
    this.place(resource, keyOf(key.namespace, key.name), prev, obj);
    this.rv = Math.max(this.rv, rv);
    this.compactedThrough = this.rv;
  }

  /** Every stored object by resource (for snapshots). */
  dump(): Record<string, KubeObject[]> {
    const out: Record<string, KubeObject[]> = {};
    for (const [res, objs] of this.objects) out[res] = [...objs.values()];
    return out;
  }

  private commit(e: Omit<StoreEvent, 'rv'>): KubeObject {
    if (this.dry) return { ...e.object, metadata: { ...e.object.metadata, resourceVersion: e.old?.metadata.resourceVersion ?? '' } };
    const rv = this.rv + 1;
    const object: KubeObject = { ...e.object, metadata: { ...e.object.metadata, resourceVersion: String(rv) } };
    const event: StoreEvent = { ...e, object, rv };
    for (const w of this.writers) w(event);
    this.rv = rv;
    const key = keyOf(object.metadata.namespace, object.metadata.name!);
    this.place(e.resource, key, e.old, e.type === 'DELETED' ? undefined : object);
    this.history.push(event);
    if (this.history.length > this.historyLimit * 1.25) {
      const drop = this.history.length - this.historyLimit;
      this.compactedThrough = this.history[drop - 1]!.rv;
      this.history = this.history.slice(drop);
    }
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A failing listener (a closed socket) must not undo a committed write.
      }
    }
    return object;
  }

  private place(resource: string, key: string, prev: KubeObject | undefined, next: KubeObject | undefined): void {
    let objs = this.objects.get(resource);
    if (!objs) this.objects.set(resource, (objs = new Map()));
    if (resource === 'customresourcedefinitions') this.resources.setCrd(key, next);
    const ref = `${resource}\0${key}`;
    for (const o of prev?.metadata.ownerReferences ?? []) this.dependents.get(o.uid)?.delete(ref);
    if (next) {
      objs.set(key, next);
      for (const o of next.metadata.ownerReferences ?? []) {
        let set = this.dependents.get(o.uid);
        if (!set) this.dependents.set(o.uid, (set = new Set()));
        set.add(ref);
      }
    } else objs.delete(key);
  }
}
