// What a Rollout is doing, decided from the objects alone (no I/O, no clock): the facts every
// view, watch condition and JSON output rests on (docs/controller.md §2–§14).
import type { KubeObject } from '../kube/types.js';
import { StatusMessage } from '../reconcile/messages.js';
import { type BatchRounding, batchReplicas } from '../workload/partition.js';
import { workloadReplicas } from '../workload/replicas.js';
import type { IntOrString } from '../workload/types.js';
import { isCurrentRelease, subStatusOf, workloadRefOf, workloadRolloutId } from './release.js';
import {
  Annotation,
  type CanaryStep,
  type CanaryStrategy,
  ConditionType,
  Phase,
  ProgressingReason,
  RollingStyle,
  type RollingStyleName,
  type Rollout,
  type RolloutCondition,
  StepState,
} from './types.js';

/** How a step waits after its batch is ready: for approval, not at all, or N seconds. */
type StepPause = { kind: 'manual' } | { kind: 'none' } | { kind: 'timed'; seconds: number };

/** One step of the plan, with its batch size against the live replica count. */
export interface AssessedStep {
  /** 1-based, as currentStepIndex. */
  index: number;
  /** As written (v1alpha1 `weight: N` without replicas becomes "N%", as the conversion does). */
  replicas: IntOrString | undefined;
  traffic: string | undefined;
  /** Pods this step releases; undefined without a workload replica count. */
  planned: number | undefined;
  pause: StepPause;
}

/** Everything derived from one Rollout (and its workload, when known). */
export interface RolloutAssessment {
  style: RollingStyleName;
  steps: AssessedStep[];
  phase: string | undefined;
  message: string | undefined;
  /** status.observedGeneration == metadata.generation (true when either is missing). */
  statusObserved: boolean;
  subStatusKind: 'canaryStatus' | 'blueGreenStatus' | undefined;
  currentStepIndex: number | undefined;
  currentStepState: string | undefined;
  nextStepIndex: number | undefined;
  lastUpdateTime: string | undefined;
  finalisingStep: string | undefined;
  subStatusMessage: string | undefined;
  /** Planned pods of the current batch (docs/controller.md §9). */
  planned: number | undefined;
  /** canaryReplicas / updatedReplicas: observed, not planned. */
  updated: number | undefined;
  /** canaryReadyReplicas / updatedReadyReplicas. */
  ready: number | undefined;
  stableRevision: string | undefined;
  canaryRevision: string | undefined;
  observedRolloutID: string | undefined;
  workloadRolloutID: string | undefined;
  observedWorkloadGeneration: number | undefined;
  workloadGeneration: number | undefined;
  workloadReplicas: number | undefined;
  /** spec.strategy.paused, or the Progressing condition says Paused. */
  paused: boolean;
  /** spec.disabled, or phase Disabled/Disabling. */
  disabled: boolean;
  /** metadata.deletionTimestamp set (phase Terminating follows). */
  deleting: boolean;
  conditions: RolloutCondition[];
  progressingReason: string | undefined;
  /** The status belongs to the workload's current release (rollout-id and generation). */
  currentRelease: boolean;
  /** The current step waits for `rollout approve` (docs/controller.md §14). */
  waitingForApproval: boolean;
  /** The current release finished successfully (docs/controller.md §14). */
  done: boolean;
  /** The release was cancelled by a rollback: Progressing False/Completed "canceled", or Succeeded False. */
  cancelled: boolean;
}

/** GetRollingStyle: BlueGreen, else Canary with enableExtraWorkloadForCanary, else Partition (v1alpha1: annotation). */
export function rollingStyleOf(ro: Rollout): RollingStyleName {
  const strategy = ro.spec?.strategy;
  if (strategy?.blueGreen) return RollingStyle.BlueGreen;
  if (strategy?.canary?.enableExtraWorkloadForCanary) return RollingStyle.Canary;
  if (ro.apiVersion?.endsWith('/v1alpha1')) {
    // v1alpha1 conversion: a Deployment defaults to canary unless the annotation says partition.
    const annotated = ro.metadata?.annotations?.[Annotation.rollingStyle];
    if (annotated === 'partition') return RollingStyle.Partition;
    if (annotated === 'canary') return RollingStyle.Canary;
    return workloadRefOf(ro)?.kind === 'Deployment' ? RollingStyle.Canary : RollingStyle.Partition;
  }
  return RollingStyle.Partition;
}

/** The strategy block holding the steps (canary or blueGreen). */
function strategyOf(ro: Rollout): CanaryStrategy | undefined {
  return ro.spec?.strategy?.blueGreen ?? ro.spec?.strategy?.canary;
}

function pauseOf(step: CanaryStep, index: number, count: number, style: RollingStyleName): StepPause {
  // Canary and partition only: a last step of exactly "100%" never waits (docs/controller.md §8).
  if (style !== RollingStyle.BlueGreen && index === count && step.replicas === '100%') return { kind: 'none' };
  const duration = step.pause?.duration;
  if (duration === undefined || duration === null) return { kind: 'manual' };
  if (duration <= 0) return { kind: 'none' };
  return { kind: 'timed', seconds: duration };
}

/** The pods a step releases (docs/controller.md §9); undefined when its replicas are missing or malformed. */
function plannedOf(value: IntOrString | undefined, replicas: number, rounding: BatchRounding): number | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return batchReplicas(value, replicas, rounding);
  } catch {
    return undefined;
  }
}

function conditionOf(ro: Rollout, type: string): RolloutCondition | undefined {
  return ro.status?.conditions?.find((c) => c.type === type);
}

/** Assesses a Rollout, with its workload when known (null/undefined: not found or not read). */
export function assessRollout(ro: Rollout, workload?: KubeObject | null): RolloutAssessment {
  const style = rollingStyleOf(ro);
  const rawSteps = strategyOf(ro)?.steps ?? [];
  const workloadCount = workload ? workloadReplicas(workload) : undefined;
  const partitionDeployment = style === RollingStyle.Partition && (workload?.kind ?? workloadRefOf(ro)?.kind) === 'Deployment';
  const steps: AssessedStep[] = rawSteps.map((step, i) => {
    const replicas = step.replicas ?? (typeof step.weight === 'number' ? `${step.weight}%` : undefined);
    return {
      index: i + 1,
      replicas,
      traffic: step.traffic ?? (typeof step.weight === 'number' ? `${step.weight}%` : undefined),
      planned: workloadCount === undefined ? undefined : plannedOf(replicas, workloadCount, partitionDeployment ? 'partition' : 'plain'),
      pause: pauseOf({ ...step, replicas }, i + 1, rawSteps.length, style),
    };
  });

  const status = ro.status;
  const found = subStatusOf(ro);
  const sub = found?.status;
  const blueGreen = found?.kind === 'blueGreenStatus';
  // The sub-status is the source; the v1beta1 top-level mirror is a fallback only.
  const currentStepIndex = sub?.currentStepIndex ?? status?.currentStepIndex;
  const currentStepState = sub?.currentStepState ?? status?.currentStepState;
  const currentStep = currentStepIndex !== undefined ? steps[currentStepIndex - 1] : undefined;

  const progressing = conditionOf(ro, ConditionType.Progressing);
  const succeeded = conditionOf(ro, ConditionType.Succeeded);
  const phase = status?.phase;
  const generation = ro.metadata?.generation;
  const statusObserved = generation === undefined || status?.observedGeneration === undefined || status.observedGeneration === generation;
  const currentRelease = isCurrentRelease(ro, workload);
  const disabled = ro.spec?.disabled === true || phase === Phase.Disabled || phase === Phase.Disabling;
  const paused = ro.spec?.strategy?.paused === true || progressing?.reason === ProgressingReason.Paused;

  const cancelled =
    (progressing?.status === 'False' &&
      progressing.reason === ProgressingReason.Completed &&
      progressing.message === StatusMessage.canceled) ||
    succeeded?.status === 'False';

  const waitingForApproval =
    phase === Phase.Progressing &&
    progressing?.reason === ProgressingReason.InRolling &&
    currentStepState === StepState.StepPaused &&
    currentStep?.pause.kind === 'manual';

  // Succeeded is True after a release, absent after a first-ever deploy (message StatusMessage.firstDeploy),
  // and False after a cancel: only False rules "done" out; currentRelease rules out stale statuses.
  const done =
    statusObserved &&
    phase === Phase.Healthy &&
    currentStepState === StepState.Completed &&
    succeeded?.status !== 'False' &&
    currentRelease;

  return {
    style,
    steps,
    phase,
    message: status?.message,
    statusObserved,
    subStatusKind: found?.kind,
    currentStepIndex,
    currentStepState,
    nextStepIndex: sub?.nextStepIndex,
    lastUpdateTime: sub?.lastUpdateTime,
    finalisingStep: sub?.finalisingStep || undefined,
    subStatusMessage: sub?.message || undefined,
    planned: currentStep?.planned,
    updated: blueGreen ? sub?.updatedReplicas : sub?.canaryReplicas,
    ready: blueGreen ? sub?.updatedReadyReplicas : sub?.canaryReadyReplicas,
    stableRevision: sub?.stableRevision || undefined,
    canaryRevision: (blueGreen ? sub?.updatedRevision : sub?.canaryRevision) || undefined,
    observedRolloutID: sub?.observedRolloutID || undefined,
    workloadRolloutID: workloadRolloutId(workload),
    observedWorkloadGeneration: sub?.observedWorkloadGeneration,
    workloadGeneration: workload?.metadata?.generation,
    workloadReplicas: workloadCount,
    paused,
    disabled,
    deleting: Boolean(ro.metadata?.deletionTimestamp),
    conditions: status?.conditions ?? [],
    progressingReason: progressing?.reason,
    currentRelease,
    waitingForApproval,
    done,
    cancelled,
  };
}
