// Rolling back in batches (docs/controller.md §16.2): a Rollout annotated
// `rollouts.kruise.io/rollback-in-batch: "true"` of a CloneSet or a StatefulSet, without traffic
// routing, whose workload goes back to the stable template mid-release, restarts from step 1
// toward it instead of cancelling (upstream's isRollingBackInBatches, rollout_progressing.go). The
// pods already at that template are marked no-need-update when the rollback starts (upstream's
// markNoNeedUpdatePodsIfNeeds); each batch then rolls back only its share of the others
// (CalculateBatchContext with NoNeedUpdateReplicas), while the batch labels follow the plan over
// every replica (the label patcher with FilterPodsFor(Un)orderedUpdate). Pure edits of copies.
import { workloadRefOf } from '../rollout/release.js';
import { Label, type Rollout } from '../rollout/types.js';
import { batchReplicas } from '../workload/partition.js';
import type { IntOrString, Pod } from '../workload/types.js';
import { trafficRoutingOf } from './traffic/router.js';

/** On a Rollout: roll back step by step instead of natively. */
export const ROLLBACK_IN_BATCH_ANNOTATION = 'rollouts.kruise.io/rollback-in-batch';
/** On pods (value: the rollout-id): already at the template a rollback in batches goes back to. */
export const NO_NEED_UPDATE_LABEL = 'rollouts.kruise.io/no-need-update';

/**
 * Upstream's IsRollbackInBatchPolicy: the annotation is "true", the workload is a CloneSet or a
 * StatefulSet (native or Advanced; or labelled workload-type statefulset), and there is no traffic routing.
 */
export function isRollbackInBatchPolicy(rollout: Rollout, workloadLabels: Record<string, string> | undefined): boolean {
  if (trafficRoutingOf(rollout)) return false;
  const kind = workloadRefOf(rollout)?.kind;
  const kindOk = kind === 'CloneSet' || kind === 'StatefulSet' || workloadLabels?.[Label.workloadType]?.toLowerCase() === 'statefulset';
  return kindOk && rollout.metadata.annotations?.[ROLLBACK_IN_BATCH_ANNOTATION] === 'true';
}

/** Marks the live pods already at the update revision as no-need-update for `rolloutId`; how many. Edits pods in place. */
export function markNoNeedUpdate(fresh: Pod[], rolloutId: string): number {
  for (const p of fresh) p.metadata.labels = { ...(p.metadata.labels ?? {}), [NO_NEED_UPDATE_LABEL]: rolloutId };
  return fresh.length;
}

/** The update revision's live pods marked no-need-update for `rolloutId` (upstream's countAndUpdateNoNeedUpdateReplicas). */
export function countNoNeedUpdate(fresh: Pod[], rolloutId: string): number {
  if (!rolloutId) return 0;
  return fresh.filter((p) => p.metadata.labels?.[NO_NEED_UPDATE_LABEL] === rolloutId).length;
}

/** A batch's sizes (CalculateBatchContext): pods kept old, pods of the update revision wanted, and the plan's own count. */
export interface RollbackSizing {
  /** Pods kept at the other revision (the partition, before a CloneSet writes it as a percentage). */
  desiredStable: number;
  /** Pods of the update revision the batch waits for (DesiredUpdatedReplicas). */
  desiredUpdate: number;
  /** The plan's batch over every replica (PlannedUpdatedReplicas): what the labels follow. */
  planned: number;
}

/**
 * Upstream's batch sizes with `noNeedUpdate` pods already at the update revision: the step applies
 * to the others (replicas − noNeedUpdate). `ordered` (a StatefulSet's ordinal partition) counts the
 * marked pods among the ones kept below the partition, as they have the lowest ordinals.
 */
export function sizeRollbackBatch(step: IntOrString, replicas: number, noNeedUpdate: number, ordered: boolean): RollbackSizing {
  const planned = batchReplicas(step, replicas, 'plain');
  let desiredUpdate = planned;
  let desiredStable = replicas - planned;
  if (noNeedUpdate > 0) {
    const share = batchReplicas(step, replicas - noNeedUpdate, 'plain');
    desiredStable = replicas - noNeedUpdate - share;
    desiredUpdate = replicas - desiredStable;
    if (ordered) {
      desiredStable += noNeedUpdate;
      desiredUpdate = replicas - desiredStable + noNeedUpdate;
    }
  }
  return { desiredStable, desiredUpdate, planned };
}

/**
 * FilterPodsForUnorderedUpdate (a CloneSet): the pods the label patcher may label — those rolled
 * back in this release first, then only as many marked pods as the plan's batch exceeds the pods
 * really rolled back.
 */
export function filterUnordered(fresh: Pod[], rolloutId: string, sizing: RollbackSizing): Pod[] {
  const low: Pod[] = [];
  const high: Pod[] = [];
  for (const p of fresh) {
    const labels = p.metadata.labels ?? {};
    if (labels[NO_NEED_UPDATE_LABEL] === rolloutId && labels[Label.rolloutId] !== rolloutId) low.push(p);
    else high.push(p);
  }
  const needUpdate = sizing.desiredUpdate - low.length;
  if (needUpdate <= 0) return fresh;
  const diff = sizing.planned - needUpdate;
  if (diff <= 0) return high;
  return [...high, ...low.slice(0, Math.min(diff, low.length))];
}

/**
 * FilterPodsForOrderedUpdate (a StatefulSet): ordinals at or above the partition first, then as
 * many below it as the plan's batch exceeds them, the highest ordinals first (upstream's sort).
 */
export function filterOrdered(fresh: Pod[], replicas: number, sizing: RollbackSizing): Pod[] {
  const ordinal = (p: Pod): number => Number(String(p.metadata.name).slice(String(p.metadata.name).lastIndexOf('-') + 1));
  const sorted = [...fresh].sort((a, b) => ordinal(b) - ordinal(a));
  const partition = sizing.desiredStable;
  const high = sorted.filter((p) => ordinal(p) >= partition);
  const low = sorted.filter((p) => ordinal(p) < partition);
  const needUpdate = replicas - partition;
  if (needUpdate <= 0) return fresh;
  const diff = sizing.planned - needUpdate;
  if (diff <= 0) return high;
  return [...high, ...low.slice(0, Math.min(diff, low.length))];
}
