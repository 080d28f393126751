// The thin applier: reads the observed state of rollouts through a KubeClient, runs the pure
// reconcile, and sends the planned writes — PUT with resourceVersion or POST, never PATCH. A 409
// re-reads that rollout and plans again (src/kube/retry.ts, client-go's RetryOnConflict with DefaultBackoff).
import type { KubeClient } from '../kube/client.js';
import { ApiError, isConflict, isNotFound } from '../kube/errors.js';
import { type ResourceRef, Resources } from '../kube/resources.js';
import { type Backoff, DefaultBackoff, type RetryHooks, retryOnConflict } from '../kube/retry.js';
import type { KubeObject } from '../kube/types.js';
import { workloadRefOf } from '../rollout/release.js';
import { Annotation, CANARY_DEPLOYMENT_FINALIZER, Label, type Rollout } from '../rollout/types.js';
import { type CloneSet, isCloneSet } from '../workload/cloneset.js';
import { type AdvancedDaemonSet, isAdvancedDaemonSet } from '../workload/daemonset.js';
import { canonicalJson } from '../workload/hash.js';
import { isAdvancedStatefulSet, isStatefulSetLike, type StatefulSetLike } from '../workload/statefulset.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import { type BatchRelease, fillControlInfoUid } from './batch-release.js';
import { isCanaryStyle } from './canary-style-control.js';
import { handBack } from './deployment-control.js';
import { reconcileRollout } from './reconcile.js';
import { observeTraffic, trafficIndex, trafficOf } from './traffic/observe.js';
import { trafficObjectNames } from './traffic/router.js';
import type { CanaryWorkloads, Observed, PlannedWrite, ReconcilePlan, TrafficObjects } from './types.js';

const REF: Record<PlannedWrite['resource'], ResourceRef> = {
  rollouts: Resources.rolloutsV1beta1,
  deployments: Resources.deployments,
  clonesets: Resources.cloneSets,
  statefulsets: Resources.statefulSets,
  advancedstatefulsets: Resources.advancedStatefulSets,
  advanceddaemonsets: Resources.advancedDaemonSets,
  replicasets: Resources.replicaSets,
  pods: Resources.pods,
  batchreleases: Resources.batchReleases,
  events: Resources.events,
  services: Resources.services,
  ingresses: Resources.ingresses,
  httproutes: Resources.httpRoutes,
  horizontalpodautoscalers: Resources.hpas,
};

/** Which rollout: its namespace and name. */
interface RolloutKey {
  namespace: string;
  name: string;
}

/** A label selector string for matchLabels (narrows LISTs; ownership is still checked by uid). */
function selectorString(d: Deployment | CloneSet | StatefulSetLike | AdvancedDaemonSet): string | undefined {
  const ml = d.spec.selector?.matchLabels;
  if (!ml || Object.keys(ml).length === 0) return undefined;
  return Object.entries(ml)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** ReplicaSets and pods by the uid of their controller, deployments by namespace and name. */
interface StateIndex {
  deployments: Map<string | undefined, Map<string | undefined, Deployment>>;
  replicaSetsByOwner: Map<string | undefined, ReplicaSet[]>;
  /** Positions in `pods`, ascending: a rollout's pods keep the order of the list. */
  podsByOwner: Map<string | undefined, number[]>;
  pods: Pod[];
  /** BatchReleases by namespace and name (a Rollout's has the Rollout's name). */
  batchReleases: Map<string, BatchRelease>;
  /** CloneSets by namespace and name. */
  cloneSets: Map<string, CloneSet>;
  /** StatefulSets (native and Advanced) by API group, namespace and name. */
  statefulSets: Map<string, StatefulSetLike>;
  /** Advanced DaemonSets by namespace and name. */
  daemonSets: Map<string, AdvancedDaemonSet>;
  /** Canary Deployments by namespace and the name of the Deployment they are the canary of (§18). */
  canaryDeployments: Map<string, Deployment[]>;
}

const nsNameKey = (ns: string | undefined, name: string | undefined) => JSON.stringify([ns ?? null, name ?? null]);
/** A StatefulSet's key: native and Advanced ones may share a name. */
const stsKey = (advanced: boolean, ns: string | undefined, name: string | undefined) =>
  JSON.stringify([advanced, ns ?? null, name ?? null]);

/** The uids of an object's controller references (normally one), each once. */
function controllerUids(obj: KubeObject): Set<string | undefined> {
  const uids = new Set<string | undefined>();
  for (const r of obj.metadata.ownerReferences ?? []) if (r.controller) uids.add(r.uid);
  return uids;
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Indexes the listed objects once, so that joining each rollout costs its own objects, not all of them. */
function indexState(
  deployments: Deployment[],
  rss: ReplicaSet[],
  pods: Pod[],
  brs: BatchRelease[] = [],
  css: CloneSet[] = [],
  sts: StatefulSetLike[] = [],
  dss: AdvancedDaemonSet[] = [],
): StateIndex {
  const byName = new Map<string | undefined, Map<string | undefined, Deployment>>();
  const canaryDeployments = new Map<string, Deployment[]>();
  for (const d of deployments) {
    const stable = d.metadata.labels?.[Label.canaryDeployment];
    if (stable) pushTo(canaryDeployments, nsNameKey(d.metadata.namespace, stable), d);
    let names = byName.get(d.metadata.namespace);
    if (!names) byName.set(d.metadata.namespace, (names = new Map()));
    // The first of equal names wins, as a linear search would find it.
    if (!names.has(d.metadata.name)) names.set(d.metadata.name, d);
  }
  const replicaSetsByOwner = new Map<string | undefined, ReplicaSet[]>();
  for (const rs of rss) for (const uid of controllerUids(rs)) pushTo(replicaSetsByOwner, uid, rs);
  const podsByOwner = new Map<string | undefined, number[]>();
  pods.forEach((p, i) => {
    for (const uid of controllerUids(p)) pushTo(podsByOwner, uid, i);
  });
  const batchReleases = new Map<string, BatchRelease>();
  for (const br of brs) batchReleases.set(nsNameKey(br.metadata.namespace, br.metadata.name), br);
  const cloneSets = new Map<string, CloneSet>();
  for (const cs of css)
    if (!cloneSets.has(nsNameKey(cs.metadata.namespace, cs.metadata.name)))
      cloneSets.set(nsNameKey(cs.metadata.namespace, cs.metadata.name), cs);
  const statefulSets = new Map<string, StatefulSetLike>();
  for (const set of sts) {
    const key = stsKey(isAdvancedStatefulSet(set), set.metadata.namespace, set.metadata.name);
    if (!statefulSets.has(key)) statefulSets.set(key, set);
  }
  const daemonSets = new Map<string, AdvancedDaemonSet>();
  for (const ds of dss) {
    const key = nsNameKey(ds.metadata.namespace, ds.metadata.name);
    if (!daemonSets.has(key)) daemonSets.set(key, ds);
  }
  return {
    deployments: byName,
    replicaSetsByOwner,
    podsByOwner,
    pods,
    batchReleases,
    cloneSets,
    statefulSets,
    daemonSets,
    canaryDeployments,
  };
}

function join(ro: Rollout, idx: StateIndex): Observed {
  const ns = ro.metadata.namespace;
  const ref = workloadRefOf(ro);
  const batchRelease = idx.batchReleases.get(nsNameKey(ns, ro.metadata.name));
  if (ref && (isCloneSetRef(ref) || isStatefulSetLike(ref) || isAdvancedDaemonSet(ref))) {
    // A CloneSet, a StatefulSet or an Advanced DaemonSet owns its pods directly.
    const cs = isCloneSetRef(ref)
      ? idx.cloneSets.get(nsNameKey(ns, ref.name))
      : isAdvancedDaemonSet(ref)
        ? idx.daemonSets.get(nsNameKey(ns, ref.name))
        : idx.statefulSets.get(stsKey(isAdvancedStatefulSet(ref), ns, ref.name));
    const pods = cs ? (idx.podsByOwner.get(cs.metadata.uid) ?? []).map((i) => idx.pods[i]!) : [];
    return { rollout: ro, workload: cs, replicaSets: [], pods, ...(batchRelease ? { batchRelease } : {}) };
  }
  const workload = ref?.kind === 'Deployment' ? idx.deployments.get(ns)?.get(ref.name) : undefined;
  // Same answer as filtering every ReplicaSet with isControlledBy(rs, workload), and every pod
  // with isControlledBy(pod, one of those), in list order.
  const replicaSets = workload ? (idx.replicaSetsByOwner.get(workload.metadata.uid) ?? []) : [];
  const positions = new Set<number>();
  for (const rs of replicaSets) for (const i of idx.podsByOwner.get(rs.metadata.uid) ?? []) positions.add(i);
  const owned = [...positions].sort((a, b) => a - b).map((i) => idx.pods[i]!);
  const canaryWorkloads =
    workload && isCanaryStyle(ro) ? joinCanaries(idx.canaryDeployments.get(nsNameKey(ns, ref?.name)) ?? [], idx) : undefined;
  return {
    rollout: ro,
    workload,
    replicaSets: [...replicaSets],
    pods: owned,
    ...(batchRelease ? { batchRelease } : {}),
    ...(canaryWorkloads ? { canaryWorkloads } : {}),
  };
}

/** The canary Deployments with the ReplicaSets they control and those ReplicaSets' pods. */
function joinCanaries(deployments: Deployment[], idx: StateIndex): CanaryWorkloads {
  const replicaSets = deployments.flatMap((d) => idx.replicaSetsByOwner.get(d.metadata.uid) ?? []);
  const positions = replicaSets.flatMap((rs) => idx.podsByOwner.get(rs.metadata.uid) ?? []).sort((a, b) => a - b);
  return { deployments: [...deployments], replicaSets, pods: [...new Set(positions)].map((i) => idx.pods[i]!) };
}

/** The BatchRelease named `name`, or undefined when there is none. */
async function getBatchRelease(client: KubeClient, namespace: string, name: string): Promise<BatchRelease | undefined> {
  try {
    return await client.get<BatchRelease>(Resources.batchReleases, namespace, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The observed state of one rollout: GET the Rollout, its Deployment and its BatchRelease, LIST its ReplicaSets and pods. */
export async function observe(client: KubeClient, rollout: RolloutKey | Rollout): Promise<Observed> {
  const key = 'metadata' in rollout ? { namespace: rollout.metadata.namespace ?? client.namespace, name: rollout.metadata.name! } : rollout;
  const ro = await client.get<Rollout>(Resources.rolloutsV1beta1, key.namespace, key.name);
  const ref = workloadRefOf(ro);
  let d: Observed['workload'];
  const kind = workloadResourceOf(ref);
  if (ref?.name && kind) {
    try {
      d = await client.get<NonNullable<Observed['workload']>>(kind, key.namespace, ref.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const [batchRelease, traffic, hpas] = await Promise.all([
    getBatchRelease(client, key.namespace, key.name),
    observeTraffic(client, ro),
    ro.spec?.strategy?.blueGreen ? listOrNone<KubeObject>(client, Resources.hpas, key.namespace) : undefined,
  ]);
  const withTraffic = (o: Observed): Observed => ({ ...o, ...(traffic ? { traffic } : {}), ...(hpas ? { hpas } : {}) });
  if (!d) return withTraffic({ rollout: ro, workload: undefined, replicaSets: [], pods: [], ...(batchRelease ? { batchRelease } : {}) });
  const labelSelector = selectorString(d);
  const brs = batchRelease ? [batchRelease] : [];
  if (isCloneSet(d) || isStatefulSetLike(d) || isAdvancedDaemonSet(d)) {
    const pods = await client.list<Pod>(Resources.pods, key.namespace, { labelSelector });
    const css = isCloneSet(d) ? [d] : [];
    const sts = isStatefulSetLike(d) ? [d as StatefulSetLike] : [];
    const dss = isAdvancedDaemonSet(d) ? [d] : [];
    return withTraffic(join(ro, indexState([], [], pods.items, brs, css, sts, dss)));
  }
  // A canary-style release's canary Deployments copy the selector: the same LISTs find their ReplicaSets and pods.
  const canarySelector = isCanaryStyle(ro) ? `${Label.canaryDeployment}=${ref!.name}` : undefined;
  const [rss, pods, canaries] = await Promise.all([
    client.list<ReplicaSet>(Resources.replicaSets, key.namespace, { labelSelector }),
    client.list<Pod>(Resources.pods, key.namespace, { labelSelector }),
    canarySelector ? client.list<Deployment>(Resources.deployments, key.namespace, { labelSelector: canarySelector }) : undefined,
  ]);
  const deployments = [d as Deployment, ...(canaries?.items ?? []).filter((c) => c.metadata.name !== d!.metadata.name)];
  return withTraffic(join(ro, indexState(deployments, rss.items, pods.items, brs)));
}

/** Everything the controller reads, from five LISTs (more only when a Rollout refers to a CloneSet or routes traffic). */
export interface ClusterState {
  rollouts: Rollout[];
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  pods: Pod[];
  /** Absent: none read (a BatchRelease is then planned as new, and its create conflicts if it exists). */
  batchReleases?: BatchRelease[];
  /** Read only when a Rollout refers to a CloneSet (a sixth LIST; none without the CRD). */
  cloneSets?: CloneSet[];
  /** Read only when a Rollout refers to a StatefulSet (one LIST per API group referred to). */
  statefulSets?: StatefulSetLike[];
  /** Read only when a Rollout refers to an Advanced DaemonSet (none without the CRD). */
  daemonSets?: AdvancedDaemonSet[];
  /** Services and Ingresses, read only when a Rollout has trafficRoutings (docs/controller.md §17). */
  services?: KubeObject[];
  ingresses?: KubeObject[];
  httpRoutes?: KubeObject[];
  /** HorizontalPodAutoscalers, read only when a Rollout is blue-green (docs/controller.md §19). */
  hpas?: KubeObject[];
}

/** Five LIST requests (rollouts, deployments, replicasets, pods, batchreleases), and clonesets when a Rollout refers to one; namespace undefined = all. */
export async function listState(client: KubeClient, namespace: string | undefined): Promise<ClusterState> {
  const [rollouts, deployments, replicaSets, pods, batchReleases] = await Promise.all([
    client.list<Rollout>(Resources.rolloutsV1beta1, namespace),
    client.list<Deployment>(Resources.deployments, namespace),
    client.list<ReplicaSet>(Resources.replicaSets, namespace),
    client.list<Pod>(Resources.pods, namespace),
    client.list<BatchRelease>(Resources.batchReleases, namespace),
  ]);
  const state: ClusterState = {
    rollouts: rollouts.items,
    deployments: deployments.items,
    replicaSets: replicaSets.items,
    pods: pods.items,
    batchReleases: batchReleases.items,
  };
  const refs = rollouts.items.map((ro) => workloadRefOf(ro));
  if (refs.some(isCloneSetRef)) state.cloneSets = await listCloneSets(client, namespace);
  const stsKinds = [Resources.statefulSets, Resources.advancedStatefulSets].filter((kind) =>
    refs.some((ref) => isStatefulSetLike(ref) && isAdvancedStatefulSet(ref) === (kind.group !== 'apps')),
  );
  if (stsKinds.length > 0)
    state.statefulSets = (await Promise.all(stsKinds.map((kind) => listOrNone<StatefulSetLike>(client, kind, namespace)))).flat();
  if (refs.some(isAdvancedDaemonSet))
    state.daemonSets = await listOrNone<AdvancedDaemonSet>(client, Resources.advancedDaemonSets, namespace);
  // Two more LISTs, only when some Rollout routes traffic.
  if (state.rollouts.some((ro) => trafficOf(ro))) {
    const [services, ingresses] = await Promise.all([
      client.list<KubeObject>(Resources.services, namespace),
      client.list<KubeObject>(Resources.ingresses, namespace),
    ]);
    state.services = services.items;
    state.ingresses = ingresses.items;
  }
  // And one for HTTPRoutes, only when some Rollout routes through one (the CRD may not be installed).
  if (state.rollouts.some((ro) => trafficObjectNames(ro).httpRoutes.length > 0))
    state.httpRoutes = (await client.list<KubeObject>(Resources.httpRoutes, namespace)).items;
  // And one for HPAs, only when some Rollout is blue-green (it disables its workload's HPA).
  if (state.rollouts.some((ro) => ro.spec?.strategy?.blueGreen))
    state.hpas = await listOrNone<KubeObject>(client, Resources.hpas, namespace);
  return state;
}

/** Whether a workload reference names an OpenKruise CloneSet. */
function isCloneSetRef(ref: { apiVersion?: string; kind?: string } | undefined): boolean {
  return ref?.kind === 'CloneSet' && /^apps\.kruise\.io\//.test(ref.apiVersion ?? '');
}

/** The CloneSets, or none on a cluster without OpenKruise's CRD (404). */
function listCloneSets(client: KubeClient, namespace: string | undefined): Promise<CloneSet[]> {
  return listOrNone<CloneSet>(client, Resources.cloneSets, namespace);
}

/** The objects of a kind, or none on a cluster that does not serve it (404: OpenKruise's CRDs absent). */
async function listOrNone<T extends KubeObject>(client: KubeClient, kind: ResourceRef, namespace: string | undefined): Promise<T[]> {
  try {
    return (await client.list<T>(kind, namespace)).items;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Where the workload a reference names is read from (undefined: a kind the controller does not read). */
function workloadResourceOf(ref: { apiVersion?: string; kind?: string } | undefined): ResourceRef | undefined {
  if (ref?.kind === 'Deployment') return Resources.deployments;
  if (isCloneSetRef(ref)) return Resources.cloneSets;
  if (isStatefulSetLike(ref)) return isAdvancedStatefulSet(ref) ? Resources.advancedStatefulSets : Resources.statefulSets;
  if (isAdvancedDaemonSet(ref)) return Resources.advancedDaemonSets;
  return undefined;
}

/** The observed state of every rollout, joined in memory by workloadRef and ownerReferences. */
export function joinState(state: ClusterState): Observed[] {
  const idx = indexState(
    state.deployments,
    state.replicaSets,
    state.pods,
    state.batchReleases,
    state.cloneSets,
    state.statefulSets,
    state.daemonSets,
  );
  const traffic =
    state.services || state.ingresses ? trafficIndex(state.services ?? [], state.ingresses ?? [], state.httpRoutes ?? []) : undefined;
  return state.rollouts.map((ro) => {
    const observed = join(ro, idx);
    const objects: TrafficObjects | undefined = traffic ? traffic(ro) : undefined;
    const hpas =
      state.hpas && ro.spec?.strategy?.blueGreen ? state.hpas.filter((h) => h.metadata.namespace === ro.metadata.namespace) : undefined;
    return { ...observed, ...(objects ? { traffic: objects } : {}), ...(hpas ? { hpas } : {}) };
  });
}

/** The observed state of every rollout in a namespace (undefined: all namespaces): five (or six) LISTs, no GET. */
export async function observeAll(client: KubeClient, namespace: string | undefined): Promise<Observed[]> {
  return joinState(await listState(client, namespace));
}

/**
 * Deployments still marked in-progressing for a Rollout that no longer exists (deleted without
 * our finalizer): each comes with the hand-back write that frees it. Likewise a canary Deployment
 * (§18) being deleted (its BatchRelease went with the Rollout) loses our finalizer, which upstream's
 * BatchRelease finalizer would have removed.
 */
export function orphanHandBacks(state: ClusterState): PlannedWrite[] {
  const out: PlannedWrite[] = [];
  // Rollout names and workload names by namespace, once: not a scan of every rollout per Deployment.
  let alive: Set<string> | undefined;
  const aliveKey = (ns: string | undefined, kind: 'rollout' | 'workload', name: string | undefined) =>
    JSON.stringify([ns ?? null, kind, name ?? null]);
  for (const d of state.deployments) {
    const stableName = d.metadata.labels?.[Label.canaryDeployment];
    if (stableName && d.metadata.deletionTimestamp && (d.metadata.finalizers ?? []).includes(CANARY_DEPLOYMENT_FINALIZER)) {
      const rolloutFor = state.rollouts.some(
        (ro) => ro.metadata.namespace === d.metadata.namespace && workloadRefOf(ro)?.name === stableName && !ro.metadata.deletionTimestamp,
      );
      if (!rolloutFor) {
        const freed = structuredClone(d);
        freed.metadata.finalizers = (freed.metadata.finalizers ?? []).filter((f) => f !== CANARY_DEPLOYMENT_FINALIZER);
        out.push({ op: 'update', resource: 'deployments', object: freed });
      }
      continue;
    }
    const marker = d.metadata.annotations?.[Annotation.inProgressing];
    if (!marker) continue;
    let rolloutName: string | undefined;
    try {
      rolloutName = (JSON.parse(marker) as { rolloutName?: string }).rolloutName;
    } catch {
      continue;
    }
    alive ??= new Set(
      state.rollouts.flatMap((ro) => [
        aliveKey(ro.metadata.namespace, 'rollout', ro.metadata.name),
        aliveKey(ro.metadata.namespace, 'workload', workloadRefOf(ro)?.name),
      ]),
    );
    const ns = d.metadata.namespace;
    if (alive.has(aliveKey(ns, 'rollout', rolloutName)) || alive.has(aliveKey(ns, 'workload', d.metadata.name)) || !rolloutName) continue;
    const freed = structuredClone(d);
    handBack(freed);
    if (canonicalJson(freed) !== canonicalJson(d)) out.push({ op: 'update', resource: 'deployments', object: freed });
  }
  return out;
}

/** `replicasets/NAME`, `rollouts/status`, `delete batchreleases/NAME`: how a write is named in the command's output. */
function describeWrite(w: PlannedWrite): string {
  if (w.op === 'updateStatus') return `${w.resource}/status`;
  if (w.op === 'delete') return `delete ${w.resource}/${w.object.metadata.name}`;
  return `${w.resource}/${w.object.metadata.name}`;
}

/**
 * Sends the writes in order; a later write to an object written earlier carries the new resourceVersion.
 * `progress.current` names the write being sent, so a caller knows which one failed.
 */
export async function applyWrites(
  client: KubeClient,
  writes: PlannedWrite[],
  progress: { current?: PlannedWrite } = {},
): Promise<string[]> {
  const done: string[] = [];
  const latestRv = new Map<string, string | undefined>();
  const createdUid = new Map<string, string | undefined>();
  for (const w of writes) {
    progress.current = w;
    const obj: KubeObject = structuredClone(w.object);
    const ns = obj.metadata.namespace;
    const key = `${w.resource}/${ns}/${obj.metadata.name}`;
    // Only our own previous write's version is carried forward: anyone else's change still conflicts.
    if (latestRv.has(key)) obj.metadata.resourceVersion = latestRv.get(key);
    // control-info names a BatchRelease created just before: its uid is known only now.
    if (['deployments', 'clonesets', 'statefulsets', 'advancedstatefulsets', 'advanceddaemonsets'].includes(w.resource))
      fillControlInfoUid(obj, (name) => createdUid.get(`batchreleases/${ns}/${name}`));
    if (w.op === 'delete') {
      try {
        await client.delete(REF[w.resource], ns, obj.metadata.name!);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      done.push(describeWrite(w));
      continue;
    }
    let written: KubeObject;
    if (w.resource === 'events') {
      // Best effort, as client-go's event recorder: a lost event never fails or repeats the pass.
      try {
        await client.create(REF.events, ns, obj);
        done.push(describeWrite(w));
      } catch {
        // dropped
      }
      continue;
    }
    if (w.op === 'create') {
      try {
        written = await client.create(REF[w.resource], ns, obj);
      } catch (err) {
        // Another pass created it since we read: a conflict like any other (re-read, re-plan).
        if (err instanceof ApiError && err.reason === 'AlreadyExists')
          throw new ApiError({ ...err.status, reason: 'Conflict' }, err.request);
        throw err;
      }
      createdUid.set(key, written?.metadata?.uid);
    } else {
      try {
        written = await client.update(REF[w.resource], ns, obj, w.op === 'updateStatus' ? { subresource: 'status' } : undefined);
      } catch (err) {
        // A pod deleted since it was read (an old ReplicaSet shrank) needs no label any more.
        if (w.resource === 'pods' && isNotFound(err)) continue;
        throw err;
      }
    }
    latestRv.set(key, written?.metadata?.resourceVersion);
    done.push(describeWrite(w));
  }
  progress.current = undefined;
  return done;
}

/** The outcome of reconciling one rollout. */
export interface PassResult {
  key: RolloutKey;
  plan?: ReconcilePlan;
  /** Writes that were sent (empty for a dry run). */
  written: string[];
  attempts: number;
  /** How many passes ran (reconcileUntilSettled); 1 when absent. */
  passes?: number;
  /** The run's first pass lost every retry to another writer and gave way to it (reconcileUntilSettled). */
  gaveWay?: boolean;
  error?: unknown;
  /** The write that met `error` (absent when the error came from reading). */
  failedWrite?: PlannedWrite;
}

/** Options of a pass. */
interface PassOptions extends RetryHooks {
  dryRun?: boolean;
  /** The conflict policy (default client-go's DefaultBackoff: 4 attempts in all). */
  backoff?: Backoff;
}

/**
 * One reconcile pass for one rollout: plan from `observed` (or a fresh read), write, and on 409
 * re-read and re-plan. Never throws: the error, if any, is in the result.
 */
export async function reconcileOnce(
  client: KubeClient,
  key: RolloutKey,
  now: () => Date,
  opts: PassOptions = {},
  observed?: Observed,
): Promise<PassResult> {
  let plan: ReconcilePlan | undefined;
  let attempts = 0;
  const written: string[] = [];
  const progress: { current?: PlannedWrite } = {};
  try {
    return await retryOnConflict(
      opts.backoff ?? DefaultBackoff,
      async (n) => {
        attempts = n;
        // After a conflict the observed state is stale: read it again, then plan again.
        const state = n === 1 && observed ? observed : await observe(client, key);
        plan = reconcileRollout(state, now());
        // A refused plan writes at most the Rollout's status (the refusal), never the workload.
        if (opts.dryRun) return { key, plan, written, attempts: n };
        progress.current = undefined;
        written.push(...(await applyWrites(client, plan.writes, progress)));
        return { key, plan, written, attempts: n };
      },
      opts,
    );
  } catch (err) {
    return { key, plan, written, attempts, error: err, failedWrite: progress.current };
  }
}

/**
 * Whether the object a conflicting write was aimed at moved past the version the plan read
 * (someone else wrote it, or created it first), rather than a server refusing every write.
 */
async function targetMovedOn(client: KubeClient, write: PlannedWrite | undefined): Promise<boolean> {
  if (!write) return false;
  const { namespace, name, resourceVersion: read } = write.object.metadata;
  try {
    const now = await client.get(REF[write.resource], namespace, name!);
    return write.op === 'create' || now.metadata.resourceVersion !== read;
  } catch {
    return false;
  }
}

/** How many passes one rollout's run may take (reconcile-once): a release's longest chain of state changes is far shorter. */
export const MAX_PASSES = 20;

/**
 * A rollout's run as reconcile-once does it: one pass, then another on a fresh read while the
 * pass changed the state machine (upstream reconciles again on its own status write), until it
 * waits for the world (pods not ready, a timed pause, an approval), fails, or `maxPasses` ran.
 * A pass that met a conflict ends the run after it, and a pass that lost every retry to conflicts
 * ends it without error (`gaveWay` when it was the first): another writer is at work on this
 * Rollout, and every write is a whole level-based update, so what either committed stands.
 * A dry run is one pass. The result joins the passes: the first state, the last, every write.
 */
export async function reconcileUntilSettled(
  client: KubeClient,
  key: RolloutKey,
  now: () => Date,
  opts: PassOptions & { maxPasses?: number } = {},
  observed?: Observed,
): Promise<PassResult> {
  const maxPasses = opts.dryRun ? 1 : (opts.maxPasses ?? MAX_PASSES);
  let result = await reconcileOnce(client, key, now, opts, observed);
  // Another writer (a second controller) won every retry: it is moving this Rollout on — when the
  // object really changed since the last read (a server answering 409 to everything is an error).
  if (result.error !== undefined && isConflict(result.error) && !opts.dryRun && (await targetMovedOn(client, result.failedWrite))) {
    // Its plan was never applied: nothing of it is reported but the writes that went through.
    return { key: result.key, written: result.written, attempts: result.attempts, gaveWay: true, passes: 1 };
  }
  const first = result.plan;
  const written = [...result.written];
  let attempts = result.attempts;
  let passes = 1;
  let status = result.plan?.status;
  // A pass that met a conflict shows another writer at work on this Rollout (a second controller):
  // the run gives way to it after that pass, rather than racing it pass for pass.
  while (
    passes < maxPasses &&
    result.error === undefined &&
    result.attempts === 1 &&
    result.plan?.stateChanged &&
    result.plan.requeueAfterMs === undefined
  ) {
    const next = await reconcileOnce(client, key, now, opts);
    // Deleted by the pass before (our finalizer was the last): the run is over.
    if (next.error !== undefined && next.plan === undefined && isNotFound(next.error)) break;
    // Another writer (a second controller) won every retry of a later pass: it is moving this
    // Rollout on, and what this run committed stands (every write is a whole level-based update);
    // the first pass still reports its conflicts.
    if (next.error !== undefined && isConflict(next.error)) {
      written.push(...next.written);
      break;
    }
    passes++;
    written.push(...next.written);
    attempts += next.attempts;
    status = next.plan?.status ?? status;
    result = next;
  }
  const last = result.plan;
  if (!first || !last || first === last) return { ...result, written, attempts, passes };
  const wait = last.requeueAfterMs !== undefined ? ` (requeue in ${Math.ceil(last.requeueAfterMs / 1000)}s)` : '';
  const transition = { from: first.transition.from, to: last.transition.to };
  const plan: ReconcilePlan = {
    ...last,
    ...(status ? { status } : {}),
    transition,
    summary: `${last.step ?? ''}${transition.from} -> ${transition.to}${wait}`,
  };
  return { ...result, plan, written, attempts, passes };
}

/** Options of a pass over many rollouts. */
export interface ReconcileAllOptions extends PassOptions {
  /** How many rollouts are reconciled at once (default 8). */
  concurrency?: number;
}

/**
 * A run (reconcileUntilSettled) for each observed rollout, several rollouts at a time: their round trips overlap.
 * A rollout's own writes stay in order; rollouts naming the same workload run one after another,
 * in list order (they would race for one Deployment). `onResult` gets the results in list order,
 * each as soon as it and every one before it are done. Never throws for a failed pass.
 */
export async function reconcileAll(
  client: KubeClient,
  observed: Observed[],
  now: () => Date,
  opts: ReconcileAllOptions = {},
  onResult?: (r: PassResult, index: number) => void,
): Promise<PassResult[]> {
  const results: (PassResult | undefined)[] = new Array(observed.length);
  const chains = new Map<string, number[]>();
  observed.forEach((obs, i) => {
    const workload = workloadRefOf(obs.rollout)?.name;
    pushTo(chains, workload === undefined ? `#${i}` : JSON.stringify([obs.rollout.metadata.namespace ?? null, workload]), i);
  });
  // Chains in the order of their first rollout, so the head of the output comes first.
  const queue = [...chains.values()];
  let next = 0;
  let flushed = 0;
  const flush = (): void => {
    for (let r = results[flushed]; r !== undefined; r = results[flushed]) onResult?.(r, flushed++);
  };
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      for (const i of queue[next++]!) {
        const obs = observed[i]!;
        const key = { namespace: obs.rollout.metadata.namespace ?? client.namespace, name: obs.rollout.metadata.name! };
        results[i] = await reconcileUntilSettled(client, key, now, opts, obs);
        flush();
      }
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? 8, queue.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  return results as PassResult[];
}
