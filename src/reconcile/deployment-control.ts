// Partition-style Deployment control (Kruise's BatchRelease + advanced Deployment controller),
// as pure edits of in-memory copies: take control, size one batch, label pods, hand back.
import type { OwnerReference } from '../kube/types.js';
import type { Rollout } from '../rollout/types.js';
import { Annotation, Label } from '../rollout/types.js';
import {
  controllerRef,
  findNewReplicaSet,
  isControlledBy,
  newReplicaSetFor,
  REVISION_ANNOTATION,
  revisionOf,
} from '../workload/deployment.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash } from '../workload/hash.js';
import { dropMetadata } from '../workload/metadata.js';
import { batchReplicas, batchReplicasOrZero } from '../workload/partition.js';
import { DESIRED_REPLICAS_ANNOTATION, fenceposts, MAX_REPLICAS_ANNOTATION, rollPartition } from '../workload/partition-rolling.js';
import { isPodReady } from '../workload/pods.js';
import type { Deployment, IntOrString, Pod, ReplicaSet } from '../workload/types.js';

/** The JSON kept in the Deployment's `rollouts.kruise.io/deployment-strategy` annotation. */
interface DeploymentStrategyAnnotation {
  rollingStyle?: string;
  rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString };
  paused?: boolean;
  /** How many (or what share of) pods may be updated: only ever raised within a release. */
  partition?: IntOrString;
  [k: string]: unknown;
}

/** The pod label upstream's label patcher writes (apps/v1 ControllerRevisionHashLabelKey). */
const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

const DEFAULT_ROLLING_UPDATE = { maxSurge: '25%', maxUnavailable: '25%' };

/** The parsed deployment-strategy annotation, if present and valid JSON. */
export function readStrategyAnnotation(d: Deployment): DeploymentStrategyAnnotation | undefined {
  const raw = d.metadata.annotations?.[Annotation.deploymentStrategy];
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as DeploymentStrategyAnnotation) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an int-or-percent budget is zero (absent counts as not set, so not zero). */
const isZero = (v: IntOrString | undefined): boolean => v !== undefined && v !== null && Number.parseInt(String(v), 10) === 0;

/**
 * The annotation's text exactly as upstream writes it: Go's json.Marshal of DeploymentStrategy
 * (api/v1alpha1/deployment_types.go), fields in declaration order — `rollingStyle` and
 * `rollingUpdate` {`maxUnavailable`, `maxSurge`} omitted when empty, `paused` only when true,
 * `partition` always (a struct is never empty to omitempty) — after SetDefaultDeploymentStrategy's
 * "both budgets 0 → maxSurge 0, maxUnavailable 1". Unknown fields are dropped, as Go's round trip does.
 * The one serialiser: the controller (docs/controller.md §12) and workload admission (§5) use it.
 */
export function strategyAnnotationText(s: DeploymentStrategyAnnotation): string {
  const out: Record<string, unknown> = {};
  if (s.rollingStyle) out.rollingStyle = s.rollingStyle;
  let ru = s.rollingUpdate;
  if (s.rollingStyle === 'Partition' && ru && isZero(ru.maxSurge) && isZero(ru.maxUnavailable)) ru = { maxSurge: 0, maxUnavailable: 1 };
  if (ru) {
    const rollingUpdate: Record<string, unknown> = {};
    if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) rollingUpdate.maxUnavailable = ru.maxUnavailable;
    if (ru.maxSurge !== undefined && ru.maxSurge !== null) rollingUpdate.maxSurge = ru.maxSurge;
    out.rollingUpdate = rollingUpdate;
  }
  if (s.paused === true) out.paused = true;
  out.partition = s.partition ?? 0;
  return JSON.stringify(out);
}

/** Stores the deployment-strategy annotation (its text from strategyAnnotationText). */
export function writeStrategyAnnotation(d: Deployment, s: DeploymentStrategyAnnotation): void {
  d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [Annotation.deploymentStrategy]: strategyAnnotationText(s) };
}

/** Whether the Deployment carries any mark of rollout control. */
function isUnderControl(d: Deployment): boolean {
  const l = d.metadata.labels ?? {};
  const a = d.metadata.annotations ?? {};
  return Boolean(
    l[Label.controlledByAdvancedDeployment] ||
      l[Label.stableRevision] ||
      a[Annotation.inProgressing] ||
      a[Annotation.deploymentStrategy] ||
      a[Annotation.controlInfo] ||
      a[Annotation.deploymentExtraStatus],
  );
}

/**
 * Takes the Deployment over for a release: paused, Recreate (the rollingUpdate saved in the
 * deployment-strategy annotation), controlled-by label, control-info (naming `controlInfo`, the
 * BatchRelease, else the Rollout), stable-revision, in-progressing.
 */
export function takeControl(d: Deployment, rollout: Rollout, stableRevision: string | undefined, controlInfo?: OwnerReference): void {
  const labels = { ...(d.metadata.labels ?? {}) };
  const annotations = { ...(d.metadata.annotations ?? {}) };
  labels[Label.controlledByAdvancedDeployment] = 'true';
  if (!labels[Label.stableRevision] && stableRevision) labels[Label.stableRevision] = stableRevision;
  if (!annotations[Annotation.inProgressing])
    annotations[Annotation.inProgressing] = JSON.stringify({ rolloutName: rollout.metadata.name });
  const wantedControlInfo = JSON.stringify(controlInfo ?? controllerRef(rollout));
  // A control-info naming an earlier BatchRelease (or none yet: empty uid) is brought up to date.
  if (!annotations[Annotation.controlInfo] || (controlInfo?.uid && annotations[Annotation.controlInfo] !== wantedControlInfo))
    annotations[Annotation.controlInfo] = wantedControlInfo;
  d.metadata.labels = labels;
  d.metadata.annotations = annotations;
  const saved = readStrategyAnnotation(d);
  if (!saved) {
    writeStrategyAnnotation(d, {
      rollingStyle: 'Partition',
      rollingUpdate: d.spec.strategy?.rollingUpdate ?? DEFAULT_ROLLING_UPDATE,
      paused: false,
      partition: 0,
    });
  } else if (d.spec.strategy?.rollingUpdate) {
    // A rollingUpdate submitted during the release is the user's latest wish: keep it for the hand-back.
    writeStrategyAnnotation(d, { ...saved, rollingUpdate: d.spec.strategy.rollingUpdate });
  }
  d.spec.paused = true;
  d.spec.strategy = { type: 'Recreate' };
}

/** Resets the partition to 0 (a new release of the same Rollout starts from nothing). */
export function resetPartition(d: Deployment): void {
  const saved = readStrategyAnnotation(d);
  if (saved) writeStrategyAnnotation(d, { ...saved, partition: 0 });
}

/** Raises the partition to `desired` when it allows more pods than the current one; returns the partition in force. */
export function raisePartition(d: Deployment, desired: IntOrString, replicas: number): IntOrString {
  const saved = readStrategyAnnotation(d) ?? {
    rollingStyle: 'Partition',
    rollingUpdate: DEFAULT_ROLLING_UPDATE,
    paused: false,
    partition: 0,
  };
  const current = saved.partition ?? 0;
  if (batchReplicas(desired, replicas, 'partition') > batchReplicasOrZero(current, replicas, 'partition')) {
    writeStrategyAnnotation(d, { ...saved, partition: desired });
    return desired;
  }
  if (!readStrategyAnnotation(d)) writeStrategyAnnotation(d, saved);
  return current;
}

/**
 * Gives the Deployment back to the native controller: unpaused, RollingUpdate with the saved
 * settings, every rollout label and annotation removed. No-op for a Deployment we never touched.
 */
export function handBack(d: Deployment): void {
  if (!isUnderControl(d)) return;
  const saved = readStrategyAnnotation(d);
  dropMetadata(d, {
    labels: [Label.controlledByAdvancedDeployment, Label.stableRevision],
    annotations: [Annotation.inProgressing, Annotation.deploymentStrategy, Annotation.deploymentExtraStatus, Annotation.controlInfo],
  });
  d.spec.paused = false;
  d.spec.strategy = {
    type: 'RollingUpdate',
    rollingUpdate: saved?.rollingUpdate ?? d.spec.strategy?.rollingUpdate ?? DEFAULT_ROLLING_UPDATE,
  };
}

/** The result of sizing one batch. */
interface BatchOutcome {
  /** Pods the new ReplicaSet is to have in this batch (the partition's limit). */
  target: number;
  updated: number;
  updatedReady: number;
  /** Pods of the new ReplicaSet labelled with this release's rollout-id. */
  labelled: number;
  /** A ReplicaSet to create (no resourceVersion yet), if the template has none. */
  created?: ReplicaSet;
}

/**
 * Whether a pod counts as available at `now`: Ready, not being deleted, and Ready for at least
 * minReadySeconds (as the ReplicaSet controller computes availableReplicas).
 */
function isPodAvailable(p: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse((p.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
  return !Number.isFinite(since) || since + minReadySeconds * 1000 <= now.getTime();
}

/**
 * Rolls the batch one step the way Kruise's advanced Deployment controller does
 * (src/workload/partition-rolling.ts): the new ReplicaSet grows within maxSurge up to the
 * partition, the old ones shrink within maxUnavailable, a rescale is spread proportionally. Called
 * on every pass, so the batch completes over several passes as pods become available. Labels the
 * new ReplicaSet's pods with the rollout-id and the 1-based batch. Edits rss/pods in place.
 */
export function sizeBatch(
  d: Deployment,
  rss: ReplicaSet[],
  pods: Pod[],
  partition: IntOrString,
  release: PodBatchRelease,
  now: Date,
): BatchOutcome {
  const replicas = d.spec.replicas ?? 1;
  const saved = readStrategyAnnotation(d);
  const fresh = findNewReplicaSet(d, rss);
  const minReadySeconds = d.spec.minReadySeconds ?? 0;
  const roll = (newReplicaSet: ReplicaSet | undefined) =>
    rollPartition({
      deployment: d,
      replicaSets: rss,
      newReplicaSet,
      partition,
      rollingUpdate: saved?.rollingUpdate ?? DEFAULT_ROLLING_UPDATE,
      paused: saved?.paused === true,
      available: (rs) => pods.filter((p) => isControlledBy(p, rs) && isPodAvailable(p, minReadySeconds, now)).length,
    });
  const outcome = roll(fresh);
  let created: ReplicaSet | undefined;
  if (outcome.createWith !== undefined) {
    const revision = rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0) + 1;
    created = newReplicaSetFor(d, outcome.createWith, revision);
    const { surge } = fenceposts(saved?.rollingUpdate ?? DEFAULT_ROLLING_UPDATE, replicas);
    created.metadata.annotations = {
      ...created.metadata.annotations,
      [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
      [MAX_REPLICAS_ANNOTATION]: String(replicas + surge),
    };
    rss.push(created);
    // As upstream, the old ReplicaSets may give way in the same pass (within maxUnavailable).
    roll(created);
  }
  syncRevision(d, created ?? fresh, rss);
  labelRevisionHash(rss, pods);
  const newPods = fresh ? pods.filter((p) => !p.metadata.deletionTimestamp && isControlledBy(p, fresh)) : [];
  labelPodBatches(newPods, release, replicas, batchReplicas(partition, replicas, 'partition'));
  return {
    target: batchReplicas(partition, replicas, 'partition'),
    updated: newPods.length,
    updatedReady: newPods.filter(isPodReady).length,
    labelled: newPods.filter((p) => p.metadata.labels?.[Label.rolloutId] === release.rolloutId).length,
    created,
  };
}

/**
 * The revision bookkeeping of upstream's advanced Deployment controller (pkg/controller/deployment/sync.go
 * getNewReplicaSet): the new ReplicaSet's revision is raised to max(old) + 1 when below it, and the
 * Deployment's `deployment.kubernetes.io/revision` follows the new ReplicaSet's, so `kubectl
 * rollout history` and the annotation agree during a release (docs/controller.md §12).
 */
function syncRevision(d: Deployment, newReplicaSet: ReplicaSet | undefined, rss: ReplicaSet[]): void {
  if (!newReplicaSet) return;
  const next = rss.reduce((m, rs) => (rs === newReplicaSet ? m : Math.max(m, revisionOf(rs))), 0) + 1;
  if (revisionOf(newReplicaSet) < next)
    newReplicaSet.metadata.annotations = { ...(newReplicaSet.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(next) };
  const revision = newReplicaSet.metadata.annotations?.[REVISION_ANNOTATION];
  if (revision && d.metadata.annotations?.[REVISION_ANNOTATION] !== revision)
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
}

/**
 * Upstream's label patcher (pkg/controller/batchrelease/labelpatch/patcher.go) gives every live pod
 * of the workload without one a `controller-revision-hash` label: the hash of its ReplicaSet's
 * template. Here it is the ReplicaSet's `pod-template-hash`, the value the cluster's Deployment
 * controller computed from that same template (our own hash only when the ReplicaSet has none).
 */
function labelRevisionHash(rss: ReplicaSet[], pods: Pod[]): void {
  for (const p of pods) {
    if (p.metadata.deletionTimestamp || p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]) continue;
    const rs = rss.find((r) => isControlledBy(p, r));
    if (!rs) continue;
    const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] || podTemplateHash(rs.spec.template);
    p.metadata.labels = { ...(p.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
  }
}

/** The release whose batches pods are labelled with. */
export interface PodBatchRelease {
  rolloutId: string;
  /** The current step, 1-based. */
  batch: number;
  /** Every step's replicas, in order (the BatchRelease's release plan). */
  batches: (IntOrString | undefined)[];
}

/**
 * Upstream's label patcher (pkg/controller/batchrelease/labelpatch/patcher.go): each batch up to
 * the current one gets as many pods labelled `rollout-id` / `rollout-batch-id` as it adds to the
 * plan (its replicas scaled up, minus the previous batch's); pods already labelled with this
 * release and a valid batch count against theirs; the rest (new pods, or every pod of a release
 * that only changed the rollout-id) are labelled from the current batch down, the last by name
 * first. So a rollout-id-only release labels its pods batch by batch. `target`: the pods the
 * partition in force allows, which the current batch labels at least. Edits pods in place.
 */
export function labelPodBatches(newPods: Pod[], release: PodBatchRelease, replicas: number, target = 0): void {
  if (!release.rolloutId) return;
  const current = Math.min(Math.max(release.batch, 1), release.batches.length);
  const planned = release.batches.map((value, i) => (i < current ? batchReplicasOrZero(value ?? 0, replicas, 'plain') : 0));
  // After a jump back the partition in force (never lowered) is larger than the step's batch:
  // the current batch labels up to it, so the batch can be ready (§10).
  if (current >= 1) planned[current - 1] = Math.max(planned[current - 1]!, target);
  for (let i = current - 1; i > 0; i--) planned[i] = planned[i]! - planned[i - 1]!;
  const unpatched: Pod[] = [];
  for (const p of [...newPods].sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)))) {
    const labels = p.metadata.labels ?? {};
    const batch = Number(labels[Label.batchId]);
    if (labels[Label.rolloutId] !== release.rolloutId || !Number.isInteger(batch) || batch < 1 || batch > planned.length) {
      unpatched.push(p);
      continue;
    }
    planned[batch - 1] = planned[batch - 1]! - 1;
  }
  for (let i = planned.length - 1; i >= 0; i--) {
    for (; planned[i]! > 0 && unpatched.length > 0; planned[i] = planned[i]! - 1) {
      const p = unpatched.pop()!;
      p.metadata.labels = { ...(p.metadata.labels ?? {}), [Label.rolloutId]: release.rolloutId, [Label.batchId]: String(i + 1) };
    }
  }
}

/** Updated / updated-ready pods of the Deployment's current template (observed, nothing changed). */
export function countUpdated(d: Deployment, rss: ReplicaSet[], pods: Pod[]): { updated: number; updatedReady: number } {
  const fresh = findNewReplicaSet(d, rss);
  const newPods = fresh ? pods.filter((p) => !p.metadata.deletionTimestamp && isControlledBy(p, fresh)) : [];
  return { updated: newPods.length, updatedReady: newPods.filter(isPodReady).length };
}

/** Records the batch progress in the deployment-extra-status annotation. */
export function writeExtraStatus(d: Deployment, updatedReady: number, expected: number): void {
  d.metadata.annotations = {
    ...(d.metadata.annotations ?? {}),
    [Annotation.deploymentExtraStatus]: JSON.stringify({ updatedReadyReplicas: updatedReady, expectedUpdatedReplicas: expected }),
  };
}
