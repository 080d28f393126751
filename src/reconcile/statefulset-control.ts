// Partition-style control of StatefulSet-like workloads — native `apps/v1` StatefulSet and
// OpenKruise's Advanced StatefulSet (docs/controller.md §16), as pure edits of in-memory copies:
// what upstream's unified workload webhook does when a release starts
// (pkg/webhook/workload/mutating/unified_update_handler.go), and what its BatchRelease control does
// per batch (pkg/controller/batchrelease/control/partitionstyle/statefulset): take control, lower
// the ordinal partition, judge the batch, label its pods, hand back.
import type { OwnerReference } from '../kube/types.js';
import { Annotation, type Rollout } from '../rollout/types.js';
import { sameTemplate } from '../workload/hash.js';
import { dropMetadata } from '../workload/metadata.js';
import {
  HOLD_ALL_PARTITION,
  isAdvancedStatefulSet,
  isRollingUpdate,
  ordinalPartition,
  type StatefulSetLike,
  setOrdinalPartition,
} from '../workload/statefulset.js';
import type { IntOrString, Pod } from '../workload/types.js';
import { type JudgedBatch, judgePodBatch, updatedPods } from './cloneset-control.js';
import { labelPodBatches, type PodBatchRelease } from './deployment-control.js';
import { rolloutReleasing } from './releasing-rollout.js';
import { countNoNeedUpdate, filterOrdered, sizeRollbackBatch } from './rollback-in-batch.js';

/**
 * The unified workload webhook on a StatefulSet update (the sandbox's admission, src/sandbox/api.ts):
 * with a Rollout of this StatefulSet (same API group) that is not disabled, has a strategy and is
 * not refused, a release starts as markStatefulSetRelease says. Returns the object to store.
 */
export function admitStatefulSetUpdate(old: StatefulSetLike, next: StatefulSetLike, ctx: { rollouts: Rollout[] }): StatefulSetLike {
  const rollout = rolloutReleasing(next, ctx.rollouts, { kind: 'StatefulSet', sameGroup: true });
  if (!rollout) return next;
  const out = structuredClone(next);
  return markStatefulSetRelease(old, out, rollout.metadata.name!) ? out : next;
}

/**
 * Upstream's handleStatefulSetLikeWorkload: not at 0 replicas nor with OnDelete; a release starts
 * when the rollout-id annotation changed, or, without one, the template changed. It then holds
 * every ordinal back (partition 32767) and marks the StatefulSet in-progressing for `rolloutName`.
 * Edits `next` in place; whether it did.
 */
export function markStatefulSetRelease(old: StatefulSetLike, next: StatefulSetLike, rolloutName: string): boolean {
  if (next.spec.replicas === 0 || !isRollingUpdate(next)) return false;
  const id = next.metadata.annotations?.[Annotation.rolloutId] ?? '';
  if (id && old.metadata.annotations?.[Annotation.rolloutId] === id) return false;
  if (!id && sameTemplate(old.spec.template, next.spec.template)) return false;
  setOrdinalPartition(next, HOLD_ALL_PARTITION);
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [Annotation.inProgressing]: JSON.stringify({ rolloutName }) };
  return true;
}

/**
 * BatchRelease Initialize: the control-info annotation names the BatchRelease; partition 32767 and,
 * on an Advanced StatefulSet, `paused: false` (the native kind has no such field). Nothing when the
 * annotation already names it (IsControlledByBatchRelease).
 */
export function takeStatefulSetControl(set: StatefulSetLike, controlInfo: OwnerReference): void {
  const raw = set.metadata.annotations?.[Annotation.controlInfo];
  if (raw) {
    try {
      const ref = JSON.parse(raw) as OwnerReference;
      if (ref.name === controlInfo.name && (!controlInfo.uid || ref.uid === controlInfo.uid)) return;
    } catch {
      // A hand-edited annotation: take control again.
    }
  }
  set.metadata.annotations = { ...(set.metadata.annotations ?? {}), [Annotation.controlInfo]: JSON.stringify(controlInfo) };
  setOrdinalPartition(set, HOLD_ALL_PARTITION);
  if (isAdvancedStatefulSet(set)) set.spec.updateStrategy!.rollingUpdate!.paused = false;
}

/** One batch of a StatefulSet release: the ordinal partition it wants, and the batch as judged. */
export interface StatefulSetBatch extends JudgedBatch {
  /** Ordinals below it keep the old revision: replicas − planned. */
  desiredPartition: number;
}

/**
 * One batch (CalculateBatchContext + UpgradeBatch): the partition is lowered (never raised) to
 * replicas − planned, so the highest ordinals are updated first; the update revision's pods are
 * labelled with the rollout-id and their batch; the batch is judged on the pods. Edits `set` and
 * `pods` in place. `release.batch` is 1-based.
 */
export function sizeStatefulSetBatch(
  set: StatefulSetLike,
  pods: Pod[],
  release: PodBatchRelease,
  failureThreshold?: IntOrString,
): StatefulSetBatch {
  const replicas = set.spec.replicas ?? 1;
  const step = release.batches[release.batch - 1] ?? 0;
  const fresh = updatedPods(set, pods);
  // Rolling back in batches: the ordinals marked no-need-update stay below the partition (§16.2).
  const noNeedUpdate = countNoNeedUpdate(fresh, release.rolloutId);
  const sizing = sizeRollbackBatch(step, replicas, noNeedUpdate, true);
  const planned = sizing.planned;
  const desiredPartition = sizing.desiredStable;
  if (ordinalPartition(set) > desiredPartition) setOrdinalPartition(set, desiredPartition);
  const labelled = noNeedUpdate > 0 ? filterOrdered(fresh, replicas, sizing) : fresh;
  labelPodBatches(labelled, release, replicas, planned);
  return { desiredPartition, ...judgePodBatch(fresh, planned, release, failureThreshold, sizing.desiredUpdate) };
}

/**
 * BatchRelease Finalize: the control-info annotation (and the in-progressing mark) goes; once the
 * release is complete the partition goes too (`partition: null`).
 */
export function releaseStatefulSet(set: StatefulSetLike, completed: boolean): void {
  dropMetadata(set, { annotations: [Annotation.controlInfo, Annotation.inProgressing] });
  if (completed) setOrdinalPartition(set, undefined);
}
