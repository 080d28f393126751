// Canary-style Deployment control (docs/controller.md §18), as upstream's
// pkg/controller/batchrelease/control/canarystyle/deployment: the Deployment the Rollout names
// (the stable one) stays paused on the old revision while an extra canary Deployment, a copy of
// its spec, runs the new one, scaled per step and only ever up. At the end the stable Deployment
// is unpaused (it rolls natively) and the canary Deployment's finalizer goes; deleting the
// BatchRelease, its owner, then deletes it (the garbage collector).
import type { KubeObject, OwnerReference } from '../kube/types.js';
import { Annotation, CANARY_DEPLOYMENT_FINALIZER, Label, type Rollout } from '../rollout/types.js';
import {
  currentRevisionOf,
  findNewReplicaSet,
  isControlledBy,
  oldestLiveRevision,
  rolledOutTo,
  templateRevision,
} from '../workload/deployment.js';
import { canonicalJson, POD_TEMPLATE_HASH_LABEL, podTemplateHash, sameTemplate } from '../workload/hash.js';
import { scaledValue } from '../workload/intstr.js';
import { dropMetadata } from '../workload/metadata.js';
import { batchReplicasOrZero } from '../workload/partition.js';
import { isPodReady } from '../workload/pods.js';
import type { Deployment, IntOrString, Pod, PodTemplate, ReplicaSet } from '../workload/types.js';
import { labelPodBatches, type PodBatchRelease } from './deployment-control.js';
import type { CanaryWorkloads, PlannedWrite } from './types.js';
import type { FinaliseReason, SizedBatch, WorkloadControl } from './workload-control.js';

/** Whether a Rollout releases its Deployment in canary style (an extra canary Deployment). */
export function isCanaryStyle(rollout: Rollout): boolean {
  return Boolean(rollout.spec?.strategy?.canary?.enableExtraWorkloadForCanary) && !rollout.spec?.strategy?.blueGreen;
}

/** The labels and annotations a Rollout's patchPodTemplateMetadata adds to the canary's pod template. */
export interface TemplatePatch {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The stable template with the Rollout's patchPodTemplateMetadata applied: what the canary Deployment runs. */
export function canaryTemplate(template: PodTemplate, patch: TemplatePatch | undefined): PodTemplate {
  const out = structuredClone(template);
  if (!patch) return out;
  out.metadata = { ...(out.metadata ?? {}) };
  if (patch.labels) out.metadata.labels = { ...(out.metadata.labels ?? {}), ...patch.labels };
  if (patch.annotations) out.metadata.annotations = { ...(out.metadata.annotations ?? {}), ...patch.annotations };
  return out;
}

/** The control of a canary-style release of a Deployment; edits are made on copies and compared with what was observed. */
export class CanaryStyleControl implements WorkloadControl {
  /** The canary Deployments, ReplicaSets and pods as the pass leaves them. */
  private readonly canaries: CanaryWorkloads;
  /** A canary Deployment this pass creates. */
  private created?: Deployment;
  /** Canary Deployments this pass deletes (a continuous release replaces the canary). */
  private readonly deleted = new Set<string>();

  constructor(
    readonly workload: Deployment,
    private readonly replicaSets: ReplicaSet[],
    private readonly observed: CanaryWorkloads,
    /** The Rollout's patchPodTemplateMetadata. */
    private readonly patch: TemplatePatch | undefined,
  ) {
    this.canaries = structuredClone(observed);
  }

  statusConsistent(): boolean {
    // As the partition-style control: progress is read from the ReplicaSets and pods themselves.
    return true;
  }

  revision(prefer?: string): string {
    // The canary Deployment's ReplicaSet runs the stable's template: the cluster's name for it.
    return templateRevision(this.workload, [...this.replicaSets, ...this.canaries.replicaSets], prefer);
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
    const pods = this.newRevisionPods();
    return { updated: pods.length, updatedReady: pods.filter(isPodReady).length };
  }

  newRevisionPods(): Pod[] {
    const canary = this.active();
    if (!canary) return [];
    const owned = this.canaries.replicaSets.filter((rs) => isControlledBy(rs, canary));
    return this.canaries.pods.filter((p) => !p.metadata.deletionTimestamp && owned.some((rs) => isControlledBy(p, rs)));
  }

  partitionBatch(): number | undefined {
    const canary = this.active();
    return canary ? (canary.spec.replicas ?? 0) : undefined;
  }

  /** A continuous release: the canary of the previous template goes (upstream deletes the BatchRelease, its owner). */
  resetPartition(): void {
    for (const d of this.canaries.deployments) this.deleted.add(d.metadata.name!);
    this.created = undefined;
  }

  /** The pod-template-hash of the canary's pods (the canary Service selects it), when its ReplicaSet exists. */
  podTemplateHash(hash: string): string {
    const canary = this.active();
    const rs = canary
      ? findNewReplicaSet(
          canary,
          this.canaries.replicaSets.filter((r) => isControlledBy(r, canary)),
        )
      : undefined;
    return rs?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] || hash;
  }

  runBatch(
    rollout: Rollout,
    stableRevision: string | undefined,
    controlInfo: OwnerReference,
    step: IntOrString,
    release: PodBatchRelease,
  ): SizedBatch {
    this.takeStable(rollout, stableRevision, controlInfo);
    const replicas = this.workload.spec.replicas ?? 1;
    const target = batchReplicasOrZero(step, replicas, 'plain');
    const canary = this.active();
    if (!canary) this.create(controlInfo, target);
    // Only ever up within a release (upstream's UpgradeBatch): a smaller step or a scale-down keeps it.
    else if ((canary.spec.replicas ?? 0) < target) canary.spec.replicas = target;
    const pods = this.newRevisionPods();
    labelPodBatches(pods, release, replicas, target);
    return {
      target,
      updated: pods.length,
      updatedReady: pods.filter(isPodReady).length,
      labelled: pods.filter((p) => p.metadata.labels?.[Label.rolloutId] === release.rolloutId).length,
    };
  }

  /** Upstream's stable Finalize: control-info removed, unpaused (it rolls natively); the canary's finalizer goes. */
  handBack(): void {
    const d = this.workload;
    dropMetadata(d, { labels: [Label.stableRevision], annotations: [Annotation.controlInfo] });
    d.spec.paused = false;
    for (const c of this.canaries.deployments) dropFinalizer(c);
  }

  /**
   * Upstream's waitAllUpdatedAndReady (the WaitResume finalizing policy of a successful release):
   * the stable Deployment has rolled out — every pod updated, and enough available within
   * maxUnavailable — before the canary is deleted. A rollback, disabling or deletion does not wait.
   */
  handBackPending(reason: FinaliseReason): string | undefined {
    if (reason !== 'success') return undefined;
    const pending = 'waiting for the workload to roll out before the canary goes';
    const d = this.workload;
    const s = d.status ?? {};
    if (d.spec.paused || (s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return pending;
    const created = s.replicas ?? 0;
    if (created !== (s.updatedReplicas ?? 0) || created < (d.spec.replicas ?? 1)) return pending;
    return maxUnavailable(d) + (s.availableReplicas ?? 0) >= created ? undefined : pending;
  }

  inRollback(revision: string): boolean {
    return this.workload.metadata.labels?.[Label.stableRevision] === revision;
  }

  /** The canary Deployments' writes, in order: create, updates (scale, finalizer), deletes, then their pods' labels. */
  startRollbackInBatches(): boolean {
    // Canary style rolls back by deleting the canary Deployment (upstream's IsRollbackInBatchPolicy
    // holds for CloneSets and StatefulSets only).
    return false;
  }

  writes(): PlannedWrite[] {
    const out: PlannedWrite[] = [];
    if (this.created) out.push({ op: 'create', resource: 'deployments', object: this.created });
    const deletes: PlannedWrite[] = [];
    for (const d of this.canaries.deployments) {
      const before = this.observed.deployments.find((o) => o.metadata.name === d.metadata.name);
      if (this.deleted.has(d.metadata.name!)) dropFinalizer(d);
      if (before && canonicalJson(before) !== canonicalJson(d)) out.push({ op: 'update', resource: 'deployments', object: d });
      if (this.deleted.has(d.metadata.name!)) deletes.push({ op: 'delete', resource: 'deployments', object: d });
    }
    out.push(...deletes);
    for (const p of this.canaries.pods) {
      const before = this.observed.pods.find((o) => o.metadata.name === p.metadata.name);
      if (before && canonicalJson(before) !== canonicalJson(p)) out.push({ op: 'update', resource: 'pods', object: p });
    }
    return out;
  }

  /**
   * Upstream's filterCanaryDeployment: the newest live canary Deployment whose template is the
   * stable's with patchPodTemplateMetadata applied (or the one this pass creates).
   */
  private active(): Deployment | undefined {
    if (this.created) return this.created;
    const want = canaryTemplate(this.workload.spec.template, this.patch);
    return [...this.canaries.deployments]
      .filter((d) => !d.metadata.deletionTimestamp && !this.deleted.has(d.metadata.name!))
      .sort((a, b) => String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')))
      .find((d) => sameTemplate(d.spec.template, want));
  }

  /** Upstream's stable Initialize: control-info names the BatchRelease; the webhook's marks when it did not run; paused. */
  private takeStable(rollout: Rollout, stableRevision: string | undefined, controlInfo: OwnerReference): void {
    const d = this.workload;
    const annotations = { ...(d.metadata.annotations ?? {}) };
    const labels = { ...(d.metadata.labels ?? {}) };
    const wanted = JSON.stringify(controlInfo);
    if (!annotations[Annotation.controlInfo] || (controlInfo.uid && annotations[Annotation.controlInfo] !== wanted))
      annotations[Annotation.controlInfo] = wanted;
    if (!annotations[Annotation.inProgressing])
      annotations[Annotation.inProgressing] = JSON.stringify({ rolloutName: rollout.metadata.name });
    if (!labels[Label.stableRevision] && stableRevision) labels[Label.stableRevision] = stableRevision;
    d.metadata.annotations = annotations;
    d.metadata.labels = labels;
    d.spec.paused = true;
  }

  /**
   * Upstream's canary create: the stable's spec with patchPodTemplateMetadata, unpaused, owned by
   * the BatchRelease (its uid filled in by the applier when it is created in the same pass), the
   * canary-deployment label and the finalizer. Named `<name>-<template hash>` rather than
   * upstream's generateName, so that a create repeated by a second writer conflicts instead of
   * making a second canary. Created at the step's size (upstream creates it at 0, then scales).
   */
  private create(controlInfo: OwnerReference, replicas: number): void {
    const stable = this.workload;
    const template = canaryTemplate(stable.spec.template, this.patch);
    const name = `${stable.metadata.name}-${podTemplateHash(template)}`;
    // A left-over of that name (deleted by someone mid-release): our finalizer goes, so that it
    // can; the canary is created again once it is gone.
    const leftOver = this.canaries.deployments.find((d) => d.metadata.name === name);
    if (leftOver) {
      if (leftOver.metadata.deletionTimestamp) dropFinalizer(leftOver);
      return;
    }
    const spec = structuredClone(stable.spec);
    spec.template = template;
    spec.replicas = replicas;
    spec.paused = false;
    this.created = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: stable.metadata.namespace,
        labels: { [Label.canaryDeployment]: stable.metadata.name! },
        annotations: { [Annotation.controlInfo]: JSON.stringify(controlInfo) },
        ownerReferences: [{ ...controlInfo }],
        finalizers: [CANARY_DEPLOYMENT_FINALIZER],
      },
      spec,
    };
  }
}

function dropFinalizer(d: KubeObject): void {
  const finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== CANARY_DEPLOYMENT_FINALIZER);
  if (finalizers.length > 0) d.metadata.finalizers = finalizers;
  else delete d.metadata.finalizers;
}

/** Upstream's DeploymentMaxUnavailable: the rolling update's maxUnavailable (rounded down), 0 for Recreate or no replicas. */
function maxUnavailable(d: Deployment): number {
  const replicas = d.spec.replicas ?? 1;
  if ((d.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate' || replicas === 0) return 0;
  try {
    return Math.min(scaledValue(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, false), replicas);
  } catch {
    return 0;
  }
}
