// Partition-style Deployment control (Kruise's BatchRelease + advanced Deployment controller),
// as pure edits of in-memory copies: take control, size one batch, label pods, hand back.
import type { OwnerReference } from '../kube/types.js';
import type { Rollout } from '../rollout/types.js';
import { Annotation, Label } from '../rollout/types.js';
import { controllerRef, findNewReplicaSet, isControlledBy, newReplicaSetFor, revisionOf } from '../workload/deployment.js';
import { podTemplateHash } from '../workload/hash.js';
import { batchReplicas, batchReplicasOrZero } from '../workload/partition.js';
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

function writeStrategyAnnotation(d: Deployment, s: DeploymentStrategyAnnotation): void {
  d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [Annotation.deploymentStrategy]: JSON.stringify(s) };
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
  const labels = { ...(d.metadata.labels ?? {}) };
  const annotations = { ...(d.metadata.annotations ?? {}) };
  delete labels[Label.controlledByAdvancedDeployment];
  delete labels[Label.stableRevision];
  for (const k of [Annotation.inProgressing, Annotation.deploymentStrategy, Annotation.deploymentExtraStatus, Annotation.controlInfo])
    delete annotations[k];
  d.metadata.labels = labels;
  d.metadata.annotations = annotations;
  d.spec.paused = false;
  d.spec.strategy = {
    type: 'RollingUpdate',
    rollingUpdate: saved?.rollingUpdate ?? d.spec.strategy?.rollingUpdate ?? DEFAULT_ROLLING_UPDATE,
  };
}

/** Whether a pod is Ready (condition Ready=True) and not being deleted. */
function isPodReady(p: Pod): boolean {
  return !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The result of sizing one batch. */
interface BatchOutcome {
  /** Pods the new ReplicaSet should have now. */
  target: number;
  updated: number;
  updatedReady: number;
  /** Pods of the new ReplicaSet labelled with this release's rollout-id. */
  labelled: number;
  /** A ReplicaSet to create (no resourceVersion yet), if the template has none. */
  created?: ReplicaSet;
}

/**
 * Sizes the batch: the new ReplicaSet to `limit(partition)` (never shrunk unless the Deployment was
 * rescaled), the old ones to replicas − target (newest keeps its pods longest), and labels the
 * new ReplicaSet's pods with the rollout-id and the 1-based batch. Edits rss/pods in place.
 */
export function sizeBatch(
  d: Deployment,
  rss: ReplicaSet[],
  pods: Pod[],
  partition: IntOrString,
  release: { rolloutId: string; batch: number },
): BatchOutcome {
  const replicas = d.spec.replicas ?? 1;
  const fresh = findNewReplicaSet(d, rss);
  const olds = rss.filter((rs) => rs !== fresh);
  const specTotal = rss.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
  let target = batchReplicas(partition, replicas, 'partition');
  // Like the advanced Deployment controller: the new ReplicaSet is never shrunk to the partition;
  // only a change of spec.replicas (HPA) rescales it, by the percentage.
  if (fresh && specTotal === replicas) target = Math.max(target, Math.min(fresh.spec.replicas ?? 0, replicas));
  let created: ReplicaSet | undefined;
  if (fresh) {
    if ((fresh.spec.replicas ?? 0) !== target) fresh.spec.replicas = target;
  } else if (target > 0) {
    const revision = rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0) + 1;
    created = newReplicaSetFor(d, target, revision);
    rss.push(created);
  }
  let budget = replicas - target;
  const newestFirst = [...olds].sort(
    (a, b) =>
      revisionOf(b) - revisionOf(a) || String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
  );
  for (const rs of newestFirst) {
    const keep = Math.min(rs.spec.replicas ?? 0, budget);
    budget -= keep;
    if ((rs.spec.replicas ?? 0) !== keep) rs.spec.replicas = keep;
  }
  if (budget > 0 && newestFirst.length > 0) {
    // Scaled up mid-release: the extra old pods go to the stable ReplicaSet, else the newest old one.
    const stable = d.metadata.labels?.[Label.stableRevision];
    const home =
      newestFirst.find((rs) => rs.metadata.labels?.['pod-template-hash'] === stable || podTemplateHash(rs.spec.template) === stable) ??
      newestFirst[0]!;
    home.spec.replicas = (home.spec.replicas ?? 0) + budget;
  }
  const newPods = fresh ? pods.filter((p) => !p.metadata.deletionTimestamp && isControlledBy(p, fresh)) : [];
  for (const p of newPods) {
    const labels = p.metadata.labels ?? {};
    if (labels[Label.rolloutId] !== release.rolloutId) {
      p.metadata.labels = { ...labels, [Label.rolloutId]: release.rolloutId, [Label.batchId]: String(release.batch) };
    }
  }
  return {
    target,
    updated: newPods.length,
    updatedReady: newPods.filter(isPodReady).length,
    labelled: newPods.filter((p) => p.metadata.labels?.[Label.rolloutId] === release.rolloutId).length,
    created,
  };
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
