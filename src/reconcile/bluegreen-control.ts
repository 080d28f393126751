// Blue-green Deployment control (upstream's BatchRelease control in
// pkg/controller/batchrelease/control/bluegreenstyle/deployment), as pure edits of the pass's copies
// (docs/controller.md §19). The Deployment keeps both revisions at full size during the release: it
// rolls natively with maxSurge = the step's replicas and maxUnavailable 0, and with minReadySeconds
// so large that no new pod ever counts as available, the old pods are never scaled down. The
// original settings are kept in the `rollouts.kruise.io/original-deployment-strategy` annotation and
// restored at the end (the cut-over), when the native controller finishes the rollout.
import type { KubeObject, OwnerReference } from '../kube/types.js';
import { Annotation, Label, type Rollout } from '../rollout/types.js';
import { type CloneSet, isCloneSet } from '../workload/cloneset.js';
import { findNewReplicaSet, isControlledBy } from '../workload/deployment.js';
import { POD_TEMPLATE_HASH_LABEL } from '../workload/hash.js';
import { scaledValue } from '../workload/intstr.js';
import { dropMetadata } from '../workload/metadata.js';
import { batchReplicas, batchReplicasOrZero } from '../workload/partition.js';
import { isPodReady } from '../workload/pods.js';
import type { Deployment, IntOrString, Pod, ReplicaSet } from '../workload/types.js';
import { judgePodBatch, updatedPods } from './cloneset-control.js';
import { labelPodBatches, type PodBatchRelease } from './deployment-control.js';
import { CloneSetControl, DeploymentControl, type SizedBatch, type WorkloadControl } from './workload-control.js';

/** Upstream's v1beta1.MaxReadySeconds: no pod is ever available for this long. */
export const MAX_READY_SECONDS = 2147483646;
/** Upstream's v1beta1.MaxProgressSeconds: the Deployment never reports ProgressDeadlineExceeded. */
export const MAX_PROGRESS_SECONDS = 2147483647;

/** The annotation's JSON (upstream's OriginalDeploymentStrategy), keys in its Go struct's order. */
export interface OriginalDeploymentStrategy {
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
}

/** The parsed original-deployment-strategy annotation, if present and valid JSON. */
export function readOriginalStrategy(d: KubeObject): OriginalDeploymentStrategy | undefined {
  const raw = d.metadata.annotations?.[Annotation.originalDeploymentStrategy];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as OriginalDeploymentStrategy) : undefined;
  } catch {
    return undefined;
  }
}

/** The settings saved before the release (upstream's InitOriginalSetting; Go's omitempty drops a zero minReadySeconds). */
function originalSettingOf(d: Deployment): OriginalDeploymentStrategy {
  const ru = d.spec.strategy?.rollingUpdate;
  const out: OriginalDeploymentStrategy = {
    maxUnavailable: ru?.maxUnavailable ?? '25%',
    maxSurge: ru?.maxSurge ?? '25%',
  };
  if (d.spec.minReadySeconds) out.minReadySeconds = d.spec.minReadySeconds;
  out.progressDeadlineSeconds = d.spec.progressDeadlineSeconds ?? 600;
  return out;
}

/** The blue-green control of an apps/v1 Deployment. */
export class BlueGreenDeploymentControl extends DeploymentControl {
  constructor(
    workload: Deployment,
    private readonly rss: ReplicaSet[],
    private readonly livePods: Pod[],
  ) {
    super(workload, rss, livePods);
  }

  /** The pods the surge in force releases (a plan change re-targets from it). */
  override partitionBatch(): number | undefined {
    if (!readOriginalStrategy(this.workload)) return undefined;
    const surge = this.workload.spec.strategy?.rollingUpdate?.maxSurge;
    return batchReplicasOrZero(surge ?? 0, this.workload.spec.replicas ?? 1, 'partition');
  }

  /** Blue-green never restarts a release in place (continuous release is refused, §19). */
  override resetPartition(): void {}

  override runBatch(
    rollout: Rollout,
    stableRevision: string | undefined,
    controlInfo: OwnerReference,
    step: IntOrString,
    release: PodBatchRelease,
  ): SizedBatch {
    const d = this.workload;
    this.initialize(rollout, stableRevision, controlInfo);
    upgradeBatch(d, step);
    const replicas = d.spec.replicas ?? 1;
    const target = batchReplicas(step, replicas, 'partition');
    const fresh = findNewReplicaSet(d, this.rss);
    const newPods = fresh ? this.livePods.filter((p) => !p.metadata.deletionTimestamp && isControlledBy(p, fresh)) : [];
    labelPodBatches(newPods, release, replicas, target);
    return {
      target,
      updated: newPods.length,
      updatedReady: newPods.filter(isPodReady).length,
      labelled: newPods.filter((p) => p.metadata.labels?.[Label.rolloutId] === release.rolloutId).length,
    };
  }

  /**
   * Upstream's Initialize, once per release (no original-strategy annotation yet): the settings are
   * saved, the Deployment rolls with maxSurge 1 / maxUnavailable 0 and never-available new pods,
   * and the stable ReplicaSet's pods are made never-available too, so that a rollback keeps the
   * new pods until traffic has gone back to stable.
   */
  private initialize(rollout: Rollout, stableRevision: string | undefined, controlInfo: OwnerReference): void {
    const d = this.workload;
    const labels = { ...(d.metadata.labels ?? {}) };
    const annotations = { ...(d.metadata.annotations ?? {}) };
    if (!labels[Label.stableRevision] && stableRevision) labels[Label.stableRevision] = stableRevision;
    if (!annotations[Annotation.inProgressing])
      annotations[Annotation.inProgressing] = JSON.stringify({ rolloutName: rollout.metadata.name });
    const wantedControlInfo = JSON.stringify(controlInfo);
    if (!annotations[Annotation.controlInfo] || (controlInfo.uid && annotations[Annotation.controlInfo] !== wantedControlInfo))
      annotations[Annotation.controlInfo] = wantedControlInfo;
    d.metadata.labels = labels;
    d.metadata.annotations = annotations;
    if (readOriginalStrategy(d)) return;
    d.metadata.annotations[Annotation.originalDeploymentStrategy] = JSON.stringify(originalSettingOf(d));
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    d.spec.minReadySeconds = MAX_READY_SECONDS;
    d.spec.progressDeadlineSeconds = MAX_PROGRESS_SECONDS;
    const stable = labels[Label.stableRevision];
    const stableRs = stable ? this.rss.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === stable) : undefined;
    if (stableRs) stableRs.spec.minReadySeconds = MAX_READY_SECONDS;
  }

  /**
   * Upstream's Finalize: unpaused, minReadySeconds, progressDeadlineSeconds, maxSurge and
   * maxUnavailable as they were; the annotation, stable-revision label and control-info removed.
   * The native controller then finishes the rollout (the old side is scaled down).
   */
  override handBack(): void {
    const d = this.workload;
    const saved = readOriginalStrategy(d);
    if (!saved) return;
    dropMetadata(d, { labels: [Label.stableRevision], annotations: [Annotation.originalDeploymentStrategy, Annotation.controlInfo] });
    d.spec.paused = false;
    if (saved.minReadySeconds) d.spec.minReadySeconds = saved.minReadySeconds;
    else delete d.spec.minReadySeconds;
    d.spec.progressDeadlineSeconds = saved.progressDeadlineSeconds ?? 600;
    const rollingUpdate = { ...(d.spec.strategy?.rollingUpdate ?? {}) };
    if (saved.maxSurge !== undefined) rollingUpdate.maxSurge = saved.maxSurge;
    if (saved.maxUnavailable !== undefined) rollingUpdate.maxUnavailable = saved.maxUnavailable;
    d.spec.strategy = { ...(d.spec.strategy ?? {}), type: d.spec.strategy?.type ?? 'RollingUpdate', rollingUpdate };
  }

  /** Upstream's waitAllUpdatedAndReady, on the Deployment's status as observed. */
  handBackPending(): string | undefined {
    const d = this.workload;
    if (d.spec.paused) return 'the Deployment is paused';
    const s = d.status ?? {};
    if ((s.readyReplicas ?? 0) !== (s.updatedReplicas ?? 0)) return 'waiting for every ready pod to be updated and every updated pod ready';
    const replicas = d.spec.replicas ?? 1;
    const ru = d.spec.strategy?.rollingUpdate;
    const unavailable =
      d.spec.strategy?.type === 'Recreate' ? 0 : Math.min(scaledValue(ru?.maxUnavailable ?? '25%', replicas, false), replicas);
    if (unavailable + (s.availableReplicas ?? 0) < (s.replicas ?? 0)) return 'waiting for the available pods to satisfy maxUnavailable';
    return undefined;
  }
}

/**
 * Upstream's UpgradeBatch: when the surge in force (1 is the initial value, taken as 0) is below
 * the step's, the Deployment is unpaused with maxSurge = the step's replicas and maxUnavailable 0.
 */
function upgradeBatch(d: Deployment, step: IntOrString): void {
  const replicas = d.spec.replicas ?? 1;
  let current = d.spec.strategy?.rollingUpdate?.maxSurge ?? 0;
  if (current === 1) current = 0;
  if (scaledValue(current, replicas, true) >= scaledValue(step, replicas, true)) return;
  d.spec.paused = false;
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: step, maxUnavailable: 0 } };
}

/** The settings a CloneSet's release saves (InitOriginalSetting: Kruise's defaults maxSurge 0%, maxUnavailable 20%). */
function cloneSetOriginalSetting(cs: CloneSet): OriginalDeploymentStrategy {
  const us = cs.spec.updateStrategy;
  const out: OriginalDeploymentStrategy = { maxUnavailable: us?.maxUnavailable ?? '20%', maxSurge: us?.maxSurge ?? '0%' };
  const minReadySeconds = cs.spec.minReadySeconds as number | undefined;
  if (minReadySeconds) out.minReadySeconds = minReadySeconds;
  return out;
}

/**
 * The blue-green control of an OpenKruise CloneSet (upstream's bluegreenstyle/cloneset): the same
 * as a Deployment's, on the CloneSet's own surge — the partition goes, `maxSurge` is the step's,
 * `maxUnavailable` 0 and `minReadySeconds` never reached, so no old pod is deleted before the
 * cut-over. There is no progressDeadlineSeconds to save, and the CloneSet is never paused.
 */
export class BlueGreenCloneSetControl extends CloneSetControl {
  override partitionBatch(): number | undefined {
    if (!readOriginalStrategy(this.workload)) return undefined;
    return batchReplicasOrZero(this.workload.spec.updateStrategy?.maxSurge ?? 0, this.workload.spec.replicas ?? 1, 'plain');
  }

  override resetPartition(): void {}

  override runBatch(
    rollout: Rollout,
    _stable: string | undefined,
    controlInfo: OwnerReference,
    step: IntOrString,
    release: PodBatchRelease,
  ): SizedBatch {
    const cs = this.workload;
    this.initialize(controlInfo);
    const replicas = cs.spec.replicas ?? 1;
    let current = cs.spec.updateStrategy?.maxSurge ?? 0;
    if (current === 1) current = 0;
    if (scaledValue(current, replicas, true) < scaledValue(step, replicas, true)) {
      const strategy = { ...(cs.spec.updateStrategy ?? {}), maxSurge: step };
      delete strategy.partition;
      cs.spec.updateStrategy = strategy;
    }
    const planned = scaledValue(step, replicas, true);
    const fresh = updatedPods(cs, this.pods);
    labelPodBatches(fresh, release, replicas, planned);
    const failureThreshold = rollout.spec.strategy?.blueGreen?.failureThreshold ?? undefined;
    const batch = judgePodBatch(fresh, planned, release, failureThreshold);
    return { target: batch.planned, updated: batch.updated, updatedReady: batch.updatedReady, labelled: batch.labelled };
  }

  /** Upstream's Initialize for a CloneSet: the settings saved, unpaused, maxSurge 1, maxUnavailable 0, never-available pods. */
  private initialize(controlInfo: OwnerReference): void {
    const cs = this.workload;
    const annotations = { ...(cs.metadata.annotations ?? {}) };
    const wanted = JSON.stringify(controlInfo);
    if (!annotations[Annotation.controlInfo] || (controlInfo.uid && annotations[Annotation.controlInfo] !== wanted))
      annotations[Annotation.controlInfo] = wanted;
    cs.metadata.annotations = annotations;
    if (readOriginalStrategy(cs)) return;
    annotations[Annotation.originalDeploymentStrategy] = JSON.stringify(cloneSetOriginalSetting(cs));
    cs.spec.updateStrategy = { ...(cs.spec.updateStrategy ?? {}), paused: false, maxSurge: 1, maxUnavailable: 0 };
    cs.spec.minReadySeconds = MAX_READY_SECONDS;
  }

  /** Upstream's Finalize: minReadySeconds, maxSurge and maxUnavailable as they were; the annotations removed. */
  override handBack(): void {
    const cs = this.workload;
    const saved = readOriginalStrategy(cs);
    if (!saved) return;
    dropMetadata(cs, { annotations: [Annotation.originalDeploymentStrategy, Annotation.controlInfo] });
    if (saved.minReadySeconds) cs.spec.minReadySeconds = saved.minReadySeconds;
    else delete cs.spec.minReadySeconds;
    const strategy = { ...(cs.spec.updateStrategy ?? {}) };
    // The partition workload admission put back on a rollback would keep the green pods (§19).
    delete strategy.partition;
    if (saved.maxSurge !== undefined) strategy.maxSurge = saved.maxSurge;
    if (saved.maxUnavailable !== undefined) strategy.maxUnavailable = saved.maxUnavailable;
    cs.spec.updateStrategy = strategy;
  }

  /** Upstream's check after Finalize: every ready pod is an updated one. */
  handBackPending(): string | undefined {
    const s = this.workload.status ?? {};
    if ((s.readyReplicas ?? 0) !== (s.updatedReadyReplicas ?? 0)) return 'waiting for every ready pod to be of the new revision';
    return undefined;
  }
}

/** The blue-green control for a workload (a CloneSet's, else a Deployment's; the pass's copies are edited in place). */
export function blueGreenControlFor(workload: Deployment | CloneSet | KubeObject, replicaSets: ReplicaSet[], pods: Pod[]): WorkloadControl {
  if (isCloneSet(workload as CloneSet)) return new BlueGreenCloneSetControl(workload as CloneSet, pods);
  return new BlueGreenDeploymentControl(workload as Deployment, replicaSets, pods);
}
