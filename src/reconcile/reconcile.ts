// The embedded Kruise Rollout controller (partition style; canary style for Deployments through
// canary-style-control.ts; blue-green through bluegreen.ts and bluegreen-control.ts), as a pure
// function: observed state + the time → the status to write and the workload writes
// (docs/controller.md).
//
// Level-based: everything is derived from what was observed. One pass makes at most one state
// change, as upstream's reconcile does before it writes the status (one step state, one
// finalising step, one phase); the callers run passes again at once while the state changes
// (reconcile-once loops, the sandbox's loop requeues: docs/controller.md §6, §13). Deliberate
// differences from upstream, each because one pass here does the work of upstream's Rollout and
// BatchRelease controllers, and there is no traffic routing (docs/controller.md §15):
// - Initializing → InRolling without upstream's 3 s grace wait (for traffic-routing
//   initialisation, which does not exist here: a Rollout with trafficRoutings is refused).
// - The workload's status.observedGeneration is not awaited: batch progress is read from the
//   ReplicaSets and pods themselves, never from the Deployment's status.
// - The Rollout's main resource is written only for its metadata: our finalizer and the
//   rollouts.kruise.io/hash annotation, in one update (write-plan.ts rolloutWrite).
import { kubeTime } from '../kube/time.js';
import { stepStrategyOf, workloadRefOf } from '../rollout/release.js';
import {
  Annotation,
  type CanaryStep,
  ConditionType,
  FinalisingStep,
  Label,
  Phase,
  ProgressingReason,
  ROLLOUT_FINALIZER,
  type Rollout,
  type RolloutCondition,
  type RolloutStatus,
  StepState,
  type StepStatus,
} from '../rollout/types.js';
import { scaledValue } from '../workload/intstr.js';
import { dropMetadata } from '../workload/metadata.js';
import { batchReplicasOrZero } from '../workload/partition.js';
import { workloadReplicas } from '../workload/replicas.js';
import type { Pod, ReplicaSet } from '../workload/types.js';
import { type BatchProgress, batchReleaseControlRef } from './batch-release.js';
import { BLUE_GREEN_CONTINUOUS_RELEASE, fromBlueGreenStatus, toBlueGreenStatus } from './bluegreen.js';
import { blueGreenControlFor, readOriginalStrategy } from './bluegreen-control.js';
import { disableHpa, restoreHpa } from './bluegreen-hpa.js';
import { isCanaryStyle, type TemplatePatch } from './canary-style-control.js';
import { type RolloutEvent, RolloutEvents } from './events.js';
import { finalisingTasks, nextFinalisingTask } from './finalising-tasks.js';
import { RefusedCondition, refusedMessage, StatusMessage, stepMessage } from './messages.js';
import { ROLLS_NATIVELY, refusalOf } from './refusal.js';
import { isRollbackInBatchPolicy } from './rollback-in-batch.js';
import { computeRolloutHash } from './rollout-hash.js';
import { defaultGraceBook } from './traffic/grace.js';
import { DEFAULT_GRACE_SECONDS, stepRoutesTraffic, TrafficRouter, trafficRoutingOf } from './traffic/router.js';
import type { Observed, PlannedWrite, ReconcilePlan } from './types.js';
import { type FinaliseReason, type Workload, type WorkloadControl, workloadControlFor } from './workload-control.js';
import { finalizerWrite, planWrites, statusChanged } from './write-plan.js';

/** How soon a finalising pass waiting for the workload to roll out looks again (the workload's changes also wake it). */
const WAIT_READY_RECHECK_MS = 1000;

/** NextBatchIndex: -1 on (or past) the last step, else i + 1. */
function nextBatchIndex(stepIndex: number, stepCount: number): number {
  return stepIndex >= stepCount ? -1 : stepIndex + 1;
}

/** A short name for where the machine stands: the phase, or the step state while progressing. */
function stateLabel(status: RolloutStatus | undefined): string {
  const phase = status?.phase || Phase.Initial;
  if (phase === Phase.Progressing) return (status?.canaryStatus ?? status?.blueGreenStatus)?.currentStepState || phase;
  return phase;
}

/**
 * What counts as the state of the machine: a pass that changes it is followed at once by another
 * (reconcile-once loops, the sandbox requeues); one that does not waits for the world.
 */
function machineState(rollout: Rollout, status: RolloutStatus | undefined, finalizer?: 'add' | 'drop'): string {
  const canary = status?.canaryStatus ?? status?.blueGreenStatus;
  const reason = (type: string) => {
    const c = status?.conditions?.find((x) => x.type === type);
    return c ? `${c.status}/${c.reason}` : '';
  };
  const finalizers = (rollout.metadata.finalizers ?? []).includes(ROLLOUT_FINALIZER);
  return JSON.stringify([
    status?.phase ?? '',
    canary
      ? [
          canary.currentStepIndex,
          canary.currentStepState,
          canary.finalisingStep,
          canary.nextStepIndex,
          canary.canaryRevision ?? canary.updatedRevision,
          canary.rolloutHash,
        ]
      : null,
    reason(ConditionType.Progressing),
    reason(ConditionType.Terminating),
    reason(ConditionType.Succeeded),
    finalizer === 'add' ? true : finalizer === 'drop' ? false : finalizers,
  ]);
}

/** One reconcile pass of the Kruise Rollout controller (partition style, canary style or blue-green). */
export function reconcileRollout(observed: Observed, now: Date): ReconcilePlan {
  const from = stateLabel(observed.rollout.status);
  const refused = refusalOf(observed.rollout);
  if (refused) return refusalPlan(observed, refused, now, from);
  return new Pass(observed, now).run(from);
}

/**
 * A refused Rollout: nothing is written to its workload; the reason goes on its status (message
 * and a Supported=False condition) unless the status itself is malformed (docs/controller.md §1).
 */
function refusalPlan(observed: Observed, refused: string, now: Date, from: string): ReconcilePlan {
  const plan: ReconcilePlan = { writes: [], refused, transition: { from, to: from }, summary: `refused: ${refused}` };
  const rollout = observed.rollout;
  // Handled once, refused since (edited while Healthy): a deletion must not wait on us forever.
  const releaseFinalizer = Boolean(rollout.metadata.deletionTimestamp) && (rollout.metadata.finalizers ?? []).includes(ROLLOUT_FINALIZER);
  if (!refused.endsWith(ROLLS_NATIVELY)) {
    if (releaseFinalizer) plan.writes = [finalizerWrite(rollout, 'drop')];
    return plan;
  }
  const status = structuredClone(rollout.status ?? {}) as RolloutStatus;
  status.observedGeneration = rollout.metadata.generation ?? status.observedGeneration;
  if (!status.phase) status.phase = Phase.Initial;
  status.message = refusedMessage(refused);
  setCondition(status, kubeTime(now), RefusedCondition.type, 'False', RefusedCondition.reason, status.message);
  if (statusChanged(observed, status)) {
    plan.status = status;
    plan.writes.push({ op: 'updateStatus', resource: 'rollouts', object: { ...structuredClone(rollout), status } });
  }
  if (releaseFinalizer) plan.writes.push(finalizerWrite(rollout, 'drop'));
  return plan;
}

/**
 * Upstream's SetRolloutCondition (pkg/util/condition.go): the same status, reason and message is
 * no change; otherwise lastTransitionTime is kept while the status is unchanged, and the condition
 * moves to the end of the list.
 */
function putCondition(status: RolloutStatus, next: RolloutCondition): void {
  const conditions = status.conditions ?? [];
  const existing = conditions.find((c) => c.type === next.type);
  if (existing && existing.status === next.status && existing.reason === next.reason && existing.message === next.message) return;
  const put = { ...next };
  if (existing && existing.status === next.status) put.lastTransitionTime = existing.lastTransitionTime;
  status.conditions = [...conditions.filter((c) => c.type !== next.type), put];
}

/** A new condition at `time` (upstream's NewRolloutCondition), set as SetRolloutCondition does. */
function setCondition(
  status: RolloutStatus,
  time: string,
  type: string,
  conditionStatus: RolloutCondition['status'],
  reason: string,
  message: string,
): void {
  putCondition(status, { type, status: conditionStatus, lastUpdateTime: time, lastTransitionTime: time, reason, message });
}

/**
 * A transition of an existing condition (upstream's progressingStateTransition and
 * setRolloutSucceededCondition): a copy of it with the new status and reason, and the new message
 * unless that is empty; its times are the copy's (the release start), so they do not move.
 * Without one, a new condition at `time`. Returns the condition's message.
 */
function transitionCondition(
  status: RolloutStatus,
  time: string,
  type: string,
  conditionStatus: RolloutCondition['status'],
  reason: string,
  message: string,
): string {
  const existing = status.conditions?.find((c) => c.type === type);
  if (!existing) {
    setCondition(status, time, type, conditionStatus, reason, message);
    return message;
  }
  const next: RolloutCondition = { ...existing, status: conditionStatus, reason, message: message || existing.message };
  putCondition(status, next);
  return next.message ?? '';
}

type Next = 'continue' | 'stop';

/** One pass: edits copies of the observed objects, then compares them with what was observed. */
class Pass {
  private readonly rollout: Rollout;
  private readonly status: RolloutStatus;
  private readonly workload?: Workload;
  /** The workload's kind of control (docs/controller.md §16), when there is a workload. */
  private readonly control?: WorkloadControl;
  private readonly replicaSets: ReplicaSet[];
  private readonly pods: Pod[];
  private readonly steps: CanaryStep[];
  /** `now` as metav1.Time: what this pass writes into lastUpdateTime and lastTransitionTime. */
  private readonly passTime: string;
  private requeueAfterMs?: number;
  /** Our finalizer: put on the Rollout on its first pass, removed once a deletion is handled (as upstream's handleFinalizer). */
  private finalizer?: 'add' | 'drop';
  /** The stable revision to use when the next release is initialised. */
  private priorStable?: string;
  /** A release starts at most once per pass (the trigger was read before the pass changed anything). */
  private releaseStarted = false;
  /** The last batch this pass sized (the BatchRelease's status, docs/controller.md §12). */
  private batch?: BatchProgress;
  /** Events recorded on the Rollout, as upstream's recorder (docs/controller.md §13). */
  private readonly events: RolloutEvent[] = [];
  /** The finalising task ReleaseWorkloadControl ran: the BatchRelease is deleted. */
  private releaseBatchRelease = false;
  /** The traffic tasks of this pass (docs/controller.md §17), made on first use. */
  private trafficRouter?: TrafficRouter;
  /** What the pass waits for that the status does not say (a traffic object missing). */
  private waiting?: string;
  /** Blue-green: the HPA disabled when the release takes the workload, restored once it is handed back (§19). */
  private readonly hpaWrites: PlannedWrite[] = [];
  /** A blue-green Rollout (docs/controller.md §19): the sub-status is status.blueGreenStatus, kept here in canaryStatus's field names. */
  private readonly blueGreen: boolean;

  constructor(
    private readonly observed: Observed,
    private readonly now: Date,
  ) {
    this.rollout = observed.rollout;
    this.status = structuredClone(observed.rollout.status ?? {}) as RolloutStatus;
    this.workload = observed.workload ? structuredClone(observed.workload) : undefined;
    this.replicaSets = structuredClone(observed.replicaSets);
    this.pods = structuredClone(observed.pods);
    this.blueGreen = Boolean(observed.rollout.spec.strategy?.blueGreen);
    // Canary style (docs/controller.md §18): the canary Deployments come with the observed state.
    const canary = isCanaryStyle(observed.rollout)
      ? {
          workloads: observed.canaryWorkloads ?? { deployments: [], replicaSets: [], pods: [] },
          patch: observed.rollout.spec.strategy?.canary?.patchPodTemplateMetadata as TemplatePatch | undefined,
        }
      : undefined;
    if (this.workload)
      this.control = this.blueGreen
        ? blueGreenControlFor(this.workload, this.replicaSets, this.pods)
        : workloadControlFor(this.workload, this.replicaSets, this.pods, canary);
    this.steps = stepStrategyOf(observed.rollout)?.steps ?? [];
    this.passTime = kubeTime(now);
    if (this.blueGreen && this.status.blueGreenStatus) {
      this.status.canaryStatus = fromBlueGreenStatus(this.status.blueGreenStatus);
      delete this.status.blueGreenStatus;
    }
  }

  /** The step sub-status (status.canaryStatus; a blue-green one's while the pass runs). */
  private get canary(): StepStatus | undefined {
    return this.status.canaryStatus;
  }

  run(from: string): ReconcilePlan {
    this.calculate();
    const canary = this.canary;
    this.status.currentStepIndex = canary?.currentStepIndex ?? 0;
    this.status.currentStepState = canary?.currentStepState ?? '';
    if (this.blueGreen && canary) {
      this.status.blueGreenStatus = toBlueGreenStatus(canary);
      delete this.status.canaryStatus;
    }
    const to = stateLabel(this.status);
    const writes = planWrites(this.observed, {
      workload: this.workload,
      replicaSets: this.replicaSets,
      pods: this.pods,
      status: this.status,
      finalizer: this.finalizer,
      batch: this.batch,
      releaseBatchRelease: this.releaseBatchRelease,
      passTime: this.passTime,
      events: this.events,
      now: this.now,
      traffic: this.trafficRouter?.writes,
      workloadExtras: this.control?.writes?.(),
      beforeWorkload: this.hpaWrites,
    });
    const step = canary && this.status.phase === Phase.Progressing ? `step ${canary.currentStepIndex}/${this.steps.length} ` : '';
    const waiting = this.waiting ? `: ${this.waiting}` : '';
    const wait = `${this.requeueAfterMs !== undefined ? ` (requeue in ${Math.ceil(this.requeueAfterMs / 1000)}s)` : ''}${waiting}`;
    return {
      status: statusChanged(this.observed, this.status) ? this.status : undefined,
      writes,
      requeueAfterMs: this.requeueAfterMs,
      transition: { from, to },
      stateChanged: machineState(this.rollout, this.observed.rollout.status) !== machineState(this.rollout, this.status, this.finalizer),
      step,
      ...(this.waiting ? { waiting: this.waiting } : {}),
      summary: `${step}${from} -> ${to}${wait}`,
    };
  }

  // ---- the phase machine (docs/controller.md §6) ----

  private calculate(): void {
    const status = this.status;
    const rollout = this.rollout;
    status.observedGeneration = rollout.metadata.generation ?? status.observedGeneration;
    // No longer refused (the style was changed to one that is supported).
    if (status.conditions?.some((c) => c.type === RefusedCondition.type)) {
      status.conditions = status.conditions.filter((c) => c.type !== RefusedCondition.type);
      if (status.conditions.length === 0) delete status.conditions;
    }
    if (!rollout.metadata.deletionTimestamp && !(rollout.metadata.finalizers ?? []).includes(ROLLOUT_FINALIZER)) this.finalizer = 'add';
    if (rollout.metadata.deletionTimestamp) {
      this.terminate();
      return;
    }
    if (rollout.spec.disabled && status.phase !== Phase.Disabled && status.phase !== Phase.Disabling) {
      if (status.phase === Phase.Progressing) {
        status.phase = Phase.Disabling;
        status.message = StatusMessage.disabling;
      } else {
        status.phase = Phase.Disabled;
        status.message = StatusMessage.disabled;
      }
    }
    if (!status.phase) status.phase = Phase.Initial;
    const workload = this.workload;
    if (!workload) {
      if (!rollout.spec.disabled) {
        for (const k of Object.keys(status)) if (k !== 'observedGeneration') delete status[k];
        status.phase = Phase.Initial;
        status.message = StatusMessage.workloadNotFound;
      } else if (status.phase === Phase.Disabling && this.observed.rollout.status?.phase === Phase.Disabling) {
        this.disabling();
      }
      return;
    }
    // Upstream waits for a workload whose status has not caught up with its spec (IsStatusConsistent).
    if (!this.control!.statusConsistent()) return;
    // The template's revision as the cluster names it (never a hash recomputed here, §7).
    const hash = this.control!.revision(this.canary?.canaryRevision);
    const wantsRelease = this.wantsNewRelease(hash);
    const canary = this.canary;
    if (canary && canary.canaryRevision === hash) {
      canary.observedRolloutID = this.rolloutId(hash);
      canary.observedWorkloadGeneration = workload.metadata.generation;
    }
    // One transition per pass, on the phase as observed (upstream switches on rollout.Status.Phase,
    // so a phase set above — Disabling, Disabled — is acted on by the next pass).
    if (status.phase === (this.observed.rollout.status?.phase || Phase.Initial)) this.transition(hash, wantsRelease);
    this.refreshObserved(hash);
  }

  private transition(hash: string, wantsRelease: boolean): Next {
    const status = this.status;
    switch (status.phase) {
      case Phase.Initial:
        status.phase = Phase.Healthy;
        status.message = StatusMessage.healthy;
        return 'continue';
      case Phase.Healthy:
        if (wantsRelease && !this.releaseStarted) {
          this.startRelease();
          return 'continue';
        }
        // No status yet, or one describing a template that was rolled out without us (natively,
        // while disabled): record the workload as it is.
        if (!this.canary || (this.canary.canaryRevision !== hash && !wantsRelease)) this.firstDeploy(hash);
        return 'stop';
      case Phase.Disabled:
        if (!this.rollout.spec.disabled) {
          // As upstream: the sub-status is kept (the step the last release stood at); the next
          // release re-creates it when it starts.
          status.phase = Phase.Healthy;
          status.message = StatusMessage.healthy;
          return 'continue';
        }
        return 'stop';
      case Phase.Disabling:
        this.disabling();
        return 'stop';
      case Phase.Progressing:
        return this.progressing(hash);
      default:
        return 'stop';
    }
  }

  /** Healthy → a new release: in-progressing set by admission, a new template, or a new rollout-id. */
  private wantsNewRelease(hash: string): boolean {
    const workload = this.workload!;
    const status = this.status;
    if (status.phase !== Phase.Healthy && status.phase !== Phase.Initial) return false;
    const marker = workload.metadata.annotations?.[Annotation.inProgressing];
    if (marker) {
      try {
        const name = (JSON.parse(marker) as { rolloutName?: string }).rolloutName;
        if (!name || name === this.rollout.metadata.name) return true;
      } catch {
        return true;
      }
    }
    const canary = this.canary;
    if (!canary?.canaryRevision) return false;
    // The release id is the rollout-id label (upstream's getRolloutID reads the label only).
    const rolloutId = workload.metadata.labels?.[Label.rolloutId];
    if (rolloutId && rolloutId !== canary.observedRolloutID && canary.canaryRevision === hash) return this.replicas() > 0;
    // With a rollout-id annotation, only a change of it starts a release (upstream's webhook,
    // isEffectiveDeploymentRevisionChange): a template change alone rolls natively. Admission
    // sees that change; a pass cannot, so it leaves such a Deployment to admission.
    if (workload.metadata.annotations?.[Annotation.rolloutId]) return false;
    if (canary.canaryRevision !== hash) {
      // Without admission (a real cluster without Kruise's webhook, or a change made while
      // disabled) the native controller may already have rolled the new template out: then there
      // is nothing left to release in batches.
      return this.replicas() > 0 && !this.control!.rolledOut();
    }
    return false;
  }

  private startRelease(): void {
    const status = this.status;
    this.releaseStarted = true;
    this.priorStable = this.workload!.metadata.labels?.[Label.stableRevision] || this.canary?.canaryRevision || this.canary?.stableRevision;
    status.phase = Phase.Progressing;
    this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Initializing, StatusMessage.progressing);
    status.message = StatusMessage.progressing;
    status.conditions = (status.conditions ?? []).filter((c) => c.type !== ConditionType.Succeeded);
  }

  /**
   * As upstream's calculateRolloutStatus for a first deploy: stableRevision is the pod-template-hash
   * of the Deployment's current ReplicaSet, podTemplateHash is empty and the replica counts are 0
   * (only a release counts pods).
   */
  private firstDeploy(hash: string): void {
    const workload = this.workload!;
    this.status.canaryStatus = {
      observedWorkloadGeneration: workload.metadata.generation,
      observedRolloutID: this.rolloutId(hash),
      rolloutHash: computeRolloutHash(stepStrategyOf(this.rollout)),
      stableRevision: this.control!.currentRevision(hash),
      podTemplateHash: '',
      currentStepIndex: this.steps.length,
      nextStepIndex: -1,
      finalisingStep: '',
      currentStepState: StepState.Completed,
      canaryRevision: hash,
      canaryReplicas: 0,
      canaryReadyReplicas: 0,
    };
    this.status.message = StatusMessage.firstDeploy;
  }

  /** Keeps canaryReplicas/canaryReadyReplicas equal to what is observed during a release (upstream counts only then). */
  private refreshObserved(hash: string): void {
    const canary = this.canary;
    if (!canary || !this.workload || canary.canaryRevision !== hash || this.status.phase !== Phase.Progressing) return;
    const counts = this.control!.counts();
    canary.canaryReplicas = counts.updated;
    canary.canaryReadyReplicas = counts.updatedReady;
  }

  // ---- Progressing (docs/controller.md §7) ----

  private progressing(hash: string): Next {
    const status = this.status;
    const progressingCondition = status.conditions?.find((c) => c.type === ConditionType.Progressing);
    switch (progressingCondition?.reason) {
      case ProgressingReason.Initializing:
        if (this.trafficMissing()) return 'stop';
        this.initialize(hash);
        this.progressTo('True', ProgressingReason.InRolling, StatusMessage.progressing);
        return 'continue';
      case ProgressingReason.InRolling:
        return this.inRolling(hash);
      case ProgressingReason.Paused:
        if (this.rollout.spec.strategy?.paused) return 'stop';
        // As upstream: an empty message keeps "Rollout has been paused…" until the next
        // transition, and this pass ends here.
        this.progressTo('True', ProgressingReason.InRolling, '');
        return 'stop';
      case ProgressingReason.Finalising:
        if (!this.finalise('success')) return 'stop';
        this.progressTo('False', ProgressingReason.Completed, StatusMessage.completed);
        this.succeeded('True');
        return 'stop';
      case ProgressingReason.Cancelling:
        if (!this.finalise('rollback')) return 'stop';
        this.progressTo('False', ProgressingReason.Completed, StatusMessage.canceled);
        this.succeeded('False');
        return 'stop';
      case ProgressingReason.Completed:
        status.phase = Phase.Healthy;
        return 'stop';
      default:
        this.setCondition(ConditionType.Progressing, 'True', ProgressingReason.Initializing, StatusMessage.progressing);
        return 'continue';
    }
  }

  private initialize(hash: string): void {
    const workload = this.workload!;
    const stable =
      workload.metadata.labels?.[Label.stableRevision] ||
      this.priorStable ||
      this.canary?.stableRevision ||
      this.control!.oldestRevision() ||
      hash;
    this.status.canaryStatus = {
      observedWorkloadGeneration: workload.metadata.generation,
      observedRolloutID: this.rolloutId(hash),
      rolloutHash: computeRolloutHash(stepStrategyOf(this.rollout)),
      stableRevision: stable,
      podTemplateHash: hash,
      currentStepIndex: 1,
      nextStepIndex: nextBatchIndex(1, this.steps.length),
      finalisingStep: '',
      currentStepState: StepState.BeforeStepUpgrade,
      message: '',
      lastUpdateTime: this.passTime,
      canaryRevision: hash,
      canaryReplicas: 0,
      canaryReadyReplicas: 0,
    };
  }

  private inRolling(hash: string): Next {
    const status = this.status;
    const canary = this.canary;
    if (!canary) {
      this.progressTo('True', ProgressingReason.Initializing, StatusMessage.progressing);
      return 'continue';
    }
    const stable = canary.stableRevision;
    // A kind with no current revision in its status (an Advanced DaemonSet) cannot tell a rollback
    // from a new release, so upstream releases the old template again from step 1 (§16.3).
    const rolledBack = !this.control!.rollbackIsNewRelease && Boolean(stable) && hash === stable && hash !== canary.canaryRevision;
    const inBatches = rolledBack && isRollbackInBatchPolicy(this.rollout, this.workload?.metadata.labels);
    // 1. Rolled back to the stable revision: cancel at once (a Deployment never rolls back in batches).
    if (rolledBack && !inBatches) {
      canary.canaryRevision = hash;
      this.events.push(RolloutEvents.rolledBack);
      // Upstream refreshes it from getRolloutID while the workload is still in progressing:
      // `rollback-<revision>` without a rollout-id label (§7).
      canary.observedRolloutID = this.rolloutId(hash);
      this.progressTo('True', ProgressingReason.Cancelling, StatusMessage.rollback);
      return 'continue';
    }
    // 2. Paused by the user.
    if (this.rollout.spec.strategy?.paused) {
      this.progressTo('True', ProgressingReason.Paused, StatusMessage.paused);
      return 'stop';
    }
    // 3. Rolled back with rollback-in-batch (§16.2): restart from step 1 toward the stable template.
    if (inBatches && this.control!.startRollbackInBatches(this.rolloutId(hash))) {
      canary.currentStepIndex = 1;
      canary.nextStepIndex = nextBatchIndex(1, this.steps.length);
      canary.canaryRevision = hash;
      canary.currentStepState = StepState.BeforeStepUpgrade;
      canary.lastUpdateTime = this.passTime;
      canary.rolloutHash = computeRolloutHash(stepStrategyOf(this.rollout));
      canary.observedRolloutID = this.rolloutId(hash);
      return 'stop';
    }
    // 4. Continuous release: a newer template mid-release restarts from step 1 (stable stays).
    // 4. Continuous release: a newer template mid-release restarts from step 1 (stable stays);
    // blue-green refuses it until the user rolls back (upstream's BadRequest, not retried).
    if (canary.canaryRevision && hash !== canary.canaryRevision && this.blueGreen) {
      status.message = BLUE_GREEN_CONTINUOUS_RELEASE;
      return 'stop';
    }
    if (canary.canaryRevision && hash !== canary.canaryRevision) {
      if (!this.resetTraffic()) return 'stop';
      this.events.push(RolloutEvents.continuousRelease);
      this.priorStable = stable;
      this.control!.resetPartition();
      delete status.canaryStatus;
      this.progressTo('True', ProgressingReason.Initializing, StatusMessage.continuous);
      return 'continue';
    }
    // 5. Steps edited mid-release.
    const planHash = computeRolloutHash(stepStrategyOf(this.rollout));
    if (canary.rolloutHash && canary.rolloutHash !== planHash) {
      this.recalculateCanaryStep(planHash);
      return 'continue';
    }
    if (canary.currentStepState === StepState.Completed) {
      this.progressTo('True', ProgressingReason.Finalising, StatusMessage.finalising);
      return 'continue';
    }
    const stepCount = this.steps.length;
    if ((canary.nextStepIndex ?? 0) <= 0 || (canary.nextStepIndex ?? 0) > stepCount)
      canary.nextStepIndex = nextBatchIndex(canary.currentStepIndex ?? 1, stepCount);
    return this.runCanary(hash);
  }

  private replicas(): number {
    return workloadReplicas(this.workload!);
  }

  /**
   * The pods the steps up to the current one released under the previous plan: the live pods of
   * the new ReplicaSet labelled with this release's rollout-id and a rollout-batch-id at most the
   * current step (upstream reads the BatchRelease's batch for the current step; the partition is
   * no measure, as it is never lowered when a user jumps back). Undefined when no pod is labelled.
   */
  private previousPlanBatch(): number | undefined {
    const canary = this.canary!;
    const rolloutId = canary.observedRolloutID || canary.canaryRevision || '';
    const current = canary.currentStepIndex ?? 1;
    let labelled = 0;
    let released = 0;
    for (const pod of this.control!.newRevisionPods()) {
      const labels = pod.metadata.labels ?? {};
      if (labels[Label.rolloutId] !== rolloutId) continue;
      labelled++;
      const batch = Number(labels[Label.batchId]);
      if (Number.isInteger(batch) && batch <= current) released++;
    }
    return labelled > 0 ? released : undefined;
  }

  /** docs/controller.md §10: re-target to the first step whose batch is at least the current one. */
  private recalculateCanaryStep(planHash: string): void {
    const canary = this.canary!;
    const stepCount = this.steps.length;
    const replicas = this.replicas();
    const currentBatch = this.previousPlanBatch() ?? this.control!.partitionBatch() ?? canary.canaryReplicas ?? 0;
    const currentOffset = (canary.currentStepIndex ?? 1) - 1;
    const order = [
      ...(currentOffset >= 0 && currentOffset < stepCount ? [currentOffset] : []),
      ...Array.from({ length: stepCount }, (_, i) => i).filter((i) => i !== currentOffset),
    ];
    let stepIndex = stepCount;
    for (const i of order) {
      stepIndex = i + 1;
      if (currentBatch <= batchReplicasOrZero(this.steps[i]!.replicas, replicas, 'plain')) break;
    }
    if (stepIndex === canary.nextStepIndex) {
      canary.currentStepState = StepState.StepReady;
    } else {
      canary.nextStepIndex = stepIndex;
      this.doStepJump();
    }
    canary.rolloutHash = planHash;
  }

  /** A user-written nextStepIndex other than the natural next one: go to that step. */
  private doStepJump(): boolean {
    const canary = this.canary!;
    const stepCount = this.steps.length;
    const next = canary.nextStepIndex ?? 0;
    if (next === nextBatchIndex(canary.currentStepIndex ?? 1, stepCount) || next < 1 || next > stepCount) return false;
    canary.currentStepIndex = next;
    canary.nextStepIndex = nextBatchIndex(next, stepCount);
    const planned = batchReplicasOrZero(this.steps[next - 1]!.replicas, this.replicas(), 'plain');
    canary.currentStepState = planned === canary.canaryReplicas ? StepState.StepTrafficRouting : StepState.BeforeStepUpgrade;
    canary.lastUpdateTime = this.passTime;
    return true;
  }

  // ---- the step machine (docs/controller.md §8) ----

  private runCanary(hash: string): Next {
    const canary = this.canary!;
    const status = this.status;
    if (!canary.podTemplateHash) canary.podTemplateHash = this.podTemplateHash(hash);
    if (this.doStepJump()) return 'continue';
    const stepCount = this.steps.length;
    const stepIndex = canary.currentStepIndex ?? 1;
    const step = this.steps[stepIndex - 1]!;
    // A step without traffic: the canary traffic of an earlier step is cleaned up first.
    const traffic = this.traffic();
    if (traffic && !stepRoutesTraffic(step)) {
      const done = traffic.finalising();
      canary.lastUpdateTime = traffic.lastUpdateTime;
      if (!done) return this.waitForTraffic(traffic);
    }
    const state = canary.currentStepState;
    // Past the upgrade of this step, keep the batch sized to the live replica count (HPA).
    if (state !== StepState.BeforeStepUpgrade && state !== StepState.StepUpgrade && state !== StepState.Completed)
      this.runBatch(stepIndex, step);
    switch (state) {
      case StepState.BeforeStepUpgrade:
        if (traffic && stepRoutesTraffic(step)) {
          // Upstream's work-around for ingress-nginx#9635: a step that updates every pod first
          // lets the stable Service select all pods; the first step first narrows it to stable.
          if (
            !this.blueGreen &&
            batchReplicasOrZero(step.replicas, this.replicas(), 'plain') >= this.replicas() &&
            traffic.restoreStableService()
          )
            return this.waitForTraffic(traffic);
          if (stepIndex === 1 && !stepStrategyOf(this.rollout)?.disableGenerateCanaryService && traffic.patchStableService())
            return this.waitForTraffic(traffic);
          canary.lastUpdateTime = this.passTime;
        }
        canary.currentStepState = StepState.StepUpgrade;
        return 'continue';
      case StepState.StepUpgrade: {
        status.message = stepMessage('upgrade', stepIndex, stepCount);
        if (!this.runBatch(stepIndex, step)) return 'stop';
        this.events.push(RolloutEvents.stepUpgraded(stepIndex));
        canary.podTemplateHash = this.podTemplateHash(hash);
        // Blue-green always routes traffic after the upgrade; a partition step of every pod has none to route.
        canary.currentStepState =
          !this.blueGreen && batchReplicasOrZero(step.replicas, this.replicas(), 'plain') >= this.replicas()
            ? StepState.StepMetricsAnalysis
            : StepState.StepTrafficRouting;
        canary.lastUpdateTime = this.passTime;
        return 'continue';
      }
      case StepState.StepTrafficRouting:
        if (traffic) {
          const done = traffic.doTrafficRouting();
          canary.lastUpdateTime = traffic.lastUpdateTime;
          if (!done) return this.waitForTraffic(traffic, DEFAULT_GRACE_SECONDS * 1000);
        }
        canary.lastUpdateTime = this.passTime;
        canary.currentStepState = StepState.StepMetricsAnalysis;
        return 'continue';
      case StepState.StepMetricsAnalysis:
        canary.currentStepState = StepState.StepPaused;
        return 'continue';
      case StepState.StepPaused: {
        if (!this.pauseDone(stepIndex, stepCount, step)) return 'stop';
        canary.lastUpdateTime = this.passTime;
        canary.currentStepState = StepState.StepReady;
        return 'continue';
      }
      case StepState.StepReady:
        if (stepIndex < stepCount) {
          canary.currentStepIndex = stepIndex + 1;
          canary.nextStepIndex = nextBatchIndex(stepIndex + 1, stepCount);
          canary.currentStepState = StepState.BeforeStepUpgrade;
        } else {
          canary.currentStepState = StepState.Completed;
        }
        return 'continue';
      case StepState.Completed:
        return 'continue';
      default:
        // An unknown state (hand-edited status): restart the current step.
        canary.currentStepState = StepState.BeforeStepUpgrade;
        return 'continue';
    }
  }

  private pauseDone(stepIndex: number, stepCount: number, step: CanaryStep): boolean {
    const status = this.status;
    // Canary and partition only: a last step of "100%" never waits.
    if (!this.blueGreen && stepIndex === stepCount && step.replicas === '100%') return true;
    const duration = step.pause?.duration;
    if (duration === undefined || duration === null) {
      status.message = stepMessage('manual', stepIndex, stepCount);
      return false;
    }
    status.message = stepMessage('wait', stepIndex, stepCount, duration);
    if (duration <= 0) return true;
    const since = Date.parse(this.canary!.lastUpdateTime ?? '');
    const expected = (Number.isFinite(since) ? since : this.now.getTime()) + duration * 1000;
    // Strictly after, as upstream's expected.Before(now).
    if (this.now.getTime() > expected) return true;
    this.requeueAfterMs = expected - this.now.getTime() + 1;
    return false;
  }

  /** Blue-green's HPA write (disable or restore) for the workload, if one is due. */
  private hpa(change: typeof disableHpa): void {
    const ref = workloadRefOf(this.rollout);
    if (!this.blueGreen || !ref || this.hpaWrites.length > 0) return;
    const write = change(this.observed.hpas, ref);
    if (write) this.hpaWrites.push(write);
  }

  /** Sizes and labels the current batch; whether it is ready (docs/controller.md §9). */
  private runBatch(stepIndex: number, step: CanaryStep): boolean {
    const canary = this.canary!;
    // Blue-green takes the workload in this pass (upstream's Initialize): its HPA is disabled first.
    if (this.blueGreen && this.observed.workload && !readOriginalStrategy(this.observed.workload)) this.hpa(disableHpa);
    const rolloutId = canary.observedRolloutID || canary.canaryRevision || '';
    const batch = this.control!.runBatch(
      this.rollout,
      canary.stableRevision,
      batchReleaseControlRef(this.rollout, this.observed.batchRelease),
      step.replicas ?? 0,
      { rolloutId, batch: stepIndex, batches: this.steps.map((s) => s.replicas) },
      this.now,
    );
    canary.canaryReplicas = batch.updated;
    canary.canaryReadyReplicas = batch.updatedReady;
    const failureThreshold = stepStrategyOf(this.rollout)?.failureThreshold;
    const tolerated = failureThreshold === undefined || failureThreshold === null ? 0 : scaledValue(failureThreshold, batch.updated, true);
    const ready =
      batch.ready ??
      (batch.updated >= batch.target &&
        batch.updatedReady + tolerated >= batch.target &&
        (batch.target === 0 || batch.updatedReady > 0) &&
        batch.labelled >= batch.target);
    canary.message = `BatchRelease is at state ${ready ? 'Ready' : 'Upgrading'}, rollout-id ${rolloutId}, step ${stepIndex}`;
    this.batch = { stepIndex, rolloutId, updated: batch.updated, updatedReady: batch.updatedReady, ready };
    return ready;
  }

  // ---- finalising, disabling and deletion (docs/controller.md §6, §11) ----

  /**
   * One finalising task per pass, as upstream's doCanaryFinalising: the in-progressing annotation
   * goes first; ResumeWorkload hands the Deployment back, ReleaseWorkloadControl deletes the
   * BatchRelease, the traffic tasks have nothing to do. `finalisingStep` records the task to run
   * next (the first is run twice, as upstream). True once it reaches END.
   */
  private finalise(kind: FinaliseReason): boolean {
    const canary = this.canary;
    if (!canary) return true;
    if (this.workload) dropMetadata(this.workload, { annotations: [Annotation.inProgressing] });
    const tasks = finalisingTasks(this.blueGreen, kind);
    const current = canary.finalisingStep ?? '';
    if (current === FinalisingStep.End) return true;
    const next = nextFinalisingTask(tasks, current);
    if (!current) canary.finalisingStep = next;
    const traffic = this.traffic();
    switch (canary.finalisingStep) {
      case FinalisingStep.RestoreStableService:
        if (traffic?.restoreStableService()) {
          this.waitForTraffic(traffic);
          return false;
        }
        break;
      case FinalisingStep.RouteTrafficToStable:
        if (traffic?.restoreGateway()) {
          this.waitForTraffic(traffic);
          return false;
        }
        break;
      case FinalisingStep.RemoveCanaryService:
        if (traffic?.removeCanaryService()) {
          this.waitForTraffic(traffic);
          return false;
        }
        break;
      case FinalisingStep.RouteTrafficToNew:
        if (traffic?.routeAllTrafficToNew()) {
          this.waitForTraffic(traffic);
          return false;
        }
        break;
      case FinalisingStep.ResumeWorkload: {
        this.control?.handBack();
        // Blue-green: the native rollout finishes (the old side scaled down) before traffic moves on;
        // canary style after a success: the stable Deployment rolls out before the canary goes.
        const pending = this.control?.handBackPending?.(kind);
        if (pending) {
          this.waiting = pending;
          this.requeueAfterMs = WAIT_READY_RECHECK_MS;
          return false;
        }
        this.hpa(restoreHpa);
        break;
      }
      case FinalisingStep.ReleaseWorkloadControl:
        this.releaseBatchRelease = true;
        break;
      default:
        // An unknown step (hand-edited status): start again from the first.
        canary.finalisingStep = tasks[0];
        return false;
    }
    canary.lastUpdateTime = this.passTime;
    canary.finalisingStep = next;
    return next === FinalisingStep.End;
  }

  /** Disabling (upstream reconcileRolloutDisabling): the finalising tasks, then Disabled; the sub-status stays. */
  private disabling(): void {
    if (!this.finalise('other')) return;
    this.status.phase = Phase.Disabled;
    this.status.message = StatusMessage.disabled;
  }

  /**
   * Deletion, a pass each as upstream: phase Terminating with Terminating=True InTerminating; then
   * the finalising tasks (upstream reconcileRolloutTerminating) until Terminating=False Completed;
   * then the finalizer goes (handleFinalizer).
   */
  private terminate(): void {
    const status = this.status;
    if (status.phase !== Phase.Terminating) {
      status.phase = Phase.Terminating;
      this.setCondition(ConditionType.Terminating, 'True', 'InTerminating', StatusMessage.terminating);
      status.message = StatusMessage.terminating;
      return;
    }
    const terminating = status.conditions?.find((c) => c.type === ConditionType.Terminating);
    if (terminating?.reason === 'Completed') {
      if ((this.rollout.metadata.finalizers ?? []).includes(ROLLOUT_FINALIZER)) this.finalizer = 'drop';
      return;
    }
    if (this.finalise('other')) transitionCondition(this.status, this.passTime, ConditionType.Terminating, 'False', 'Completed', '');
  }

  // ---- traffic routing (docs/controller.md §17) ----

  /** The traffic tasks with the status as it stands now; undefined for a Rollout without trafficRoutings. */
  private traffic(): TrafficRouter | undefined {
    if (!trafficRoutingOf(this.rollout)) return undefined;
    const canary = this.canary;
    const steps = this.steps;
    const index = (canary?.currentStepIndex ?? 1) - 1;
    // Out of range (finalising, deleting): upstream takes the first step.
    const step = steps[index >= 0 && index < steps.length ? index : 0];
    const ctx = {
      rollout: this.rollout,
      strategy: { traffic: step?.traffic, matches: step?.matches, requestHeaderModifier: step?.requestHeaderModifier },
      stableRevision: canary?.stableRevision ?? '',
      canaryRevision: canary?.podTemplateHash ?? '',
      lastUpdateTime: canary?.lastUpdateTime,
      now: this.now,
    };
    this.trafficRouter ??= new TrafficRouter(this.observed.traffic ?? { services: {}, ingresses: {} }, ctx, defaultGraceBook);
    return this.trafficRouter.with(ctx);
  }

  /** A traffic task is not done: run again when its grace period ends (or at upstream's recheck). */
  private waitForTraffic(traffic: TrafficRouter, recheckMs = DEFAULT_GRACE_SECONDS * 1000): Next {
    this.requeueAfterMs = traffic.recheckMs ?? recheckMs;
    if (traffic.error) this.waiting = traffic.error;
    return 'stop';
  }

  /** Initializing waits while the stable Service or the Ingress is missing, writing nothing (upstream's error). */
  private trafficMissing(): boolean {
    const traffic = this.traffic();
    const error = traffic?.initialize();
    if (!traffic || !error) return false;
    this.waitForTraffic(traffic);
    return true;
  }

  /**
   * Upstream's doProgressingReset for a continuous release with traffic routing: the gateway
   * routes all traffic to stable (with its grace period), then the canary Service goes. True when done.
   */
  private resetTraffic(): boolean {
    const traffic = this.traffic();
    const canary = this.canary!;
    if (!traffic) return true;
    if (canary.finalisingStep !== FinalisingStep.RemoveCanaryService) {
      canary.finalisingStep = FinalisingStep.RouteTrafficToStable;
      if (traffic.restoreGateway()) {
        canary.lastUpdateTime = traffic.lastUpdateTime;
        this.waitForTraffic(traffic);
        return false;
      }
      canary.lastUpdateTime = this.passTime;
      canary.finalisingStep = FinalisingStep.RemoveCanaryService;
    }
    // The last task ignores the grace period.
    traffic.removeCanaryService(true);
    return true;
  }

  // ---- helpers ----

  /** The pod-template-hash of the new revision's pods (the canary Deployment's, in canary style). */
  private podTemplateHash(hash: string): string {
    return this.control?.podTemplateHash?.(hash) ?? hash;
  }

  /**
   * Upstream's getRolloutID (rollout_status.go): the workload's rollout-id label, else the
   * template's revision, prefixed `rollback-` while the workload is in a release whose stable
   * revision is the template's (a rollback, upstream's IsInRollback for a partition-style
   * Deployment). The annotation is the webhook's input only (§5).
   */
  private rolloutId(revision: string): string {
    const workload = this.workload!;
    const label = workload.metadata.labels?.[Label.rolloutId];
    if (label) return label;
    const inRollback = Boolean(workload.metadata.annotations?.[Annotation.inProgressing]) && this.control!.inRollback(revision);
    return inRollback ? `rollback-${revision}` : revision;
  }

  /** A new condition (upstream's NewRolloutCondition + SetRolloutCondition). */
  private setCondition(type: string, status: RolloutCondition['status'], reason: string, message: string): void {
    setCondition(this.status, this.passTime, type, status, reason, message);
  }

  /** The Progressing condition moves on, as upstream's progressingStateTransition: status.message follows it. */
  private progressTo(status: RolloutCondition['status'], reason: string, message: string): void {
    this.status.message = transitionCondition(this.status, this.passTime, ConditionType.Progressing, status, reason, message);
  }

  /** Succeeded=True|False, as upstream's setRolloutSucceededCondition. */
  private succeeded(status: RolloutCondition['status']): void {
    transitionCondition(this.status, this.passTime, ConditionType.Succeeded, status, '', '');
  }
}
