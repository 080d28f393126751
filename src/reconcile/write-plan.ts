// The writes of a pass: what it changed against what it observed (docs/controller.md §13).
import type { KubeObject } from '../kube/types.js';
import { stepStrategyOf } from '../rollout/release.js';
import { Annotation, Label, ROLLOUT_FINALIZER, type Rollout, type RolloutStatus } from '../rollout/types.js';
import { isCloneSet } from '../workload/cloneset.js';
import { isAdvancedDaemonSet } from '../workload/daemonset.js';
import { findNewReplicaSet } from '../workload/deployment.js';
import { canonicalJson } from '../workload/hash.js';
import { isAdvancedStatefulSet, isStatefulSetLike } from '../workload/statefulset.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import { type BatchProgress, planBatchRelease } from './batch-release.js';
import { eventWrites, type RolloutEvent } from './events.js';
import { computeRolloutHash } from './rollout-hash.js';
import type { Observed, PlannedWrite, WriteResource } from './types.js';

/** Upstream's DeploymentType / CloneSetType / StatefulSetType / DaemonSetType, the value of the workload-type label on the workload. */
const workloadType = (w: Workload): string =>
  isCloneSet(w) ? 'cloneset' : isStatefulSetLike(w) ? 'statefulset' : isAdvancedDaemonSet(w) ? 'daemonset' : 'deployment';

/** Where a workload is written. */
function workloadResource(w: Workload): WriteResource {
  if (isCloneSet(w)) return 'clonesets';
  if (isStatefulSetLike(w)) return isAdvancedStatefulSet(w) ? 'advancedstatefulsets' : 'statefulsets';
  if (isAdvancedDaemonSet(w)) return 'advanceddaemonsets';
  return 'deployments';
}

type Workload = NonNullable<Observed['workload']>;

/** The objects as a pass left them (edited copies of the observed ones). */
interface PassOutcome {
  workload?: Workload;
  replicaSets: ReplicaSet[];
  pods: Pod[];
  status: RolloutStatus;
  /** Put our finalizer on the Rollout (first pass), or remove it (deletion handled). */
  finalizer?: 'add' | 'drop';
  /** The batch the pass sized, if it did (the BatchRelease's status comes from it). */
  batch?: BatchProgress;
  /** The pass ran the finalising task ReleaseWorkloadControl (the BatchRelease is deleted). */
  releaseBatchRelease?: boolean;
  /** metav1.Time of the pass. */
  passTime?: string;
  /** Events the pass records on the Rollout, in order (docs/controller.md §13). */
  events?: RolloutEvent[];
  /** The time of the pass (names the events). */
  now?: Date;
  /** The traffic objects' writes, in the order the pass made them (docs/controller.md §17). */
  traffic?: PlannedWrite[];
  /** The workload control's writes to other objects: a canary-style release's canary Deployment and its pods (§18). */
  workloadExtras?: PlannedWrite[];
  /** Other objects' writes that go before the workload's (blue-green's HPA, docs/controller.md §19). */
  beforeWorkload?: PlannedWrite[];
}

/** Whether a status differs from the one observed. */
export function statusChanged(observed: Observed, status: RolloutStatus): boolean {
  return canonicalJson(status) !== canonicalJson(observed.rollout.status ?? {});
}

/**
 * The writes, in order: the BatchRelease's create or spec (upstream creates it before the workload
 * is touched), the workload, new ReplicaSets, the new ReplicaSet before the old ones (never fewer
 * pods than planned), pods, the BatchRelease's status or deletion, the Rollout's status, then the
 * Rollout itself.
 */
export function planWrites(observed: Observed, outcome: PassOutcome): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  const changed = (before: KubeObject | undefined, after: KubeObject) => !before || canonicalJson(before) !== canonicalJson(after);
  const { replicaSets, pods, status } = outcome;
  const workload = outcome.workload ? withWorkloadType(outcome.workload) : undefined;
  const batchRelease = planBatchRelease({
    observed: observed.batchRelease,
    rollout: observed.rollout,
    status,
    workload,
    batch: outcome.batch,
    releaseBatchRelease: outcome.releaseBatchRelease,
    passTime: outcome.passTime ?? '',
  });
  writes.push(...batchRelease.before);
  writes.push(...(outcome.beforeWorkload ?? []));
  if (workload && changed(observed.workload, workload))
    writes.push({ op: 'update', resource: workloadResource(workload), object: workload });
  writes.push(...(outcome.workloadExtras ?? []));
  const observedAs = (rs: ReplicaSet) => observed.replicaSets.find((o) => o.metadata.name === rs.metadata.name);
  for (const rs of replicaSets) if (!observedAs(rs)) writes.push({ op: 'create', resource: 'replicasets', object: rs });
  const newReplicaSet =
    workload && workloadResource(workload) === 'deployments' ? findNewReplicaSet(workload as Deployment, replicaSets) : undefined;
  const updated = replicaSets.filter((rs) => observedAs(rs) && changed(observedAs(rs), rs));
  for (const rs of [...updated.filter((rs) => rs === newReplicaSet), ...updated.filter((rs) => rs !== newReplicaSet)]) {
    writes.push({ op: 'update', resource: 'replicasets', object: rs });
  }
  for (const pod of pods) {
    const before = observed.pods.find((o) => o.metadata.name === pod.metadata.name);
    if (changed(before, pod)) writes.push({ op: 'update', resource: 'pods', object: pod });
  }
  writes.push(...(outcome.traffic ?? []));
  writes.push(...batchRelease.after);
  const rollout = observed.rollout;
  if (statusChanged(observed, status))
    writes.push({ op: 'updateStatus', resource: 'rollouts', object: { ...structuredClone(rollout), status } });
  const metadata = rolloutWrite(rollout, {
    finalizer: outcome.finalizer,
    hash: computeRolloutHash(stepStrategyOf(rollout as Rollout)),
  });
  if (metadata) writes.push(metadata);
  writes.push(...eventWrites(rollout, outcome.events ?? [], outcome.now));
  return writes;
}

/**
 * The workload with upstream's `rollouts.kruise.io/workload-type: deployment` label
 * (patchWorkloadRolloutWebhookLabel, pkg/controller/rollout/rollout_status.go, on every reconcile
 * of a Rollout it handles; never removed). A copy when it lacks it.
 */
function withWorkloadType<W extends Workload>(d: W): W {
  if (d.metadata.labels?.[Label.workloadType] === workloadType(d)) return d;
  const next = structuredClone(d);
  next.metadata.labels = { ...(next.metadata.labels ?? {}), [Label.workloadType]: workloadType(d) };
  return next;
}

/** What a pass changes in the Rollout's main resource (metadata only; the spec is the user's). */
interface RolloutMetadataChange {
  /** Put our finalizer on (first pass), or remove it (deletion handled). */
  finalizer?: 'add' | 'drop';
  /** The plan hash for the `rollouts.kruise.io/hash` annotation (upstream's calculateRolloutHash). */
  hash?: string;
}

/**
 * The one update of the Rollout's main resource a pass may make (docs/controller.md §2, §11, §13):
 * our finalizer added or removed, and the `rollouts.kruise.io/hash` annotation brought up to date.
 * Undefined when nothing changes.
 */
export function rolloutWrite(rollout: KubeObject, change: RolloutMetadataChange): PlannedWrite | undefined {
  const next = structuredClone(rollout);
  if (change.finalizer) {
    const others = (next.metadata.finalizers ?? []).filter((f) => f !== ROLLOUT_FINALIZER);
    next.metadata.finalizers = change.finalizer === 'add' ? [...others, ROLLOUT_FINALIZER] : others;
  }
  if (change.hash && next.metadata.annotations?.[Annotation.hash] !== change.hash)
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [Annotation.hash]: change.hash };
  if (canonicalJson(next.metadata) === canonicalJson(rollout.metadata)) return undefined;
  return { op: 'update', resource: 'rollouts', object: next };
}

/** The update of the Rollout's main resource that adds or removes our finalizer (docs/controller.md §11). */
export function finalizerWrite(rollout: KubeObject, change: 'add' | 'drop'): PlannedWrite {
  return rolloutWrite(rollout, { finalizer: change }) ?? { op: 'update', resource: 'rollouts', object: structuredClone(rollout) };
}
