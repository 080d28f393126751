// One narrow interface between the rollout state machine (reconcile.ts) and the workload it
// releases (docs/controller.md §16): each kind's partition-style control behind it — the
// Deployment's (deployment-control.ts), the CloneSet's (cloneset-control.ts) and the
// StatefulSet's, native or Advanced (statefulset-control.ts), the Advanced DaemonSet's
// (daemonset-control.ts, §16.3), and a Deployment's canary-style
// control (canary-style-control.ts, §18), as upstream's
// BatchRelease has one control per kind (pkg/controller/batchrelease/control/partitionstyle).
import type { OwnerReference } from '../kube/types.js';
import { stepStrategyOf } from '../rollout/release.js';
import { Label, type Rollout } from '../rollout/types.js';
import { type CloneSet, isCloneSet, partitionReplicas, shortHash } from '../workload/cloneset.js';
import { type AdvancedDaemonSet, isAdvancedDaemonSet } from '../workload/daemonset.js';
import {
  currentRevisionOf,
  findNewReplicaSet,
  isControlledBy,
  oldestLiveRevision,
  rolledOutTo,
  templateRevision,
} from '../workload/deployment.js';
import { batchReplicasOrZero } from '../workload/partition.js';
import { isPodReady } from '../workload/pods.js';
import { HOLD_ALL_PARTITION, isStatefulSetLike, type StatefulSetLike, setOrdinalPartition } from '../workload/statefulset.js';
import type { Deployment, IntOrString, Pod, ReplicaSet } from '../workload/types.js';
import { CanaryStyleControl, type TemplatePatch } from './canary-style-control.js';
import { releaseCloneSet, sizeCloneSetBatch, takeCloneSetControl, updatedPods } from './cloneset-control.js';
import { DaemonSetControl } from './daemonset-control.js';
import {
  countUpdated,
  handBack,
  type PodBatchRelease,
  raisePartition,
  readStrategyAnnotation,
  resetPartition,
  sizeBatch,
  takeControl,
  writeExtraStatus,
} from './deployment-control.js';
import { markNoNeedUpdate } from './rollback-in-batch.js';
import { releaseStatefulSet, sizeStatefulSetBatch, takeStatefulSetControl } from './statefulset-control.js';
import type { CanaryWorkloads, PlannedWrite } from './types.js';

/** A workload a Rollout may release in partition style. */
export type Workload = Deployment | CloneSet | StatefulSetLike | AdvancedDaemonSet;

/** One batch as sized by a pass (docs/controller.md §9). */
export interface SizedBatch {
  /** Pods of the new revision the batch wants. */
  target: number;
  updated: number;
  updatedReady: number;
  /** Pods of the new revision labelled with this release's rollout-id. */
  labelled: number;
  /** The kind's own judgement of the batch, when it sizes more pods than it labels (rolling back in batches, §16.2). */
  ready?: boolean;
}

/** What the rollout state machine asks of a workload; every edit is made on the pass's copies. */
export interface WorkloadControl {
  readonly workload: Workload;
  /** Whether the workload's status describes its current spec (else the pass waits, as upstream's IsStatusConsistent). */
  statusConsistent(): boolean;
  /** The current template's revision as the cluster names it (`prefer`: a revision already recorded). */
  revision(prefer?: string): string;
  /** The revision running now, before any release (a first deploy's stableRevision). */
  currentRevision(hash: string): string;
  /** The oldest revision still running, if known (the stable one when nothing else says). */
  oldestRevision(): string | undefined;
  /** Whether the current template has rolled out natively already (nothing left to release in batches). */
  rolledOut(): boolean;
  /** Pods of the current revision, and how many are ready (observed). */
  counts(): { updated: number; updatedReady: number };
  /** The live pods of the current revision (the batch labels live on them). */
  newRevisionPods(): Pod[];
  /** The pods the partition in force releases, if one is set. */
  partitionBatch(): number | undefined;
  /** A new release of the same Rollout starts from nothing. */
  resetPartition(): void;
  /** Takes control for the release and sizes the current batch (labels its pods). */
  runBatch(
    rollout: Rollout,
    stableRevision: string | undefined,
    controlInfo: OwnerReference,
    step: IntOrString,
    release: PodBatchRelease,
    now: Date,
  ): SizedBatch;
  /** Hands the workload back at the end of a release. */
  handBack(): void;
  /**
   * After handBack, for a release finalised for `reason`: why the hand-back is not finished yet, if
   * it is not (upstream's waitAllUpdatedAndReady: blue-green always, canary style after a success,
   * the WaitResume policy); absent: finished at once.
   */
  handBackPending?(reason: FinaliseReason): string | undefined;
  /** The pod-template-hash the new revision's pods carry, when it differs from the revision (canary style). */
  podTemplateHash?(hash: string): string;
  /** Writes to objects other than the workload, its ReplicaSets and pods (the canary Deployment, §18). */
  writes?(): PlannedWrite[];
  /** Whether `revision` is the stable one of the release in progress (a rollback). */
  inRollback(revision: string): boolean;
  /**
   * A rollback in batches starts (§16.2): the pods already at the template rolled back to are
   * marked no-need-update for `rolloutId`. Whether the kind rolls back in batches at all.
   */
  startRollbackInBatches(rolloutId: string): boolean;
  /**
   * The kind's status names no current revision (an Advanced DaemonSet), so a return to the stable
   * template cannot be told from a new template: it is released from step 1 (a continuous release).
   */
  readonly rollbackIsNewRelease?: boolean;
}

/** Why a release is finalised: success (Finalising), rollback (Cancelling), anything else (disabling, deletion). */
export type FinaliseReason = 'success' | 'rollback' | 'other';

/** The control for a workload of a supported kind (the pass's copies are edited in place); `canary`: a canary-style release (§18). */
export function workloadControlFor(
  workload: Workload,
  replicaSets: ReplicaSet[],
  pods: Pod[],
  canary?: { workloads: CanaryWorkloads; patch: TemplatePatch | undefined },
): WorkloadControl {
  if (canary && !isCloneSet(workload) && !isStatefulSetLike(workload) && !isAdvancedDaemonSet(workload))
    return new CanaryStyleControl(workload as Deployment, replicaSets, canary.workloads, canary.patch);
  if (isCloneSet(workload)) return new CloneSetControl(workload, pods);
  if (isStatefulSetLike(workload)) return new StatefulSetControl(workload as StatefulSetLike, pods);
  if (isAdvancedDaemonSet(workload)) return new DaemonSetControl(workload, pods);
  return new DeploymentControl(workload as Deployment, replicaSets, pods);
}

/** A partition-style Deployment (the blue-green control, bluegreen-control.ts, extends it). */
export class DeploymentControl implements WorkloadControl {
  constructor(
    readonly workload: Deployment,
    private readonly replicaSets: ReplicaSet[],
    private readonly pods: Pod[],
  ) {}

  statusConsistent(): boolean {
    // Batch progress is read from the ReplicaSets and pods themselves (reconcile.ts header).
    return true;
  }

  revision(prefer?: string): string {
    return templateRevision(this.workload, this.replicaSets, prefer);
  }

  currentRevision(hash: string): string {
    return currentRevisionOf(this.workload, this.replicaSets, hash);
  }

  oldestRevision(): string | undefined {
    return oldestLiveRevision(this.replicaSets);
  }

  rolledOut(): boolean {
    return rolledOutTo(this.workload, this.replicaSets);
  }

  counts(): { updated: number; updatedReady: number } {
    return countUpdated(this.workload, this.replicaSets, this.pods);
  }

  newRevisionPods(): Pod[] {
    const fresh = findNewReplicaSet(this.workload, this.replicaSets);
    return fresh ? this.pods.filter((p) => !p.metadata.deletionTimestamp && isControlledBy(p, fresh)) : [];
  }

  partitionBatch(): number | undefined {
    const partition = readStrategyAnnotation(this.workload)?.partition;
    return partition === undefined ? undefined : batchReplicasOrZero(partition, this.workload.spec.replicas ?? 1, 'plain');
  }

  resetPartition(): void {
    resetPartition(this.workload);
  }

  runBatch(
    rollout: Rollout,
    stableRevision: string | undefined,
    controlInfo: OwnerReference,
    step: IntOrString,
    release: PodBatchRelease,
    now: Date,
  ): SizedBatch {
    const d = this.workload;
    takeControl(d, rollout, stableRevision, controlInfo);
    const partition = raisePartition(d, step, d.spec.replicas ?? 1);
    const batch = sizeBatch(d, this.replicaSets, this.pods, partition, release, now);
    writeExtraStatus(d, batch.updatedReady, batch.target);
    return batch;
  }

  handBack(): void {
    handBack(this.workload);
  }

  inRollback(revision: string): boolean {
    return this.workload.metadata.labels?.[Label.stableRevision] === revision;
  }

  startRollbackInBatches(): boolean {
    // A Deployment always rolls back directly (upstream's IsRollbackInBatchPolicy).
    return false;
  }
}

/**
 * The part of the CloneSet and StatefulSet controls that reads revisions from the workload's status
 * (ControllerRevisions named `NAME-HASH`, pods labelled with them; upstream ParseWorkload for both
 * kinds); the partition and the batch are each kind's own.
 */
abstract class RevisionedControl<W extends CloneSet | StatefulSetLike> implements WorkloadControl {
  constructor(
    readonly workload: W,
    protected readonly pods: Pod[],
  ) {}

  statusConsistent(): boolean {
    const w = this.workload;
    return (w.status?.observedGeneration ?? 0) >= (w.metadata.generation ?? 0) && Boolean(w.status?.updateRevision);
  }

  revision(): string {
    // Revisions are named `NAME-HASH`; a Rollout records the hash (upstream ParseWorkload).
    return shortHash(this.workload.status?.updateRevision ?? '');
  }

  currentRevision(hash: string): string {
    return shortHash(this.workload.status?.currentRevision ?? '') || hash;
  }

  oldestRevision(): string | undefined {
    return shortHash(this.workload.status?.currentRevision ?? '') || undefined;
  }

  rolledOut(): boolean {
    const s = this.workload.status ?? {};
    return (s.updatedReplicas ?? 0) >= (this.workload.spec.replicas ?? 1) && s.updateRevision === s.currentRevision;
  }

  counts(): { updated: number; updatedReady: number } {
    const fresh = this.newRevisionPods();
    return { updated: fresh.length, updatedReady: fresh.filter(isPodReady).length };
  }

  newRevisionPods(): Pod[] {
    return updatedPods(this.workload, this.pods);
  }

  inRollback(): boolean {
    // Upstream's IsInRollback for these kinds: the update revision is the current (stable) one
    // again while some pods are still of another.
    const s = this.workload.status ?? {};
    return Boolean(s.updateRevision) && s.updateRevision === s.currentRevision && (s.updatedReplicas ?? 0) !== (s.replicas ?? 0);
  }

  startRollbackInBatches(rolloutId: string): boolean {
    markNoNeedUpdate(this.newRevisionPods(), rolloutId);
    return true;
  }

  abstract partitionBatch(): number | undefined;
  abstract resetPartition(): void;
  abstract handBack(): void;
  /** Takes the workload for the release (upstream's Initialize for this kind). */
  protected abstract takeControl(controlInfo: OwnerReference): void;
  /** Lowers the partition for the current step and labels the batch's pods (this kind's arithmetic). */
  protected abstract sizeBatch(release: PodBatchRelease, failureThreshold: IntOrString | undefined): KindBatch;

  runBatch(
    rollout: Rollout,
    _stable: string | undefined,
    controlInfo: OwnerReference,
    _step: IntOrString,
    release: PodBatchRelease,
  ): SizedBatch {
    this.takeControl(controlInfo);
    const batch = this.sizeBatch(release, stepStrategyOf(rollout)?.failureThreshold ?? undefined);
    return {
      target: batch.desired,
      updated: batch.updated,
      updatedReady: batch.updatedReady,
      labelled: batch.labelled,
      ready: batch.ready,
    };
  }
}

/** A batch as a CloneSet's or a StatefulSet's control sizes it. */
interface KindBatch {
  planned: number;
  desired: number;
  ready: boolean;
  updated: number;
  updatedReady: number;
  labelled: number;
}

/** A partition-style CloneSet (the blue-green control, bluegreen-control.ts, extends it). */
export class CloneSetControl extends RevisionedControl<CloneSet> {
  partitionBatch(): number | undefined {
    const partition = this.workload.spec.updateStrategy?.partition;
    if (partition === undefined || partition === null) return undefined;
    const replicas = this.workload.spec.replicas ?? 1;
    try {
      return replicas - partitionReplicas(partition, replicas);
    } catch {
      return undefined;
    }
  }

  resetPartition(): void {
    this.workload.spec.updateStrategy = { ...(this.workload.spec.updateStrategy ?? {}), partition: '100%' };
  }

  protected takeControl(controlInfo: OwnerReference): void {
    takeCloneSetControl(this.workload, controlInfo);
  }

  protected sizeBatch(release: PodBatchRelease, failureThreshold: IntOrString | undefined): KindBatch {
    return sizeCloneSetBatch(this.workload, this.pods, release, failureThreshold);
  }

  handBack(): void {
    releaseCloneSet(this.workload, true);
  }
}

class StatefulSetControl extends RevisionedControl<StatefulSetLike> {
  partitionBatch(): number | undefined {
    const partition = this.workload.spec.updateStrategy?.rollingUpdate?.partition;
    if (partition === undefined || partition === null) return undefined;
    const replicas = this.workload.spec.replicas ?? 1;
    return Math.max(0, replicas - Math.min(Math.max(partition, 0), replicas));
  }

  resetPartition(): void {
    setOrdinalPartition(this.workload, HOLD_ALL_PARTITION);
  }

  protected takeControl(controlInfo: OwnerReference): void {
    takeStatefulSetControl(this.workload, controlInfo);
  }

  protected sizeBatch(release: PodBatchRelease, failureThreshold: IntOrString | undefined): KindBatch {
    return sizeStatefulSetBatch(this.workload, this.pods, release, failureThreshold);
  }

  handBack(): void {
    releaseStatefulSet(this.workload, true);
  }
}
