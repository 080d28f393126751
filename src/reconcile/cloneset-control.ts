// Partition-style CloneSet control (docs/controller.md §16), as pure edits of in-memory copies:
// what upstream's workload webhook does when a CloneSet release starts, and what its BatchRelease
// control does per batch (pkg/controller/batchrelease/control/partitionstyle/cloneset): take
// control, write the batch's partition, judge the batch, label its pods, hand back.
import type { OwnerReference } from '../kube/types.js';
import { Annotation, Label, type Rollout } from '../rollout/types.js';
import { batchPartition, type CloneSet, CONTROLLER_REVISION_HASH_LABEL, shortHash } from '../workload/cloneset.js';
import { sameTemplate } from '../workload/hash.js';
import { scaledValue } from '../workload/intstr.js';
import { dropMetadata } from '../workload/metadata.js';
import { isPodReady } from '../workload/pods.js';
import type { IntOrString, Pod } from '../workload/types.js';
import { labelPodBatches, type PodBatchRelease } from './deployment-control.js';
import { rolloutReleasing } from './releasing-rollout.js';
import { countNoNeedUpdate, filterUnordered, sizeRollbackBatch } from './rollback-in-batch.js';

/**
 * The workload webhook on a CloneSet update (the sandbox's admission, src/sandbox/api.ts): with a
 * Rollout of this CloneSet that is not disabled, has a strategy and is not refused, a release is
 * started as markCloneSetRelease says. Returns the object to store.
 */
export function admitCloneSetUpdate(old: CloneSet, next: CloneSet, ctx: { rollouts: Rollout[] }): CloneSet {
  const rollout = rolloutReleasing(next, ctx.rollouts, { kind: 'CloneSet' });
  if (!rollout) return next;
  const out = structuredClone(next);
  return markCloneSetRelease(old, out, rollout.metadata.name!) ? out : next;
}

/**
 * Upstream's workload webhook for a CloneSet update (handleCloneSet): a release starts when the
 * rollout-id annotation changed, or, without one, the template changed; not at 0 replicas. It then
 * holds every pod at the old revision (`partition: "100%"`) and marks the CloneSet in-progressing
 * for `rolloutName`. Edits `next` in place; whether it did.
 */
export function markCloneSetRelease(old: CloneSet, next: CloneSet, rolloutName: string): boolean {
  if (next.spec.replicas === 0) return false;
  const id = next.metadata.annotations?.[Annotation.rolloutId] ?? '';
  if (id && old.metadata.annotations?.[Annotation.rolloutId] === id) return false;
  if (!id && sameTemplate(old.spec.template, next.spec.template)) return false;
  next.spec.updateStrategy = { ...(next.spec.updateStrategy ?? {}), partition: '100%' };
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [Annotation.inProgressing]: JSON.stringify({ rolloutName }) };
  return true;
}

/**
 * BatchRelease Initialize: the control-info annotation names the BatchRelease; `paused: false`,
 * `partition: "100%"`. Nothing when the annotation already names it (IsControlledByBatchRelease).
 */
export function takeCloneSetControl(cs: CloneSet, controlInfo: OwnerReference): void {
  const raw = cs.metadata.annotations?.[Annotation.controlInfo];
  if (raw) {
    try {
      const ref = JSON.parse(raw) as OwnerReference;
      if (ref.name === controlInfo.name && (!controlInfo.uid || ref.uid === controlInfo.uid)) return;
    } catch {
      // A hand-edited annotation: take control again.
    }
  }
  cs.metadata.annotations = { ...(cs.metadata.annotations ?? {}), [Annotation.controlInfo]: JSON.stringify(controlInfo) };
  cs.spec.updateStrategy = { ...(cs.spec.updateStrategy ?? {}), paused: false, partition: '100%' };
}

/** The batch as upstream's CalculateBatchContext sees it, and whether it is ready (IsBatchReady). */
export interface CloneSetBatch {
  /** The partition this batch wants (pods kept at the old revision, as a number or a percentage). */
  desiredPartition: IntOrString;
  /** The plan's batch over every replica (PlannedUpdatedReplicas): what the labels follow. */
  planned: number;
  /** Pods of the update revision the batch wants (DesiredUpdatedReplicas; more than `planned` when rolling back in batches). */
  desired: number;
  updated: number;
  updatedReady: number;
  /** Pods of the update revision labelled with this release's rollout-id. */
  labelled: number;
  ready: boolean;
}

/** The update revision's live pods of a CloneSet or StatefulSet (by controller-revision-hash, compared by short hash as Kruise does). */
export function updatedPods(workload: { status?: { updateRevision?: string } }, pods: Pod[]): Pod[] {
  const revision = workload.status?.updateRevision ?? '';
  if (!revision) return [];
  return pods.filter((p) => {
    if (p.metadata.deletionTimestamp) return false;
    const label = p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
    return label === revision || shortHash(label) === shortHash(revision);
  });
}

/** GetScaledValueFromIntOrPercent rounding up; 0 for a value that is neither (upstream ignores the error). */
function scaledOrZero(value: IntOrString, replicas: number): number {
  try {
    return scaledValue(value, replicas, true);
  } catch {
    return 0;
  }
}

/**
 * One batch of a CloneSet release: the partition is lowered (never raised) to the batch's, the
 * update revision's pods are labelled with the rollout-id and their batch (the label patcher, as for
 * a Deployment: docs/controller.md §9), and the batch is judged on the CloneSet's pods. Edits `cs`
 * and `pods` in place. `release.batch` is 1-based.
 */
export function sizeCloneSetBatch(cs: CloneSet, pods: Pod[], release: PodBatchRelease, failureThreshold?: IntOrString): CloneSetBatch {
  const replicas = cs.spec.replicas ?? 1;
  const step = release.batches[release.batch - 1] ?? 0;
  const fresh = updatedPods(cs, pods);
  // Rolling back in batches: the pods marked no-need-update are not counted in the step (§16.2).
  const noNeedUpdate = countNoNeedUpdate(fresh, release.rolloutId);
  const sizing = sizeRollbackBatch(step, replicas, noNeedUpdate, false);
  const planned = sizing.planned;
  const desiredPartition = batchPartition(step, replicas, replicas - sizing.desiredStable);
  // UpgradeBatch: only ever lowered (a jump back keeps the pods already updated); no partition is 0.
  const current = cs.spec.updateStrategy?.partition ?? 0;
  if (scaledOrZero(current, replicas) > scaledOrZero(desiredPartition, replicas))
    cs.spec.updateStrategy = { ...(cs.spec.updateStrategy ?? {}), partition: desiredPartition };
  const labelled = noNeedUpdate > 0 ? filterUnordered(fresh, release.rolloutId, sizing) : fresh;
  labelPodBatches(labelled, release, replicas, planned);
  return { desiredPartition, ...judgePodBatch(fresh, planned, release, failureThreshold, sizing.desiredUpdate) };
}

/** A batch judged on the update revision's live pods (upstream's BatchContext.IsBatchReady). */
export interface JudgedBatch {
  /** The plan's batch over every replica: the pods labelled with it. */
  planned: number;
  /** Pods of the update revision the batch waits for (more than `planned` when rolling back in batches, §16.2). */
  desired: number;
  updated: number;
  updatedReady: number;
  labelled: number;
  ready: boolean;
}

/**
 * IsBatchReady for a partition-style workload that owns its pods: enough pods of the update
 * revision (`desired`), enough of them ready (failureThreshold tolerated), one ready at least, and
 * with a rollout-id every planned pod labelled with it. Shared by the CloneSet and StatefulSet controls.
 */
export function judgePodBatch(
  fresh: Pod[],
  planned: number,
  release: PodBatchRelease,
  failureThreshold?: IntOrString,
  desired = planned,
): JudgedBatch {
  const updated = fresh.length;
  const updatedReady = fresh.filter(isPodReady).length;
  const labelled = fresh.filter((p) => p.metadata.labels?.[Label.rolloutId] === release.rolloutId).length;
  const tolerated = failureThreshold === undefined || failureThreshold === null ? 0 : scaledValue(failureThreshold, updated, true);
  const ready =
    updated >= desired &&
    updatedReady + tolerated >= desired &&
    (desired === 0 || updatedReady > 0) &&
    (!release.rolloutId || labelled >= planned);
  return { planned, desired, updated, updatedReady, labelled, ready };
}

/**
 * BatchRelease Finalize: the control-info annotation goes; once the release is complete
 * (`completed`: no batch partition left) the partition goes too and the CloneSet is unpaused.
 */
export function releaseCloneSet(cs: CloneSet, completed: boolean): void {
  dropMetadata(cs, { annotations: [Annotation.controlInfo, Annotation.inProgressing] });
  if (!completed) return;
  const strategy = { ...(cs.spec.updateStrategy ?? {}) };
  delete strategy.partition;
  strategy.paused = false;
  cs.spec.updateStrategy = strategy;
}
