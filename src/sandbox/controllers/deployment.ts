// The sandbox's Deployment controller: native rolling update / recreate, proportional scaling of
// paused Deployments, revision bookkeeping and history cleanup, as kube-controller-manager does.
// A partition-style Deployment driven by the Kruise rollout controller only gets its status.
import { kubeTime } from '../../kube/time.js';
import { Label } from '../../rollout/types.js';
import { findNewReplicaSet, isControlledBy, newReplicaSetFor, REVISION_ANNOTATION, revisionOf } from '../../workload/deployment.js';
import { canonicalJson, podTemplateHash } from '../../workload/hash.js';
import { scaledValue } from '../../workload/intstr.js';
import type { Deployment, ReplicaSet } from '../../workload/types.js';
import type { ControllerAction, ControllerResult } from './types.js';

/** On each ReplicaSet: the Deployment's spec.replicas when it was last sized (detects scaling events). */
const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** On each ReplicaSet: spec.replicas + maxSurge when it was last sized (the base of proportional scaling). */
const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

type Condition = NonNullable<NonNullable<Deployment['status']>['conditions']>[number];

/** Whether the Deployment is partition-style under the Kruise rollout controller (paused + label). */
function isControlledByRollout(d: Deployment): boolean {
  return d.metadata.labels?.[Label.controlledByAdvancedDeployment] === 'true' && d.spec.paused === true;
}

/** The Deployment's maxSurge in pods (0 unless RollingUpdate), rounded up as Kubernetes does. */
function maxSurgeOf(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d).surge;
}

/** The Deployment's maxUnavailable in pods (0 unless RollingUpdate), rounded down as Kubernetes does. */
function maxUnavailableOf(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, replicas);
}

function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const replicas = desiredReplicas(d);
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? '25%', replicas, false);
  // Both zero would deadlock the rollout: Kubernetes then allows one unavailable pod.
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
const byCreation = (a: ReplicaSet, b: ReplicaSet): number =>
  String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
  String(a.metadata.name).localeCompare(String(b.metadata.name));

/**
 * One pass of the Deployment controller over the Deployment and the ReplicaSets it owns.
 * The caller re-runs it whenever the Deployment or one of its ReplicaSets changes.
 */
export function reconcileDeployment(d: Deployment, owned: ReplicaSet[], now: Date, opts: { hashSalt?: string } = {}): ControllerResult {
  if (d.metadata.deletionTimestamp) return { actions: [] };
  const all = owned.filter((rs) => !rs.metadata.deletionTimestamp && (!d.metadata.uid || isControlledBy(rs, d)));

  if (isControlledByRollout(d)) {
    // The Kruise rollout controller scales the ReplicaSets; touching them here would fight it.
    return { actions: statusAction(d, all, findNewReplicaSet(d, all), now) };
  }

  const plan = new Plan(d, all, opts.hashSalt ?? '');
  if (d.spec.paused || plan.isScalingEvent()) {
    plan.syncRevision(false);
    plan.scale();
    plan.cleanup();
  } else if (!isRollingUpdate(d)) {
    plan.rolloutRecreate();
  } else {
    plan.rolloutRolling();
  }
  return { actions: plan.actions(now) };
}

/** Working copies of the ReplicaSets; each changed object yields exactly one action at the end. */
class Plan {
  private readonly rss: ReplicaSet[];
  private readonly dirty = new Set<ReplicaSet>();
  private readonly deleted = new Set<ReplicaSet>();
  private created: ReplicaSet | undefined;
  private newRS: ReplicaSet | undefined;
  private deploymentRevision: string | undefined;

  constructor(
    private readonly d: Deployment,
    owned: ReplicaSet[],
    private readonly hashSalt: string,
  ) {
    this.rss = owned.map((rs) => JSON.parse(JSON.stringify(rs)) as ReplicaSet);
    this.newRS = findNewReplicaSet(d, this.rss);
  }

  private olds(): ReplicaSet[] {
    return this.rss.filter((rs) => rs !== this.newRS && !this.deleted.has(rs));
  }

  private current(): ReplicaSet[] {
    return [...this.olds(), ...(this.newRS ? [this.newRS] : [])];
  }

  /** Kubernetes' isScalingEvent: an active ReplicaSet was sized for another spec.replicas. */
  isScalingEvent(): boolean {
    return this.rss.some((rs) => {
      if (specReplicas(rs) === 0) return false;
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== desiredReplicas(this.d);
    });
  }

  /** Numbers the new ReplicaSet max(old revisions)+1 (also when the template returns to an old one); creates it when asked. */
  syncRevision(createIfMissing: boolean): void {
    const maxOld = Math.max(0, ...this.olds().map(revisionOf));
    const revision = maxOld + 1;
    if (this.newRS) {
      // As Kubernetes' getNewReplicaSet: the new ReplicaSet follows the Deployment's minReadySeconds
      // (blue-green restores it at the cut-over, and the new pods become available).
      if ((this.newRS.spec.minReadySeconds ?? 0) !== (this.d.spec.minReadySeconds ?? 0)) {
        if (this.d.spec.minReadySeconds) this.newRS.spec.minReadySeconds = this.d.spec.minReadySeconds;
        else delete this.newRS.spec.minReadySeconds;
        this.dirty.add(this.newRS);
      }
      if (revisionOf(this.newRS) < revision) {
        this.newRS.metadata.annotations = { ...(this.newRS.metadata.annotations ?? {}), [REVISION_ANNOTATION]: String(revision) };
        this.dirty.add(this.newRS);
      }
      this.deploymentRevision = this.newRS.metadata.annotations?.[REVISION_ANNOTATION];
    } else if (createIfMissing) {
      const rs = newReplicaSetFor(this.d, this.newReplicasCount(0), revision, podTemplateHash(this.d.spec.template, this.hashSalt));
      this.setReplicasAnnotations(rs);
      this.created = rs;
      this.newRS = rs;
      this.deploymentRevision = String(revision);
    }
  }

  /** Kubernetes' NewRSNewReplicas: how far the new ReplicaSet may grow now. */
  private newReplicasCount(currentNew: number): number {
    const replicas = desiredReplicas(this.d);
    if (!isRollingUpdate(this.d)) return replicas;
    const total = this.current().reduce((n, rs) => n + specReplicas(rs), 0) + (this.newRS ? 0 : currentNew);
    const maxTotal = replicas + maxSurgeOf(this.d);
    if (total >= maxTotal) return currentNew;
    return currentNew + Math.min(maxTotal - total, Math.max(0, replicas - currentNew));
  }

  private setReplicasAnnotations(rs: ReplicaSet): void {
    const desired = String(desiredReplicas(this.d));
    const max = String(desiredReplicas(this.d) + maxSurgeOf(this.d));
    const a = rs.metadata.annotations ?? {};
    if (a[DESIRED_REPLICAS_ANNOTATION] !== desired || a[MAX_REPLICAS_ANNOTATION] !== max) {
      rs.metadata.annotations = { ...a, [DESIRED_REPLICAS_ANNOTATION]: desired, [MAX_REPLICAS_ANNOTATION]: max };
      this.dirty.add(rs);
    }
  }

  private scaleTo(rs: ReplicaSet, replicas: number): void {
    if (specReplicas(rs) !== replicas) {
      rs.spec.replicas = replicas;
      this.dirty.add(rs);
    }
    this.setReplicasAnnotations(rs);
  }

  rolloutRolling(): void {
    this.syncRevision(true);
    if (this.created) return; // created with its first size; the rest happens once it exists
    const newRS = this.newRS!;
    const replicas = desiredReplicas(this.d);
    // Scale the new ReplicaSet up (within maxSurge) or down to spec.replicas.
    if (specReplicas(newRS) > replicas) this.scaleTo(newRS, replicas);
    else if (specReplicas(newRS) < replicas) this.scaleTo(newRS, this.newReplicasCount(specReplicas(newRS)));
    this.reconcileOldReplicaSets();
    if (this.isComplete()) this.cleanup();
  }

  /** Kubernetes' reconcileOldReplicaSets: scale old ReplicaSets down without going below minAvailable. */
  private reconcileOldReplicaSets(): void {
    const olds = this.olds().sort(byCreation);
    if (olds.reduce((n, rs) => n + specReplicas(rs), 0) === 0) return;
    const newRS = this.newRS!;
    const allPods = this.current().reduce((n, rs) => n + specReplicas(rs), 0);
    const minAvailable = desiredReplicas(this.d) - maxUnavailableOf(this.d);
    const newUnavailable = Math.max(0, specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0));
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;

    // First drop old pods that are not available anyway: this never lowers availability.
    let cleaned = 0;
    for (const rs of olds) {
      if (cleaned >= maxScaledDown) break;
      if (specReplicas(rs) === 0) continue;
      const unhealthy = Math.max(0, specReplicas(rs) - (rs.status?.availableReplicas ?? 0));
      const count = Math.min(maxScaledDown - cleaned, unhealthy);
      if (count > 0) {
        this.scaleTo(rs, specReplicas(rs) - count);
        cleaned += count;
      }
    }

    // Then available old pods, as far as availability above minAvailable allows.
    const availableNow = this.current().reduce((n, rs) => n + Math.min(rs.status?.availableReplicas ?? 0, specReplicas(rs)), 0);
    if (availableNow <= minAvailable) return;
    const budget = Math.min(availableNow - minAvailable, maxScaledDown - cleaned);
    let scaled = 0;
    for (const rs of olds) {
      if (scaled >= budget) break;
      if (specReplicas(rs) === 0) continue;
      const count = Math.min(specReplicas(rs), budget - scaled);
      this.scaleTo(rs, specReplicas(rs) - count);
      scaled += count;
    }
  }

  rolloutRecreate(): void {
    this.syncRevision(false);
    const olds = this.olds();
    let scaledDown = false;
    for (const rs of olds) {
      if (specReplicas(rs) > 0) {
        this.scaleTo(rs, 0);
        scaledDown = true;
      }
    }
    if (scaledDown) return;
    // Recreate: no new pod before every old pod is gone.
    if (olds.some((rs) => (rs.status?.replicas ?? 0) > 0)) return;
    if (!this.newRS) {
      this.syncRevision(true);
      return;
    }
    this.scaleTo(this.newRS, desiredReplicas(this.d));
    if (this.isComplete()) this.cleanup();
  }

  /** Kubernetes' scale(): resize for a new spec.replicas, proportionally when several ReplicaSets are active. */
  scale(): void {
    const replicas = desiredReplicas(this.d);
    const current = this.current();
    const active = current.filter((rs) => specReplicas(rs) > 0);
    let activeOrLatest: ReplicaSet | undefined;
    if (active.length === 1) activeOrLatest = active[0];
    else if (active.length === 0) activeOrLatest = this.newRS ?? [...current].sort(byCreation).pop();
    if (activeOrLatest) {
      this.scaleTo(activeOrLatest, replicas);
      return;
    }
    const newRS = this.newRS;
    if (
      newRS &&
      specReplicas(newRS) === replicas &&
      newRS.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(replicas) &&
      (newRS.status?.availableReplicas ?? 0) === replicas
    ) {
      for (const rs of this.olds()) this.scaleTo(rs, 0);
      return;
    }
    if (!isRollingUpdate(this.d)) return;

    const allowed = replicas > 0 ? replicas + maxSurgeOf(this.d) : 0;
    const total = active.reduce((n, rs) => n + specReplicas(rs), 0);
    const toAdd = allowed - total;
    if (toAdd === 0) return;
    // Largest first; newer first when growing, older first when shrinking (Kubernetes' sort).
    const sorted = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? -byCreation(a, b) : byCreation(a, b)));
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of sorted) {
      const proportion = this.proportion(rs, toAdd, added);
      sizes.set(rs, specReplicas(rs) + proportion);
      added += proportion;
    }
    // Rounding leftovers go to the largest ReplicaSet.
    const first = sorted[0]!;
    sizes.set(first, sizes.get(first)! + (toAdd - added));
    for (const [rs, size] of sizes) this.scaleTo(rs, Math.max(0, size));
  }

  private proportion(rs: ReplicaSet, toAdd: number, added: number): number {
    if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
    const replicas = desiredReplicas(this.d);
    let fraction: number;
    if (replicas === 0) {
      fraction = -specReplicas(rs);
    } else {
      const deploymentReplicas = replicas + maxSurgeOf(this.d);
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? this.d.status?.replicas ?? 0);
      fraction = annotated > 0 ? Math.round((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs) : 0;
    }
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private isComplete(): boolean {
    const replicas = desiredReplicas(this.d);
    const newRS = this.newRS;
    if (!newRS || specReplicas(newRS) !== replicas || (newRS.status?.availableReplicas ?? 0) < replicas) return false;
    return this.olds().every((rs) => specReplicas(rs) === 0);
  }

  /** Deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  cleanup(): void {
    const limit = this.d.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const cleanable = this.olds()
      .filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of cleanable.slice(0, Math.max(0, cleanable.length - limit))) this.deleted.add(rs);
  }

  actions(now: Date): ControllerAction[] {
    const out: ControllerAction[] = [];
    if (this.created) out.push({ op: 'create', resource: 'replicasets', object: this.created });
    for (const rs of this.rss) {
      if (this.deleted.has(rs)) out.push({ op: 'delete', resource: 'replicasets', object: rs });
      else if (this.dirty.has(rs)) out.push({ op: 'update', resource: 'replicasets', object: rs });
    }
    const annotations = this.d.metadata.annotations ?? {};
    if (this.deploymentRevision !== undefined && annotations[REVISION_ANNOTATION] !== this.deploymentRevision) {
      // Metadata first: the status write follows on the next pass (one write per object per pass).
      const updated: Deployment = {
        ...this.d,
        metadata: { ...this.d.metadata, annotations: { ...annotations, [REVISION_ANNOTATION]: this.deploymentRevision } },
      };
      out.push({ op: 'update', resource: 'deployments', object: updated });
    } else {
      const live = this.rss.filter((rs) => !this.deleted.has(rs));
      out.push(...statusAction(this.d, live, this.newRS, now));
    }
    return out;
  }
}

/** The Deployment's status from its ReplicaSets' statuses, as an updateStatus action when it changed. */
function statusAction(d: Deployment, rss: ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): ControllerAction[] {
  const status = deploymentStatus(d, rss, newRS, now);
  if (canonicalJson(status) === canonicalJson(d.status ?? {})) return [];
  return [{ op: 'updateStatus', resource: 'deployments', object: { ...d, status } }];
}

/** Kubernetes' calculateStatus plus the Available and Progressing conditions. */
function deploymentStatus(d: Deployment, rss: ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): NonNullable<Deployment['status']> {
  const sum = (f: (rs: ReplicaSet) => number): number => rss.reduce((n, rs) => n + f(rs), 0);
  const replicas = sum((rs) => rs.status?.replicas ?? 0);
  const available = sum((rs) => rs.status?.availableReplicas ?? 0);
  const totalSpec = sum(specReplicas);
  const updated = newRS?.status?.replicas ?? 0;
  const desired = desiredReplicas(d);
  const observedGeneration = d.metadata.generation ?? d.status?.observedGeneration ?? 0;

  let conditions = [...(d.status?.conditions ?? [])];
  const minAvailable = desired - maxUnavailableOf(d);
  conditions = setCondition(
    conditions,
    available >= minAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    now,
  );
  const complete = newRS !== undefined && updated === desired && replicas === desired && available === desired && totalSpec === desired;
  let progressing: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>;
  if (d.spec.paused) progressing = { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' };
  else if (complete)
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${newRS!.metadata.name}" has successfully progressed.`,
    };
  else if (newRS)
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${newRS.metadata.name}" is progressing.`,
    };
  else
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `Deployment "${d.metadata.name}" is progressing.`,
    };
  conditions = setCondition(conditions, progressing, now);

  const status: NonNullable<Deployment['status']> = {
    ...(d.status ?? {}),
    observedGeneration,
    replicas,
    updatedReplicas: updated,
    readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, totalSpec - available),
    conditions,
  };
  return status;
}

// Kubernetes' SetDeploymentCondition: same status and reason → untouched (no churn); same status
// → keep lastTransitionTime.
function setCondition(conditions: Condition[], cond: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>, now: Date): Condition[] {
  const existing = conditions.find((c) => c.type === cond.type);
  if (existing && existing.status === cond.status && existing.reason === cond.reason) return conditions;
  const t = kubeTime(now);
  const next: Condition = {
    ...cond,
    lastUpdateTime: t,
    lastTransitionTime: existing && existing.status === cond.status ? (existing.lastTransitionTime ?? t) : t,
  };
  return existing ? conditions.map((c) => (c === existing ? next : c)) : [...conditions, next];
}
