// Partition-style control of OpenKruise's Advanced DaemonSet (docs/controller.md §16.3), as pure
// edits of in-memory copies: what upstream's workload webhook does when a DaemonSet release starts
// (handleDaemonSet, pkg/webhook/workload/mutating/workload_update_handler.go), and what its
// BatchRelease control does per batch (pkg/controller/batchrelease/control/partitionstyle/daemonset):
// take control, lower the partition, judge the batch on the pods, label them, hand back. A
// DaemonSet's replicas are its status.desiredNumberScheduled; its revision is status.daemonSetHash.
import type { OwnerReference } from '../kube/types.js';
import { stepStrategyOf } from '../rollout/release.js';
import { Annotation, type Rollout } from '../rollout/types.js';
import { CONTROLLER_REVISION_HASH_LABEL, shortHash } from '../workload/cloneset.js';
import { type AdvancedDaemonSet, daemonPartition, setDaemonPartition } from '../workload/daemonset.js';
import { sameTemplate } from '../workload/hash.js';
import { dropMetadata } from '../workload/metadata.js';
import { batchReplicasOrZero } from '../workload/partition.js';
import { isPodReady } from '../workload/pods.js';
import { workloadReplicas } from '../workload/replicas.js';
import { HOLD_ALL_PARTITION } from '../workload/statefulset.js';
import type { IntOrString, Pod } from '../workload/types.js';
import { type JudgedBatch, judgePodBatch } from './cloneset-control.js';
import { labelPodBatches, type PodBatchRelease } from './deployment-control.js';
import { rolloutReleasing } from './releasing-rollout.js';
import type { SizedBatch, WorkloadControl } from './workload-control.js';

/**
 * The workload webhook on an Advanced DaemonSet update (the sandbox's admission, src/sandbox/api.ts):
 * with a Rollout of this DaemonSet (same API group) that is not disabled, has a strategy and is not
 * refused, a release starts as markDaemonSetRelease says. Returns the object to store.
 */
export function admitDaemonSetUpdate(old: AdvancedDaemonSet, next: AdvancedDaemonSet, ctx: { rollouts: Rollout[] }): AdvancedDaemonSet {
  const rollout = rolloutReleasing(next, ctx.rollouts, { kind: 'DaemonSet', sameGroup: true });
  if (!rollout) return next;
  const out = structuredClone(next);
  return markDaemonSetRelease(old, out, rollout.metadata.name!) ? out : next;
}

/**
 * Upstream's handleDaemonSet: a release starts when the rollout-id annotation changed, or, without
 * one, the template changed (a DaemonSet has no replicas to be 0, and OnDelete is not checked). It
 * then holds every pod back (partition 32767; `paused` is left alone) and marks the DaemonSet
 * in-progressing for `rolloutName`. Edits `next` in place; whether it did.
 */
export function markDaemonSetRelease(old: AdvancedDaemonSet, next: AdvancedDaemonSet, rolloutName: string): boolean {
  const id = next.metadata.annotations?.[Annotation.rolloutId] ?? '';
  if (id && old.metadata.annotations?.[Annotation.rolloutId] === id) return false;
  if (!id && sameTemplate(old.spec.template, next.spec.template)) return false;
  setDaemonPartition(next, HOLD_ALL_PARTITION);
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [Annotation.inProgressing]: JSON.stringify({ rolloutName }) };
  return true;
}

/**
 * BatchRelease Initialize: the control-info annotation names the BatchRelease; `paused: false` and
 * the partition at the replica count (every pod kept old; upstream writes rc.Replicas here, not
 * 32767). Nothing when the annotation already names it (IsControlledByBatchRelease).
 */
export function takeDaemonSetControl(ds: AdvancedDaemonSet, controlInfo: OwnerReference): void {
  const raw = ds.metadata.annotations?.[Annotation.controlInfo];
  if (raw) {
    try {
      const ref = JSON.parse(raw) as OwnerReference;
      if (ref.name === controlInfo.name && (!controlInfo.uid || ref.uid === controlInfo.uid)) return;
    } catch {
      // A hand-edited annotation: take control again.
    }
  }
  ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [Annotation.controlInfo]: JSON.stringify(controlInfo) };
  setDaemonPartition(ds, workloadReplicas(ds));
  ds.spec.updateStrategy!.rollingUpdate!.paused = false;
}

/** The live pods of the DaemonSet's current template (controller-revision-hash equal to daemonSetHash). */
export function updatedDaemonPods(ds: AdvancedDaemonSet, pods: Pod[]): Pod[] {
  const hash = shortHash(ds.status?.daemonSetHash ?? '');
  if (!hash) return [];
  return pods.filter((p) => !p.metadata.deletionTimestamp && shortHash(p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '') === hash);
}

/** One batch of a DaemonSet release: the partition it wants, and the batch as judged. */
export interface DaemonSetBatch extends JudgedBatch {
  /** Pods kept at the old revision: replicas − planned (never below 0). */
  desiredPartition: number;
}

/**
 * One batch (CalculateBatchContext + UpgradeBatch): the partition is lowered (never raised) to
 * replicas − planned; the pods of the current template are labelled with the rollout-id and their
 * batch; the batch is judged on those pods — an Advanced DaemonSet's status has no
 * updatedReadyReplicas, so upstream counts them from the pods too. Edits `ds` and `pods` in place.
 */
export function sizeDaemonSetBatch(
  ds: AdvancedDaemonSet,
  pods: Pod[],
  release: PodBatchRelease,
  failureThreshold?: IntOrString,
): DaemonSetBatch {
  const replicas = workloadReplicas(ds);
  const planned = batchReplicasOrZero(release.batches[release.batch - 1] ?? 0, replicas, 'plain');
  const desiredPartition = Math.max(0, replicas - planned);
  // No partition counts as 0, so an unset one is never lowered (upstream's `current <= desired`).
  if (daemonPartition(ds) > desiredPartition) setDaemonPartition(ds, desiredPartition);
  const fresh = updatedDaemonPods(ds, pods);
  labelPodBatches(fresh, release, replicas, planned);
  return { desiredPartition, ...judgePodBatch(fresh, planned, release, failureThreshold) };
}

/**
 * BatchRelease Finalize: the control-info annotation (and the in-progressing mark) goes; once the
 * release is complete the partition goes too (`partition: null`) and the DaemonSet is unpaused.
 */
export function releaseDaemonSet(ds: AdvancedDaemonSet, completed: boolean): void {
  dropMetadata(ds, { annotations: [Annotation.controlInfo, Annotation.inProgressing] });
  if (!completed) return;
  setDaemonPartition(ds, undefined);
  ds.spec.updateStrategy!.rollingUpdate!.paused = false;
}

/** A partition-style Advanced DaemonSet (upstream's ParseWorkload for the kind). */
export class DaemonSetControl implements WorkloadControl {
  /** Its status has no current revision: going back to the stable template is a new release (§16.3). */
  readonly rollbackIsNewRelease = true;

  constructor(
    readonly workload: AdvancedDaemonSet,
    private readonly pods: Pod[],
  ) {}

  statusConsistent(): boolean {
    const ds = this.workload;
    return (ds.status?.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0) && Boolean(ds.status?.daemonSetHash);
  }

  revision(): string {
    return shortHash(this.workload.status?.daemonSetHash ?? '');
  }

  currentRevision(hash: string): string {
    // Upstream leaves it empty (no currentRevision); the template running at a first deploy is the hash.
    return hash;
  }

  oldestRevision(): string | undefined {
    // The revision most pods not of the current template run, if any.
    const current = this.revision();
    const counts = new Map<string, number>();
    for (const p of this.pods) {
      const hash = shortHash(p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '');
      if (hash && hash !== current && !p.metadata.deletionTimestamp) counts.set(hash, (counts.get(hash) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  rolledOut(): boolean {
    const s = this.workload.status ?? {};
    return (s.updatedNumberScheduled ?? 0) >= workloadReplicas(this.workload);
  }

  counts(): { updated: number; updatedReady: number } {
    const fresh = this.newRevisionPods();
    return { updated: fresh.length, updatedReady: fresh.filter(isPodReady).length };
  }

  newRevisionPods(): Pod[] {
    return updatedDaemonPods(this.workload, this.pods);
  }

  partitionBatch(): number | undefined {
    const partition = this.workload.spec.updateStrategy?.rollingUpdate?.partition;
    if (partition === undefined || partition === null) return undefined;
    const replicas = workloadReplicas(this.workload);
    return Math.max(0, replicas - Math.min(Math.max(partition, 0), replicas));
  }

  resetPartition(): void {
    setDaemonPartition(this.workload, HOLD_ALL_PARTITION);
  }

  runBatch(
    rollout: Rollout,
    _stable: string | undefined,
    controlInfo: OwnerReference,
    _step: IntOrString,
    release: PodBatchRelease,
  ): SizedBatch {
    takeDaemonSetControl(this.workload, controlInfo);
    const batch = sizeDaemonSetBatch(this.workload, this.pods, release, stepStrategyOf(rollout)?.failureThreshold ?? undefined);
    return {
      target: batch.desired,
      updated: batch.updated,
      updatedReady: batch.updatedReady,
      labelled: batch.labelled,
      ready: batch.ready,
    };
  }

  handBack(): void {
    releaseDaemonSet(this.workload, true);
  }

  inRollback(): boolean {
    // Upstream's finder never sets IsInRollback for a DaemonSet.
    return false;
  }

  startRollbackInBatches(): boolean {
    // Upstream's IsRollbackInBatchPolicy: CloneSets and StatefulSets only.
    return false;
  }
}
