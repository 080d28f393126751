// The thin applier: reads the observed state of rollouts through a KubeClient, runs the pure
// reconcile, and sends the planned writes — PUT with resourceVersion or POST, never PATCH. A 409
// re-reads that rollout and plans again (bounded, jittered backoff, like client-go's RetryOnConflict).
import type { KubeClient } from '../kube/client.js';
import { ApiError } from '../kube/errors.js';
import { Resources, type ResourceRef } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import { Annotation, type Rollout } from '../rollout/types.js';
import { isControlledBy } from '../workload/deployment.js';
import { canonicalJson } from '../workload/hash.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import { handBack } from './deployment-control.js';
import { reconcileRollout } from './reconcile.js';
import type { Observed, PlannedWrite, ReconcilePlan } from './types.js';

const REF: Record<PlannedWrite['resource'], ResourceRef> = {
  rollouts: Resources.rolloutsV1beta1,
  deployments: Resources.deployments,
  replicasets: Resources.replicaSets,
  pods: Resources.pods,
};

/** Which rollout: its namespace and name. */
export interface RolloutKey {
  namespace: string;
  name: string;
}

/** Whether an error is a 409 Conflict from the server. */
export function isConflict(err: unknown): boolean {
  return (err instanceof ApiError && err.code === 409) || (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 409);
}

function isNotFound(err: unknown): boolean {
  return (err instanceof ApiError && err.code === 404) || (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 404);
}

function workloadName(ro: Rollout): string | undefined {
  return (ro.spec?.workloadRef ?? ro.spec?.objectRef?.workloadRef)?.name;
}

/** A label selector string for matchLabels (narrows LISTs; ownership is still checked by uid). */
function selectorString(d: Deployment): string | undefined {
  const ml = d.spec.selector?.matchLabels;
  if (!ml || Object.keys(ml).length === 0) return undefined;
  return Object.entries(ml)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function join(ro: Rollout, deployments: Deployment[], rss: ReplicaSet[], pods: Pod[]): Observed {
  const ns = ro.metadata.namespace;
  const name = workloadName(ro);
  const isDeployment = (ro.spec?.workloadRef ?? ro.spec?.objectRef?.workloadRef)?.kind === 'Deployment';
  const workload = isDeployment ? deployments.find((d) => d.metadata.namespace === ns && d.metadata.name === name) : undefined;
  const replicaSets = workload ? rss.filter((rs) => isControlledBy(rs, workload)) : [];
  const owned = pods.filter((p) => replicaSets.some((rs) => isControlledBy(p, rs)));
  return { rollout: ro, workload, replicaSets, pods: owned };
}

/** The observed state of one rollout: GET the Rollout and its Deployment, LIST its ReplicaSets and pods. */
export async function observe(client: KubeClient, rollout: RolloutKey | Rollout): Promise<Observed> {
  const key = 'metadata' in rollout ? { namespace: rollout.metadata.namespace ?? client.namespace, name: rollout.metadata.name! } : rollout;
  const ro = await client.get<Rollout>(Resources.rolloutsV1beta1, key.namespace, key.name);
  const name = workloadName(ro);
  let d: Deployment | undefined;
  if (name && (ro.spec?.workloadRef ?? ro.spec?.objectRef?.workloadRef)?.kind === 'Deployment') {
    try {
      d = await client.get<Deployment>(Resources.deployments, key.namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  if (!d) return { rollout: ro, workload: undefined, replicaSets: [], pods: [] };
  const labelSelector = selectorString(d);
  const [rss, pods] = await Promise.all([
    client.list<ReplicaSet>(Resources.replicaSets, key.namespace, { labelSelector }),
    client.list<Pod>(Resources.pods, key.namespace, { labelSelector }),
  ]);
  return join(ro, [d], rss.items, pods.items);
}

/** Everything the controller reads, from exactly four LISTs. */
export interface ClusterState {
  rollouts: Rollout[];
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  pods: Pod[];
}

/** Four LIST requests (rollouts, deployments, replicasets, pods); namespace undefined = all. */
export async function listState(client: KubeClient, namespace: string | undefined): Promise<ClusterState> {
  const [rollouts, deployments, replicaSets, pods] = await Promise.all([
    client.list<Rollout>(Resources.rolloutsV1beta1, namespace),
    client.list<Deployment>(Resources.deployments, namespace),
    client.list<ReplicaSet>(Resources.replicaSets, namespace),
    client.list<Pod>(Resources.pods, namespace),
  ]);
  return { rollouts: rollouts.items, deployments: deployments.items, replicaSets: replicaSets.items, pods: pods.items };
}

/** The observed state of every rollout, joined in memory by workloadRef and ownerReferences. */
export function joinState(state: ClusterState): Observed[] {
  return state.rollouts.map((ro) => join(ro, state.deployments, state.replicaSets, state.pods));
}

/** The observed state of every rollout in a namespace (undefined: all namespaces): four LISTs, no GET. */
export async function observeAll(client: KubeClient, namespace: string | undefined): Promise<Observed[]> {
  return joinState(await listState(client, namespace));
}

/**
 * Deployments still marked in-progressing for a Rollout that no longer exists (deleted without
 * our finalizer): each comes with the hand-back write that frees it.
 */
export function orphanHandBacks(state: ClusterState): PlannedWrite[] {
  const out: PlannedWrite[] = [];
  for (const d of state.deployments) {
    const marker = d.metadata.annotations?.[Annotation.inProgressing];
    if (!marker) continue;
    let rolloutName: string | undefined;
    try {
      rolloutName = (JSON.parse(marker) as { rolloutName?: string }).rolloutName;
    } catch {
      continue;
    }
    const alive = state.rollouts.some(
      (ro) => ro.metadata.namespace === d.metadata.namespace && (ro.metadata.name === rolloutName || workloadName(ro) === d.metadata.name),
    );
    if (alive || !rolloutName) continue;
    const freed = structuredClone(d);
    handBack(freed);
    if (canonicalJson(freed) !== canonicalJson(d)) out.push({ op: 'update', resource: 'deployments', object: freed });
  }
  return out;
}

/** `replicasets/NAME`, `rollouts/status`: how a write is named in the command's output. */
export function describeWrite(w: PlannedWrite): string {
  if (w.op === 'updateStatus') return `${w.resource}/status`;
  return `${w.resource}/${w.object.metadata.name}`;
}

/** Sends the writes in order; a later write to an object written earlier carries the new resourceVersion. */
export async function applyWrites(client: KubeClient, writes: PlannedWrite[]): Promise<string[]> {
  const done: string[] = [];
  const latestRv = new Map<string, string | undefined>();
  for (const w of writes) {
    const obj: KubeObject = structuredClone(w.object);
    const ns = obj.metadata.namespace;
    const key = `${w.resource}/${ns}/${obj.metadata.name}`;
    // Only our own previous write's version is carried forward: anyone else's change still conflicts.
    if (latestRv.has(key)) obj.metadata.resourceVersion = latestRv.get(key);
    let written: KubeObject;
    if (w.op === 'create') written = await client.create(REF[w.resource], ns, obj);
    else written = await client.update(REF[w.resource], ns, obj, w.op === 'updateStatus' ? { subresource: 'status' } : undefined);
    latestRv.set(key, written?.metadata?.resourceVersion);
    done.push(describeWrite(w));
  }
  return done;
}

/** The outcome of reconciling one rollout. */
export interface PassResult {
  key: RolloutKey;
  plan?: ReconcilePlan;
  /** Writes that were sent (empty for a dry run). */
  written: string[];
  attempts: number;
  error?: unknown;
}

/** Options of a pass. */
export interface PassOptions {
  dryRun?: boolean;
  /** Conflict retries (default 5 attempts in all). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One reconcile pass for one rollout: plan from `observed` (or a fresh read), write, and on 409
 * re-read and re-plan. Never throws: the error, if any, is in the result.
 */
export async function reconcileOnce(client: KubeClient, key: RolloutKey, now: () => Date, opts: PassOptions = {}, observed?: Observed): Promise<PassResult> {
  const max = opts.maxAttempts ?? 5;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  let state = observed;
  let plan: ReconcilePlan | undefined;
  const written: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      state ??= await observe(client, key);
      plan = reconcileRollout(state, now());
      if (plan.refused || opts.dryRun) return { key, plan, written, attempts: attempt };
      written.push(...(await applyWrites(client, plan.writes)));
      return { key, plan, written, attempts: attempt };
    } catch (err) {
      if (!isConflict(err) || attempt >= max) return { key, plan, written, attempts: attempt, error: err };
      // client-go's DefaultRetry: 10 ms × 5^n with 10 % jitter.
      await sleep(10 * 5 ** (attempt - 1) * (1 + 0.1 * random()));
      state = undefined;
    }
  }
}
