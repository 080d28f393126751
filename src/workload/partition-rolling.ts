// One pass of Kruise's advanced Deployment controller over a partition-style Deployment's
// ReplicaSets (upstream pkg/controller/deployment/rolling.go and sync.go; docs/controller.md §9):
// the new ReplicaSet grows within maxSurge up to the partition's limit, the old ones shrink within
// maxUnavailable (the newest old revision first), and a change of spec.replicas rescales every
// active ReplicaSet in proportion. Pure: edits the given ReplicaSet copies in place.
import { revisionOf } from './deployment.js';
import { scaledValue } from './intstr.js';
import { batchReplicas } from './partition.js';
import type { Deployment, IntOrString, ReplicaSet } from './types.js';

/** On each ReplicaSet: the Deployment's spec.replicas when it was last sized. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** On each ReplicaSet: spec.replicas + maxSurge when it was last sized (the base of proportional scaling). */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** The rolling settings kept in the deployment-strategy annotation. */
export interface RollingSettings {
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
}

/** What one pass is given: working copies, the partition in force, and each ReplicaSet's available pods. */
export interface PartitionRollInput {
  deployment: Deployment;
  /** Every ReplicaSet of the Deployment (copies; edited in place). */
  replicaSets: ReplicaSet[];
  /** The ReplicaSet of the current template, when it exists (one of replicaSets). */
  newReplicaSet?: ReplicaSet;
  partition: IntOrString;
  rollingUpdate: RollingSettings;
  /** The annotation's `paused`: then only scaling events are handled. */
  paused: boolean;
  /** Available pods of a ReplicaSet now (never more than its spec.replicas is assumed). */
  available(rs: ReplicaSet): number;
}

/** The new ReplicaSet's size when one must be created (it does not exist yet); undefined when not. */
export interface PartitionRollOutcome {
  createWith?: number;
}

const size = (rs: ReplicaSet): number => rs.spec.replicas ?? 0;
const total = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + size(rs), 0);
const created = (rs: ReplicaSet): string => String(rs.metadata.creationTimestamp ?? '');
/** Oldest first, then by name (ReplicaSetsByCreationTimestamp). */
const byCreation = (a: ReplicaSet, b: ReplicaSet): number =>
  created(a).localeCompare(created(b)) || String(a.metadata.name).localeCompare(String(b.metadata.name));

/** maxSurge / maxUnavailable in pods for `replicas` (ResolveFenceposts; a missing value is the API default 25%). */
export function fenceposts(settings: RollingSettings, replicas: number): { surge: number; unavailable: number } {
  const surge = scaledValue(settings.maxSurge ?? '25%', replicas, true);
  let unavailable = scaledValue(settings.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: replicas === 0 ? 0 : Math.min(unavailable, replicas) };
}

/** Runs one pass; see the file comment. The caller creates the new ReplicaSet when asked to. */
export function rollPartition(input: PartitionRollInput): PartitionRollOutcome {
  return new Roll(input).run();
}

class Roll {
  private readonly replicas: number;
  private readonly surge: number;
  private readonly maxUnavailable: number;
  private readonly limit: number;

  constructor(private readonly input: PartitionRollInput) {
    this.replicas = input.deployment.spec.replicas ?? 1;
    const f = fenceposts(input.rollingUpdate, this.replicas);
    this.surge = f.surge;
    this.maxUnavailable = f.unavailable;
    this.limit = batchReplicas(input.partition, this.replicas, 'partition');
  }

  private get fresh(): ReplicaSet | undefined {
    return this.input.newReplicaSet;
  }

  private get olds(): ReplicaSet[] {
    return this.input.replicaSets.filter((rs) => rs !== this.fresh);
  }

  private available(rs: ReplicaSet): number {
    return Math.max(0, Math.min(this.input.available(rs), size(rs)));
  }

  run(): PartitionRollOutcome {
    if (this.input.paused || this.isScalingEvent()) {
      this.scale();
      return {};
    }
    if (!this.fresh) {
      // Created at its first size by the caller, who then runs the pass again with it.
      const count = Math.max(this.newReplicasCount(0), this.surge > 0 ? 0 : Math.min(1, this.replicas));
      return count > 0 ? { createWith: count } : {};
    }
    if (this.reconcileNew()) return {};
    this.reconcileOlds();
    return {};
  }

  /** An active ReplicaSet was last sized for another spec.replicas (isScalingEvent). */
  private isScalingEvent(): boolean {
    return this.input.replicaSets.some((rs) => {
      if (size(rs) === 0) return false;
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== this.replicas;
    });
  }

  /** Sets the size and the replicas annotations (scaleReplicaSet). */
  private resize(rs: ReplicaSet, replicas: number): void {
    rs.spec.replicas = replicas;
    rs.metadata.annotations = {
      ...(rs.metadata.annotations ?? {}),
      [DESIRED_REPLICAS_ANNOTATION]: String(this.replicas),
      [MAX_REPLICAS_ANNOTATION]: String(this.replicas + this.surge),
    };
  }

  /** resize, only when the size changes (scaleReplicaSetAndRecordEvent); whether it did. */
  private scaleTo(rs: ReplicaSet, replicas: number): boolean {
    if (size(rs) === replicas) return false;
    this.resize(rs, replicas);
    return true;
  }

  /** NewRSNewReplicas: grow within maxSurge, never beyond the partition's limit nor spec.replicas. */
  private newReplicasCount(current: number): number {
    const all = total(this.input.replicaSets) + (this.fresh ? 0 : current);
    if (all <= current) return this.replicas;
    if (current >= this.limit) return current;
    const maxTotal = this.replicas + this.surge;
    if (all >= maxTotal) return current;
    const up = Math.min(maxTotal - all, this.replicas - current);
    return Math.min(current + up, this.limit);
  }

  /** reconcileNewReplicaSet: whether the new ReplicaSet was resized (then the old ones wait). */
  private reconcileNew(): boolean {
    const fresh = this.fresh!;
    if (size(fresh) === this.replicas) return false;
    if (size(fresh) > this.replicas) return this.scaleTo(fresh, this.replicas);
    return this.scaleTo(fresh, this.newReplicasCount(size(fresh)));
  }

  /** ScaleDownLimitForOld: how many old pods are above what the partition leaves them (negative: below). */
  private scaleDownLimitForOld(): number {
    const newDesired = Math.max(this.limit, size(this.fresh!));
    return total(this.olds) - (this.replicas - newDesired);
  }

  /** reconcileOldReplicaSets: shrink the old ReplicaSets without going below replicas − maxUnavailable. */
  private reconcileOlds(): void {
    const olds = this.olds;
    if (total(olds) === 0) return;
    const limit = this.scaleDownLimitForOld();
    if (limit <= 0) {
      this.scaleUpOlds(-limit);
      return;
    }
    const fresh = this.fresh!;
    const minAvailable = this.replicas - this.maxUnavailable;
    const newUnavailable = size(fresh) - this.available(fresh);
    const maxScaledDown = Math.min(total(this.input.replicaSets) - minAvailable - newUnavailable, limit);
    if (maxScaledDown <= 0) return;
    this.cleanupUnhealthy(maxScaledDown);

    // Then available old pods, as far as minAvailable allows: the newest old revision first.
    const availableNow = this.input.replicaSets.reduce((n, rs) => n + this.available(rs), 0);
    if (availableNow <= minAvailable) return;
    const budget = Math.min(availableNow - minAvailable, this.scaleDownLimitForOld());
    let scaled = 0;
    const newestFirst = [...olds].sort((a, b) => revisionOf(b) - revisionOf(a) || byCreation(a, b));
    for (const rs of newestFirst) {
      if (scaled >= budget) break;
      if (size(rs) === 0) continue;
      const count = Math.min(size(rs), budget - scaled);
      this.scaleTo(rs, size(rs) - count);
      scaled += count;
    }
  }

  /** cleanupUnhealthyReplicas: drop old pods that are not available anyway (oldest ReplicaSet first). */
  private cleanupUnhealthy(max: number): number {
    let cleaned = 0;
    for (const rs of [...this.olds].sort(byCreation)) {
      if (cleaned >= max) break;
      const unhealthy = size(rs) - this.available(rs);
      if (size(rs) === 0 || unhealthy <= 0) continue;
      const count = Math.min(max - cleaned, unhealthy);
      this.scaleTo(rs, size(rs) - count);
      cleaned += count;
    }
    return cleaned;
  }

  /** scaleUpOldReplicaSets: the largest (then oldest) old ReplicaSet takes the missing pods. */
  private scaleUpOlds(count: number): void {
    const olds = this.olds;
    if (count <= 0 || olds.length === 0) return;
    const home = [...olds].sort((a, b) => size(b) - size(a) || byCreation(a, b))[0]!;
    this.scaleTo(home, size(home) + count);
  }

  /** scale: a new spec.replicas, spread over the active ReplicaSets in proportion to their sizes. */
  private scale(): void {
    const all = this.input.replicaSets;
    const active = all.filter((rs) => size(rs) > 0);
    if (active.length <= 1) {
      const only = active[0] ?? this.fresh ?? [...all].sort(byCreation).pop();
      if (only) this.scaleTo(only, this.replicas);
      return;
    }
    const fresh = this.fresh;
    if (
      fresh &&
      size(fresh) === this.replicas &&
      fresh.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(this.replicas) &&
      this.input.available(fresh) >= this.replicas
    ) {
      for (const rs of this.olds) if (size(rs) > 0) this.scaleTo(rs, 0);
      return;
    }
    let toAdd = Math.max(0, this.replicas) - total(active);
    if (toAdd < 0) toAdd += this.cleanupUnhealthy(-toAdd);
    const live = all.filter((rs) => size(rs) > 0);
    // Largest first; on equal sizes newer first when growing, older first when shrinking.
    const sorted = [...live].sort((a, b) => size(b) - size(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of sorted) {
      const proportion = toAdd === 0 ? 0 : this.proportion(rs, toAdd, added);
      sizes.set(rs, size(rs) + proportion);
      added += proportion;
    }
    const first = sorted[0];
    if (first && toAdd !== 0) sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
    for (const rs of sorted) this.resize(rs, sizes.get(rs)!);
  }

  /** GetProportion: this ReplicaSet's share of `toAdd`, never past what is left to add. */
  private proportion(rs: ReplicaSet, toAdd: number, added: number): number {
    if (size(rs) === 0 || toAdd === added) return 0;
    let fraction: number;
    if (this.replicas === 0) fraction = -size(rs);
    else {
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? this.input.deployment.status?.replicas ?? 0);
      fraction = annotated > 0 ? Math.round((size(rs) * (this.replicas + this.surge)) / annotated) - size(rs) : 0;
    }
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }
}
