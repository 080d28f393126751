// The BatchRelease of a release (docs/controller.md §12): the object upstream's rollout controller
// creates per release (pkg/controller/rollout/rollout_releaseManager.go `runBatchRelease`,
// rollout_canary.go `createBatchRelease`) and upstream's BatchRelease controller keeps the status
// of (pkg/controller/batchrelease/batchrelease_executor.go, batchrelease_status.go). Here one pass
// does both, as pure planning: the spec from the Rollout's plan, the status from the batch the pass
// just sized, and its deletion once the workload is handed back.
import { createHash } from 'node:crypto';
import type { KubeObject, OwnerReference } from '../kube/types.js';
import { stepStrategyOf, workloadRefOf } from '../rollout/release.js';
import { Annotation, Phase, type Rollout, type RolloutStatus } from '../rollout/types.js';
import { controllerRef } from '../workload/deployment.js';
import { canonicalJson } from '../workload/hash.js';
import { workloadReplicas } from '../workload/replicas.js';
import type { Deployment, IntOrString } from '../workload/types.js';
import type { PlannedWrite } from './types.js';

export const BATCH_RELEASE_API_VERSION = 'rollouts.kruise.io/v1beta1';
export const BATCH_RELEASE_KIND = 'BatchRelease';

/** Batch states of status.canaryStatus.batchState (upstream BatchReleaseBatchStateType). */
export const BatchState = { Upgrading: 'Upgrading', Verifying: 'Verifying', Ready: 'Ready' } as const;

/** spec.releasePlan, keys in the order of upstream's Go struct (its JSON is what the plan hash covers). */
interface ReleasePlan {
  batches: { canaryReplicas: IntOrString }[];
  batchPartition?: number;
  rolloutID?: string;
  failureThreshold?: IntOrString;
  finalizingPolicy?: string;
  patchPodTemplateMetadata?: unknown;
  rollingStyle?: string;
  enableExtraWorkloadForCanary: boolean;
}

/** status.canaryStatus (upstream BatchReleaseCanaryStatus). */
interface BatchReleaseCanaryStatus {
  batchState?: string;
  currentBatch: number;
  batchReadyTime?: string;
  updatedReplicas?: number;
  updatedReadyReplicas?: number;
}

/** The status fields this controller writes (upstream BatchReleaseStatus). */
interface BatchReleaseStatus {
  canaryStatus?: BatchReleaseCanaryStatus;
  stableRevision?: string;
  updateRevision?: string;
  observedGeneration?: number;
  observedRolloutID?: string;
  observedWorkloadReplicas?: number;
  observedReleasePlanHash?: string;
  phase?: string;
  [k: string]: unknown;
}

/** A rollouts.kruise.io/v1beta1 BatchRelease. */
export interface BatchRelease extends KubeObject {
  spec: { workloadRef: { apiVersion?: string; kind?: string; name?: string }; releasePlan: ReleasePlan };
  status?: BatchReleaseStatus;
}

/** What the pass did to the current batch (from the Deployment control, docs/controller.md §9). */
export interface BatchProgress {
  /** 1-based step whose batch was sized. */
  stepIndex: number;
  rolloutId: string;
  updated: number;
  updatedReady: number;
  /** The batch is ready (§9). */
  ready: boolean;
}

/** The spec upstream's createBatchRelease builds: one batch per step, batchPartition = step − 1. */
export function batchReleaseSpec(rollout: Rollout, rolloutId: string, stepIndex: number): BatchRelease['spec'] {
  const ref = workloadRefOf(rollout);
  const canary = stepStrategyOf(rollout);
  const blueGreen = Boolean(rollout.spec.strategy?.blueGreen);
  const plan: ReleasePlan = {
    batches: (canary?.steps ?? []).map((step) => ({ canaryReplicas: step.replicas ?? 0 })),
    batchPartition: stepIndex - 1,
    enableExtraWorkloadForCanary: false,
  };
  // Go's omitempty: an empty rollout-id and absent pointers are not serialised.
  if (rolloutId) plan.rolloutID = rolloutId;
  if (canary?.failureThreshold !== undefined && canary.failureThreshold !== null) plan.failureThreshold = canary.failureThreshold;
  if (canary?.patchPodTemplateMetadata) plan.patchPodTemplateMetadata = canary.patchPodTemplateMetadata;
  // Upstream's GetRollingStyle: BlueGreen, Canary with an extra canary workload, else Partition.
  plan.rollingStyle = blueGreen ? 'BlueGreen' : canary?.enableExtraWorkloadForCanary ? 'Canary' : 'Partition';
  plan.enableExtraWorkloadForCanary = Boolean(!blueGreen && canary?.enableExtraWorkloadForCanary);
  return {
    workloadRef: { apiVersion: ref?.apiVersion, kind: ref?.kind, name: ref?.name },
    releasePlan: ordered(plan),
  };
}

/** The release plan with its keys in upstream's struct order (JSON.stringify keeps insertion order). */
function ordered(p: ReleasePlan): ReleasePlan {
  const keys = [
    'batches',
    'batchPartition',
    'rolloutID',
    'failureThreshold',
    'finalizingPolicy',
    'patchPodTemplateMetadata',
    'rollingStyle',
    'enableExtraWorkloadForCanary',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (p[k] !== undefined) out[k] = p[k];
  return out as unknown as ReleasePlan;
}

/** upstream util.HashReleasePlanBatches: sha256 (hex) of the release plan's JSON. */
export function releasePlanHash(plan: ReleasePlan): string {
  return createHash('sha256')
    .update(JSON.stringify(ordered(plan)))
    .digest('hex');
}

/**
 * The controller reference the Deployment's control-info annotation holds (upstream
 * BuildReleaseControlInfo). Before the BatchRelease exists its uid is empty; the applier fills it
 * in from the create that precedes the Deployment write (`fillControlInfoUid`).
 */
export function batchReleaseControlRef(rollout: Rollout, observed: BatchRelease | undefined): OwnerReference {
  return {
    apiVersion: BATCH_RELEASE_API_VERSION,
    kind: BATCH_RELEASE_KIND,
    name: rollout.metadata.name!,
    uid: observed?.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * A Deployment write whose control-info (and, for a canary Deployment created in the same pass,
 * whose owner reference) names a BatchRelease created earlier in the pass gets its uid.
 */
export function fillControlInfoUid(obj: KubeObject, createdUid: (name: string) => string | undefined): void {
  for (const owner of obj.metadata.ownerReferences ?? []) {
    if (owner.kind !== BATCH_RELEASE_KIND || owner.uid) continue;
    const uid = createdUid(owner.name);
    if (uid) owner.uid = uid;
  }
  const raw = obj.metadata.annotations?.[Annotation.controlInfo];
  if (!raw) return;
  let ref: OwnerReference;
  try {
    ref = JSON.parse(raw) as OwnerReference;
  } catch {
    return;
  }
  if (ref.kind !== BATCH_RELEASE_KIND || ref.uid) return;
  const uid = createdUid(ref.name);
  if (uid) obj.metadata.annotations![Annotation.controlInfo] = JSON.stringify({ ...ref, uid });
}

/** What planBatchRelease looks at: the objects as observed and as the pass left them. */
export interface BatchReleaseInput {
  observed: BatchRelease | undefined;
  rollout: Rollout;
  /** The Rollout's status after the pass. */
  status: RolloutStatus;
  /** The workload after the pass. */
  workload: Deployment | undefined;
  /** Set when the pass sized a batch. */
  batch: BatchProgress | undefined;
  /** Set by the pass that ran the finalising task ReleaseWorkloadControl: delete it. */
  releaseBatchRelease?: boolean;
  /** metav1.Time of the pass. */
  passTime: string;
}

/** The BatchRelease writes of a pass: `before` the workload's (create, spec), `after` (status, delete). */
export function planBatchRelease(input: BatchReleaseInput): { before: PlannedWrite[]; after: PlannedWrite[] } {
  const { observed, rollout, status, workload, batch } = input;
  const before: PlannedWrite[] = [];
  const after: PlannedWrite[] = [];
  const live = observed && !observed.metadata.deletionTimestamp ? observed : undefined;
  // Upstream's finalising task ReleaseWorkloadControl deletes it; outside a release, a left-over one goes too.
  const releasing = status.phase === Phase.Progressing || status.phase === Phase.Disabling || status.phase === Phase.Terminating;
  if (input.releaseBatchRelease || !releasing) {
    if (live) after.push({ op: 'delete', resource: 'batchreleases', object: live });
    return { before, after };
  }
  if (rollout.metadata.deletionTimestamp || !batch) return { before, after };

  const spec = batchReleaseSpec(rollout, batch.rolloutId, batch.stepIndex);
  let generation: number;
  let base: BatchRelease;
  if (!live) {
    base = {
      apiVersion: BATCH_RELEASE_API_VERSION,
      kind: BATCH_RELEASE_KIND,
      metadata: { name: rollout.metadata.name, namespace: rollout.metadata.namespace, ownerReferences: [controllerRef(rollout)] },
      spec,
    };
    before.push({ op: 'create', resource: 'batchreleases', object: base });
    generation = 1;
  } else if (canonicalJson(live.spec) !== canonicalJson(spec)) {
    // PUT with the resourceVersion read; a spec change is a new generation.
    base = { ...structuredClone(live), spec };
    before.push({ op: 'update', resource: 'batchreleases', object: base });
    generation = (live.metadata.generation ?? 0) + 1;
  } else {
    base = live;
    generation = live.metadata.generation ?? 1;
  }
  const next = batchReleaseStatus(live?.status, spec, batch, status, workload, generation, input.passTime);
  if (canonicalJson(next) !== canonicalJson(live?.status ?? {}))
    after.push({ op: 'updateStatus', resource: 'batchreleases', object: { ...structuredClone(base), status: next } });
  return { before, after };
}

/** The status upstream's BatchRelease controller would show once it has caught up with the batch. */
function batchReleaseStatus(
  prev: BatchReleaseStatus | undefined,
  spec: BatchRelease['spec'],
  batch: BatchProgress,
  status: RolloutStatus,
  workload: Deployment | undefined,
  generation: number,
  passTime: string,
): BatchReleaseStatus {
  const currentBatch = batch.stepIndex - 1;
  const wasReady = prev?.canaryStatus?.batchState === BatchState.Ready && prev.canaryStatus.currentBatch === currentBatch;
  // The partition is written in this pass (Upgrading is over): Verifying until the batch is ready.
  const canaryStatus: BatchReleaseCanaryStatus = {
    batchState: batch.ready ? BatchState.Ready : BatchState.Verifying,
    currentBatch,
  };
  if (batch.ready) canaryStatus.batchReadyTime = wasReady ? (prev?.canaryStatus?.batchReadyTime ?? passTime) : passTime;
  // Go's omitempty drops zero counts.
  if (batch.updated) canaryStatus.updatedReplicas = batch.updated;
  if (batch.updatedReady) canaryStatus.updatedReadyReplicas = batch.updatedReady;
  const out: BatchReleaseStatus = { canaryStatus };
  const canary = status.canaryStatus ?? status.blueGreenStatus;
  if (canary?.stableRevision) out.stableRevision = canary.stableRevision;
  const updateRevision = canary?.canaryRevision ?? canary?.updatedRevision;
  if (updateRevision) out.updateRevision = updateRevision;
  out.observedGeneration = generation;
  if (spec.releasePlan.rolloutID) out.observedRolloutID = spec.releasePlan.rolloutID;
  const replicas = workload ? workloadReplicas(workload) : 1;
  if (replicas) out.observedWorkloadReplicas = replicas;
  out.observedReleasePlanHash = releasePlanHash(spec.releasePlan);
  out.phase = 'Progressing';
  return out;
}
