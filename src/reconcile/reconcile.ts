// The embedded Kruise Rollout controller for partition-style Deployments, as a pure function:
// observed state + the time → the status to write and the workload writes (facts §3, SPEC §3).
//
// Level-based: everything is derived from what was observed. One pass advances the machine as
// far as it can without waiting for the world (pods becoming ready, a timed pause elapsing, a
// user's approval), then stops. Deliberate differences from upstream, each because the embedded
// controller has no BatchRelease and no traffic routing:
// - Initializing → InRolling at once: upstream waits 3 s for traffic-routing initialisation,
//   which does not exist here (a Rollout with trafficRoutings is refused).
// - The workload's status.observedGeneration is not awaited: batch progress is read from the
//   ReplicaSets and pods themselves, never from the Deployment's status.
// - A finished step sequence goes Completed → Finalising → (hand back) → Healthy in one pass:
//   handing back is a single Deployment write, with nothing to wait for.
// - The rollout hash is kept in status.canaryStatus.rolloutHash only (the Rollout's main
//   resource is never written, except to drop our finalizer on deletion).
import { createHash } from 'node:crypto';
import { canonicalJson, podTemplateHash } from '../workload/hash.js';
import { scaledValue } from '../workload/intstr.js';
import { findNewReplicaSet } from '../workload/deployment.js';
import { batchReplicasOrZero } from '../workload/partition.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import type { KubeObject } from '../kube/types.js';
import { kubeTime } from '../kube/time.js';
import {
  Annotation,
  ConditionType,
  Label,
  Phase,
  ProgressingReason,
  ROLLOUT_FINALIZER,
  StepState,
  type CanaryStep,
  type CanaryStrategy,
  type Rollout,
  type RolloutCondition,
  type RolloutStatus,
  type StepStatus,
} from '../rollout/types.js';
import { workloadRefOf, workloadRolloutId } from '../rollout/release.js';
import {
  countUpdated,
  handBack,
  raisePartition,
  resetPartition,
  sizeBatch,
  takeControl,
  writeExtraStatus,
} from './deployment-control.js';
import type { Observed, PlannedWrite, ReconcilePlan } from './types.js';

export type { Observed, PlannedWrite, ReconcilePlan } from './types.js';

export const Message = {
  healthy: 'rollout is healthy',
  firstDeploy: 'workload deployment is completed',
  workloadNotFound: 'Workload Not Found',
  progressing: 'Rollout is in Progressing',
  continuous: 'Workload is continuous release',
  paused: 'Rollout has been paused, you can resume it by kube-cli',
  rollback: 'The workload has been rolled back and the rollout process will be canceled',
  finalising: 'Rollout has been completed and some closing work is being done',
  completed: 'Rollout progressing has been completed',
  canceled: 'Rollout progressing has been canceled',
  disabling: 'Disabling rollout, release resources',
  disabled: 'Rollout is disabled',
  terminating: 'Rollout is in terminating',
} as const;

/** `Rollout is in step(i/n), and upgrade workload to new version` and its siblings. */
export function stepMessage(kind: 'upgrade' | 'manual' | 'wait', i: number, n: number, seconds = 0): string {
  const head = `Rollout is in step(${i}/${n}), and `;
  if (kind === 'upgrade') return `${head}upgrade workload to new version`;
  if (kind === 'manual') return `${head}you need manually confirm to enter the next step`;
  return `${head}wait duration(${seconds} seconds) to enter the next step`;
}

/** The hash of the release plan: the canary strategy without pauses and failureThreshold. */
export function computeRolloutHash(canary: CanaryStrategy | undefined): string {
  const c: Record<string, unknown> = { ...(canary ?? {}) };
  delete c.failureThreshold;
  c.steps = (canary?.steps ?? []).map((s) => {
    const copy = { ...s };
    delete copy.pause;
    return copy;
  });
  const hex = createHash('sha256').update(canonicalJson(c)).digest('hex');
  // Same alphabet as pod-template-hash, so it reads like upstream's value.
  const safe = 'bcdfghjklmnpqrstvwxz2456789';
  return [...hex].map((ch) => safe[parseInt(ch, 16) % safe.length]).join('');
}

/** NextBatchIndex: -1 on (or past) the last step, else i + 1. */
export function nextBatchIndex(i: number, steps: number): number {
  return i >= steps ? -1 : i + 1;
}

/** Why the embedded controller will not handle this Rollout (nothing is written), if it will not. */
export function refusalOf(rollout: Rollout): string | undefined {
  const nothing = '; nothing was written';
  // A malformed object (the CRD schema would reject it; a hand-made server may not) is refused
  // rather than planned on: the plan would write a status built from garbage.
  for (const [field, value] of [['spec', rollout.spec], ['status', rollout.status], ['status.canaryStatus', rollout.status?.canaryStatus], ['status.blueGreenStatus', rollout.status?.blueGreenStatus]] as const) {
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      return `${field} is ${JSON.stringify(value).slice(0, 40)}, not an object; fix it (kubectl edit${field.startsWith('status') ? ' --subresource=status' : ''})${nothing}`;
    }
  }
  const strategy = rollout.spec?.strategy;
  if (strategy?.blueGreen) return `blue-green rollouts are not supported by the embedded controller yet${nothing}`;
  const canary = strategy?.canary;
  if (!canary) return `the rollout has no canary strategy${nothing}`;
  if ((canary.trafficRoutings?.length ?? 0) > 0 || canary.trafficRoutingRef)
    return `traffic routing is not supported by the embedded controller yet${nothing}`;
  if (canary.enableExtraWorkloadForCanary)
    return `canary style (enableExtraWorkloadForCanary: true) is not supported by the embedded controller yet; only partition style is${nothing}`;
  const ref = workloadRefOf(rollout);
  if (!ref) return `the rollout has no workloadRef${nothing}`;
  if (ref.kind !== 'Deployment' || !/^apps\//.test(ref.apiVersion ?? ''))
    return `workload ${ref.apiVersion}/${ref.kind} is not supported by the embedded controller yet; only apps/v1 Deployment is${nothing}`;
  if ((canary.steps?.length ?? 0) === 0) return `the rollout has no canary steps${nothing}`;
  for (const [i, step] of canary.steps!.entries()) {
    try {
      scaledValue(step.replicas, 100);
    } catch {
      return `steps[${i}].replicas ${JSON.stringify(step.replicas ?? null)} is not a number or a percentage${nothing}`;
    }
  }
  if (canary.failureThreshold !== undefined && canary.failureThreshold !== null) {
    try {
      scaledValue(canary.failureThreshold, 100);
    } catch {
      return `failureThreshold ${JSON.stringify(canary.failureThreshold)} is not a number or a percentage${nothing}`;
    }
  }
  return undefined;
}

/** A short name for where the machine stands: the phase, or the step state while progressing. */
export function stateLabel(status: RolloutStatus | undefined): string {
  const phase = status?.phase || Phase.Initial;
  if (phase === Phase.Progressing) return status?.canaryStatus?.currentStepState || phase;
  return phase;
}

const MAX_TRANSITIONS = 64;

/** One reconcile pass of the Kruise Rollout controller for a partition-style Deployment. */
export function reconcileRollout(observed: Observed, now: Date): ReconcilePlan {
  const from = stateLabel(observed.rollout.status);
  const refused = refusalOf(observed.rollout);
  if (refused) return { writes: [], refused, transition: { from, to: from }, summary: `refused: ${refused}` };
  return new Pass(observed, now).run(from);
}

type Next = 'continue' | 'stop';

class Pass {
  private readonly rollout: Rollout;
  private readonly status: RolloutStatus;
  private readonly d?: Deployment;
  private readonly rss: ReplicaSet[];
  private readonly pods: Pod[];
  private readonly steps: CanaryStep[];
  private readonly t: string;
  private requeueAfterMs?: number;
  private dropFinalizer = false;
  /** The stable revision to use when the next release is initialised. */
  private priorStable?: string;
  /** A release starts at most once per pass (the trigger was read before the pass changed anything). */
  private releaseStarted = false;

  constructor(
    private readonly observed: Observed,
    private readonly now: Date,
  ) {
    this.rollout = observed.rollout;
    this.status = structuredClone(observed.rollout.status ?? {}) as RolloutStatus;
    this.d = observed.workload ? structuredClone(observed.workload) : undefined;
    this.rss = structuredClone(observed.replicaSets);
    this.pods = structuredClone(observed.pods);
    this.steps = observed.rollout.spec.strategy?.canary?.steps ?? [];
    this.t = kubeTime(now);
  }

  private get sub(): StepStatus | undefined {
    return this.status.canaryStatus;
  }

  run(from: string): ReconcilePlan {
    this.calculate();
    const sub = this.sub;
    this.status.currentStepIndex = sub?.currentStepIndex ?? 0;
    this.status.currentStepState = sub?.currentStepState ?? '';
    const to = stateLabel(this.status);
    const writes = this.writes();
    const statusChanged = canonicalJson(this.status) !== canonicalJson(this.observed.rollout.status ?? {});
    const step = sub && this.status.phase === Phase.Progressing ? `step ${sub.currentStepIndex}/${this.steps.length} ` : '';
    const wait = this.requeueAfterMs !== undefined ? ` (requeue in ${Math.ceil(this.requeueAfterMs / 1000)}s)` : '';
    return {
      status: statusChanged ? this.status : undefined,
      writes,
      requeueAfterMs: this.requeueAfterMs,
      transition: { from, to },
      summary: `${step}${from} -> ${to}${wait}`,
    };
  }

  // ---- the phase machine (facts §3.1) ----

  private calculate(): void {
    const st = this.status;
    const ro = this.rollout;
    st.observedGeneration = ro.metadata.generation ?? st.observedGeneration;
    if (ro.metadata.deletionTimestamp) {
      this.terminate();
      return;
    }
    if (ro.spec.disabled && st.phase !== Phase.Disabled && st.phase !== Phase.Disabling) {
      if (st.phase === Phase.Progressing) {
        st.phase = Phase.Disabling;
        st.message = Message.disabling;
      } else {
        st.phase = Phase.Disabled;
        st.message = Message.disabled;
      }
    }
    if (!st.phase) st.phase = Phase.Initial;
    const d = this.d;
    if (!d) {
      if (!ro.spec.disabled) {
        for (const k of Object.keys(st)) if (k !== 'observedGeneration') delete st[k];
        st.phase = Phase.Initial;
        st.message = Message.workloadNotFound;
      } else if (st.phase === Phase.Disabling) {
        this.finishDisabling();
      }
      return;
    }
    const hash = podTemplateHash(d.spec.template);
    const wantsRelease = this.wantsNewRelease(hash);
    const sub = this.sub;
    if (sub && sub.canaryRevision === hash) {
      sub.observedRolloutID = workloadRolloutId(d) ?? hash;
      sub.observedWorkloadGeneration = d.metadata.generation;
    }
    for (let i = 0; i < MAX_TRANSITIONS; i++) {
      if (this.transition(hash, wantsRelease) === 'stop') break;
    }
    this.refreshObserved(hash);
  }

  private transition(hash: string, wantsRelease: boolean): Next {
    const st = this.status;
    switch (st.phase) {
      case Phase.Initial:
        st.phase = Phase.Healthy;
        st.message = Message.healthy;
        return 'continue';
      case Phase.Healthy:
        if (wantsRelease && !this.releaseStarted) {
          this.startRelease();
          return 'continue';
        }
        // No status yet, or one describing a template that was rolled out without us (natively,
        // while disabled): record the workload as it is.
        if (!this.sub || (this.sub.canaryRevision !== hash && !wantsRelease)) this.firstDeploy(hash);
        return 'stop';
      case Phase.Disabled:
        if (!this.rollout.spec.disabled) {
          st.phase = Phase.Healthy;
          st.message = Message.healthy;
          // Whatever happened while disabled was not ours: start from the workload as it is now.
          delete st.canaryStatus;
          return 'continue';
        }
        return 'stop';
      case Phase.Disabling:
        this.finishDisabling();
        return 'stop';
      case Phase.Progressing:
        return this.progressing(hash);
      default:
        return 'stop';
    }
  }

  /** Healthy → a new release: in-progressing set by admission, a new template, or a new rollout-id. */
  private wantsNewRelease(hash: string): boolean {
    const d = this.d!;
    const st = this.status;
    if (st.phase !== Phase.Healthy && st.phase !== Phase.Initial) return false;
    const marker = d.metadata.annotations?.[Annotation.inProgressing];
    if (marker) {
      try {
        const name = (JSON.parse(marker) as { rolloutName?: string }).rolloutName;
        if (!name || name === this.rollout.metadata.name) return true;
      } catch {
        return true;
      }
    }
    const sub = this.sub;
    if (!sub?.canaryRevision) return false;
    const rid = workloadRolloutId(d);
    if (rid && rid !== sub.observedRolloutID && sub.canaryRevision === hash) return (d.spec.replicas ?? 1) > 0;
    if (sub.canaryRevision !== hash) {
      // Without admission (a real cluster without Kruise's webhook, or a change made while
      // disabled) the native controller may already have rolled the new template out: then there
      // is nothing left to release in batches.
      const replicas = d.spec.replicas ?? 1;
      const fresh = findNewReplicaSet(d, this.rss);
      const done = fresh !== undefined && (fresh.spec.replicas ?? 0) >= replicas && this.rss.every((rs) => rs === fresh || (rs.spec.replicas ?? 0) === 0);
      return replicas > 0 && !done;
    }
    return false;
  }

  private startRelease(): void {
    const st = this.status;
    this.releaseStarted = true;
    this.priorStable = this.d!.metadata.labels?.[Label.stableRevision] || this.sub?.canaryRevision || this.sub?.stableRevision;
    st.phase = Phase.Progressing;
    this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Initializing, Message.progressing);
    st.message = Message.progressing;
    st.conditions = (st.conditions ?? []).filter((c) => c.type !== ConditionType.Succeeded);
  }

  private firstDeploy(hash: string): void {
    const d = this.d!;
    const counts = countUpdated(d, this.rss, this.pods);
    this.status.canaryStatus = {
      observedWorkloadGeneration: d.metadata.generation,
      observedRolloutID: workloadRolloutId(d) ?? hash,
      rolloutHash: computeRolloutHash(this.rollout.spec.strategy?.canary),
      stableRevision: hash,
      podTemplateHash: hash,
      currentStepIndex: this.steps.length,
      nextStepIndex: -1,
      finalisingStep: '',
      currentStepState: StepState.Completed,
      canaryRevision: hash,
      canaryReplicas: counts.updated,
      canaryReadyReplicas: counts.updatedReady,
    };
    this.status.message = Message.firstDeploy;
  }

  /** Keeps canaryReplicas/canaryReadyReplicas equal to what is observed, in any phase. */
  private refreshObserved(hash: string): void {
    const sub = this.sub;
    if (!sub || !this.d || sub.canaryRevision !== hash) return;
    const counts = countUpdated(this.d, this.rss, this.pods);
    sub.canaryReplicas = counts.updated;
    sub.canaryReadyReplicas = counts.updatedReady;
  }

  // ---- Progressing (facts §3.2, §3.3) ----

  private progressing(hash: string): Next {
    const st = this.status;
    const cond = st.conditions?.find((c) => c.type === ConditionType.Progressing);
    switch (cond?.reason) {
      case ProgressingReason.Initializing:
        this.initialize(hash);
        this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.InRolling, Message.progressing);
        st.message = Message.progressing;
        return 'continue';
      case ProgressingReason.InRolling:
        return this.inRolling(hash);
      case ProgressingReason.Paused:
        if (this.rollout.spec.strategy?.paused) return 'stop';
        this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.InRolling, Message.progressing);
        st.message = Message.progressing;
        return 'continue';
      case ProgressingReason.Finalising:
        handBack(this.d!);
        this.setCondition(ConditionType.Progressing, 'False', ProgressingReason.Completed, Message.completed);
        this.setCondition(ConditionType.Succeeded, 'True', '', '');
        st.message = Message.completed;
        return 'continue';
      case ProgressingReason.Cancelling:
        handBack(this.d!);
        this.setCondition(ConditionType.Progressing, 'False', ProgressingReason.Completed, Message.canceled);
        this.setCondition(ConditionType.Succeeded, 'False', '', '');
        st.message = Message.canceled;
        return 'continue';
      case ProgressingReason.Completed:
        st.phase = Phase.Healthy;
        return 'stop';
      default:
        this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Initializing, Message.progressing);
        return 'continue';
    }
  }

  private initialize(hash: string): void {
    const d = this.d!;
    const stable = d.metadata.labels?.[Label.stableRevision] || this.priorStable || this.sub?.stableRevision || this.oldestRevision() || hash;
    this.status.canaryStatus = {
      observedWorkloadGeneration: d.metadata.generation,
      observedRolloutID: workloadRolloutId(d) ?? hash,
      rolloutHash: computeRolloutHash(this.rollout.spec.strategy?.canary),
      stableRevision: stable,
      podTemplateHash: hash,
      currentStepIndex: 1,
      nextStepIndex: nextBatchIndex(1, this.steps.length),
      finalisingStep: '',
      currentStepState: StepState.BeforeStepUpgrade,
      message: '',
      lastUpdateTime: this.t,
      canaryRevision: hash,
      canaryReplicas: 0,
      canaryReadyReplicas: 0,
    };
  }

  private oldestRevision(): string | undefined {
    const live = this.rss.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    const oldest = [...live].sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')))[0];
    return oldest ? (oldest.metadata.labels?.['pod-template-hash'] ?? podTemplateHash(oldest.spec.template)) : undefined;
  }

  private inRolling(hash: string): Next {
    const st = this.status;
    const sub = this.sub;
    if (!sub) {
      this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Initializing, Message.progressing);
      return 'continue';
    }
    const stable = sub.stableRevision;
    // 1. Rolled back to the stable revision: cancel at once (a Deployment never rolls back in batches).
    if (stable && hash === stable && hash !== sub.canaryRevision) {
      sub.canaryRevision = hash;
      this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Cancelling, Message.rollback);
      st.message = Message.rollback;
      return 'continue';
    }
    // 2. Paused by the user.
    if (this.rollout.spec.strategy?.paused) {
      this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Paused, Message.paused);
      st.message = Message.paused;
      return 'stop';
    }
    // 4. Continuous release: a newer template mid-release restarts from step 1 (stable stays).
    if (sub.canaryRevision && hash !== sub.canaryRevision) {
      this.priorStable = stable;
      resetPartition(this.d!);
      delete st.canaryStatus;
      this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Initializing, Message.continuous);
      st.message = Message.continuous;
      return 'continue';
    }
    // 5. Steps edited mid-release.
    const planHash = computeRolloutHash(this.rollout.spec.strategy?.canary);
    if (sub.rolloutHash && sub.rolloutHash !== planHash) {
      this.recalculateCanaryStep(planHash);
      return 'continue';
    }
    if (sub.currentStepState === StepState.Completed) {
      this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Finalising, Message.finalising);
      st.message = Message.finalising;
      return 'continue';
    }
    const n = this.steps.length;
    if ((sub.nextStepIndex ?? 0) <= 0 || (sub.nextStepIndex ?? 0) > n) sub.nextStepIndex = nextBatchIndex(sub.currentStepIndex ?? 1, n);
    return this.runCanary(hash);
  }

  private replicas(): number {
    return this.d!.spec.replicas ?? 1;
  }

  /** facts §3.6: re-target to the first step whose batch is at least the current one. */
  private recalculateCanaryStep(planHash: string): void {
    const sub = this.sub!;
    const n = this.steps.length;
    const replicas = this.replicas();
    const partition = readPartition(this.d!);
    const cur = partition !== undefined ? batchReplicasOrZero(partition, replicas, 'plain') : (sub.canaryReplicas ?? 0);
    const currentIdx = (sub.currentStepIndex ?? 1) - 1;
    const order = [...(currentIdx >= 0 && currentIdx < n ? [currentIdx] : []), ...Array.from({ length: n }, (_, i) => i).filter((i) => i !== currentIdx)];
    let stepIndex = n;
    for (const i of order) {
      stepIndex = i + 1;
      if (cur <= batchReplicasOrZero(this.steps[i]!.replicas, replicas, 'plain')) break;
    }
    if (stepIndex === sub.nextStepIndex) {
      sub.currentStepState = StepState.StepReady;
    } else {
      sub.nextStepIndex = stepIndex;
      this.doStepJump();
    }
    sub.rolloutHash = planHash;
  }

  /** A user-written nextStepIndex other than the natural next one: go to that step. */
  private doStepJump(): boolean {
    const sub = this.sub!;
    const n = this.steps.length;
    const next = sub.nextStepIndex ?? 0;
    if (next === nextBatchIndex(sub.currentStepIndex ?? 1, n) || next < 1 || next > n) return false;
    sub.currentStepIndex = next;
    sub.nextStepIndex = nextBatchIndex(next, n);
    const planned = batchReplicasOrZero(this.steps[next - 1]!.replicas, this.replicas(), 'plain');
    sub.currentStepState = planned === sub.canaryReplicas ? StepState.StepTrafficRouting : StepState.BeforeStepUpgrade;
    sub.lastUpdateTime = this.t;
    return true;
  }

  // ---- the step machine (facts §3.4) ----

  private runCanary(hash: string): Next {
    const sub = this.sub!;
    const st = this.status;
    if (!sub.podTemplateHash) sub.podTemplateHash = hash;
    if (this.doStepJump()) return 'continue';
    const n = this.steps.length;
    const idx = sub.currentStepIndex ?? 1;
    const step = this.steps[idx - 1]!;
    const state = sub.currentStepState;
    // Past the upgrade of this step, keep the batch sized to the live replica count (HPA).
    if (state !== StepState.BeforeStepUpgrade && state !== StepState.StepUpgrade && state !== StepState.Completed) this.runBatch(idx, step);
    switch (state) {
      case StepState.BeforeStepUpgrade:
        sub.currentStepState = StepState.StepUpgrade;
        return 'continue';
      case StepState.StepUpgrade: {
        st.message = stepMessage('upgrade', idx, n);
        if (!this.runBatch(idx, step)) return 'stop';
        sub.podTemplateHash = hash;
        sub.currentStepState = batchReplicasOrZero(step.replicas, this.replicas(), 'plain') >= this.replicas() ? StepState.StepMetricsAnalysis : StepState.StepTrafficRouting;
        sub.lastUpdateTime = this.t;
        return 'continue';
      }
      case StepState.StepTrafficRouting:
        // No traffic routing: done at once.
        sub.lastUpdateTime = this.t;
        sub.currentStepState = StepState.StepMetricsAnalysis;
        return 'continue';
      case StepState.StepMetricsAnalysis:
        sub.currentStepState = StepState.StepPaused;
        return 'continue';
      case StepState.StepPaused: {
        if (!this.pauseDone(idx, n, step)) return 'stop';
        sub.lastUpdateTime = this.t;
        sub.currentStepState = StepState.StepReady;
        return 'continue';
      }
      case StepState.StepReady:
        if (idx < n) {
          sub.currentStepIndex = idx + 1;
          sub.nextStepIndex = nextBatchIndex(idx + 1, n);
          sub.currentStepState = StepState.BeforeStepUpgrade;
        } else {
          sub.currentStepState = StepState.Completed;
        }
        return 'continue';
      case StepState.Completed:
        return 'continue';
      default:
        // An unknown state (hand-edited status): restart the current step.
        sub.currentStepState = StepState.BeforeStepUpgrade;
        return 'continue';
    }
  }

  private pauseDone(idx: number, n: number, step: CanaryStep): boolean {
    const st = this.status;
    if (idx === n && step.replicas === '100%') return true;
    const duration = step.pause?.duration;
    if (duration === undefined || duration === null) {
      st.message = stepMessage('manual', idx, n);
      return false;
    }
    st.message = stepMessage('wait', idx, n, duration);
    if (duration <= 0) return true;
    const since = Date.parse(this.sub!.lastUpdateTime ?? '');
    const expected = (Number.isFinite(since) ? since : this.now.getTime()) + duration * 1000;
    // Strictly after, as upstream's expected.Before(now).
    if (this.now.getTime() > expected) return true;
    this.requeueAfterMs = expected - this.now.getTime() + 1;
    return false;
  }

  /** Sizes and labels the current batch; whether it is ready (facts §3.5). */
  private runBatch(idx: number, step: CanaryStep): boolean {
    const d = this.d!;
    const sub = this.sub!;
    takeControl(d, this.rollout, sub.stableRevision);
    const replicas = this.replicas();
    const partition = raisePartition(d, step.replicas ?? 0, replicas);
    const rolloutId = sub.observedRolloutID || sub.canaryRevision || '';
    const out = sizeBatch(d, this.rss, this.pods, partition, { rolloutId, batch: idx });
    sub.canaryReplicas = out.updated;
    sub.canaryReadyReplicas = out.updatedReady;
    writeExtraStatus(d, out.updatedReady, out.target);
    const ft = this.rollout.spec.strategy?.canary?.failureThreshold;
    const tolerated = ft === undefined || ft === null ? 0 : scaledValue(ft, out.updated, true);
    const ready =
      out.updated >= out.target && out.updatedReady + tolerated >= out.target && (out.target === 0 || out.updatedReady > 0) && out.labelled >= out.target;
    sub.message = `BatchRelease is at state ${ready ? 'Ready' : 'Upgrading'}, rollout-id ${rolloutId}, step ${idx}`;
    return ready;
  }

  // ---- disabling and deletion (facts §3.1, §3.7) ----

  private finishDisabling(): void {
    if (this.d) handBack(this.d);
    const st = this.status;
    st.phase = Phase.Disabled;
    st.message = Message.disabled;
    delete st.canaryStatus;
  }

  private terminate(): void {
    const st = this.status;
    if (st.phase !== Phase.Terminating) {
      st.phase = Phase.Terminating;
      this.setCondition(ConditionType.Terminating, 'True', 'InTerminating', Message.terminating);
      st.message = Message.terminating;
    }
    if (this.d) handBack(this.d);
    this.setCondition(ConditionType.Terminating, 'False', 'Completed', Message.terminating);
    if ((this.rollout.metadata.finalizers ?? []).includes(ROLLOUT_FINALIZER)) this.dropFinalizer = true;
  }

  // ---- helpers ----

  private setCondition(type: string, status: RolloutCondition['status'], reason: string, message: string): void {
    const conds = (this.status.conditions ??= []);
    const i = conds.findIndex((c) => c.type === type);
    const existing = i >= 0 ? conds[i] : undefined;
    // As upstream's SetRolloutCondition: the same status and reason is no change.
    if (existing && existing.status === status && existing.reason === reason) return;
    const next: RolloutCondition = {
      type,
      status,
      lastUpdateTime: this.t,
      lastTransitionTime: existing && existing.status === status ? (existing.lastTransitionTime ?? this.t) : this.t,
      reason,
      message,
    };
    if (i >= 0) conds[i] = next;
    else conds.push(next);
  }

  private writes(): PlannedWrite[] {
    const out: PlannedWrite[] = [];
    const changed = (a: KubeObject | undefined, b: KubeObject) => !a || canonicalJson(a) !== canonicalJson(b);
    if (this.d && changed(this.observed.workload, this.d)) out.push({ op: 'update', resource: 'deployments', object: this.d });
    // The new ReplicaSet first, then the old ones scaled down: never fewer pods than planned.
    const findBefore = (rs: ReplicaSet) => this.observed.replicaSets.find((o) => o.metadata.name === rs.metadata.name);
    for (const rs of this.rss) if (!findBefore(rs)) out.push({ op: 'create', resource: 'replicasets', object: rs });
    const fresh = this.d ? findNewReplicaSet(this.d, this.rss) : undefined;
    const updates = this.rss.filter((rs) => findBefore(rs) && changed(findBefore(rs), rs));
    for (const rs of [...updates.filter((rs) => rs === fresh), ...updates.filter((rs) => rs !== fresh)]) out.push({ op: 'update', resource: 'replicasets', object: rs });
    for (const p of this.pods) {
      const before = this.observed.pods.find((o) => o.metadata.name === p.metadata.name);
      if (changed(before, p)) out.push({ op: 'update', resource: 'pods', object: p });
    }
    if (canonicalJson(this.status) !== canonicalJson(this.rollout.status ?? {})) {
      out.push({ op: 'updateStatus', resource: 'rollouts', object: { ...structuredClone(this.rollout), status: this.status } });
    }
    if (this.dropFinalizer) {
      const ro = structuredClone(this.rollout);
      ro.metadata.finalizers = (ro.metadata.finalizers ?? []).filter((f) => f !== ROLLOUT_FINALIZER);
      out.push({ op: 'update', resource: 'rollouts', object: ro });
    }
    return out;
  }
}

function readPartition(d: Deployment): string | number | undefined {
  const raw = d.metadata.annotations?.[Annotation.deploymentStrategy];
  if (!raw) return undefined;
  try {
    return (JSON.parse(raw) as { partition?: string | number }).partition;
  } catch {
    return undefined;
  }
}
