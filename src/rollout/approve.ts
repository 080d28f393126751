// PURE: what `rollout approve` should write, decided from the Rollout as read.
// StepPaused → StepReady in the sub-status (and the v1beta1 top-level mirror); nothing else changes.

import { kubeTime } from '../kube/time.js';
import type { KubeObject } from '../kube/types.js';
import { assessRollout } from './assess.js';
import { subStatusOf } from './release.js';
import type { Rollout } from './types.js';
import { StepState } from './types.js';

/** Preconditions the user asked for. */
export interface ApproveGuards {
  /** --step N: approve only step N; past N (or StepReady at N) is "already approved". */
  step?: number;
  /** --rollout-id ID: approve only the release with this observedRolloutID. */
  rolloutId?: string;
}

/** The steps of a Rollout's strategy (canary, else blue-green). */
function stepsOf(ro: Rollout) {
  return ro.spec?.strategy?.canary?.steps ?? ro.spec?.strategy?.blueGreen?.steps ?? [];
}

/**
 * What an approval of step `index` did, in words: `step 1/3 (releasing step 2: 50% of the pods)`.
 * From the Rollout alone, so that an approval stays GET + PUT: the pod count of a percentage would
 * need the workload.
 */
export function approvedStepText(ro: Rollout, index: number | undefined): string {
  const steps = stepsOf(ro);
  if (index === undefined) return '';
  const at = `step ${index}/${steps.length}`;
  const next = steps[index];
  if (!next) return `${at} (the last step: the release completes)`;
  const replicas = next.replicas ?? (typeof next.weight === 'number' ? `${next.weight}%` : undefined);
  const amount =
    replicas === undefined
      ? ''
      : typeof replicas === 'number' || /^\d+$/.test(replicas)
        ? `: ${replicas} pod${Number(replicas) === 1 ? '' : 's'} in all`
        : `: ${replicas} of the pods`;
  return `${at} (releasing step ${index + 1}${amount})`;
}

/**
 * Why a step cannot be approved now, and what to run instead:
 * `step 2/3 is StepUpgrade (planned 5, ready 1); wait with: kubectl kruise rollout watch x --until paused --step 2`.
 * `workload` (optional) gives the planned pods; `cli` is how the user invoked us.
 */
export function notPausedDetail(ro: Rollout, workload: KubeObject | null | undefined, cli: string): string {
  const a = assessRollout(ro, workload);
  const index = a.currentStepIndex;
  if (index === undefined || index < 1) return `no step has started (phase ${a.phase ?? 'none'})`;
  const counts = [a.planned !== undefined ? `planned ${a.planned}` : '', `updated ${a.updated ?? 0}`, `ready ${a.ready ?? 0}`].filter(
    Boolean,
  );
  const state = `step ${index}/${a.steps.length} is ${a.currentStepState ?? 'without a state'} (${counts.join(', ')})`;
  if (a.done || a.currentStepState === StepState.Completed) return `${state}: the release is complete, there is nothing to approve`;
  if (a.paused) return `${state}; the rollout is paused: resume it with: ${cli} rollout resume ${ro.metadata.name}`;
  // The step to wait for: this one if it waits for approval, else the next one that does.
  const manual = a.steps.find(
    (s) => s.index >= index && s.pause.kind === 'manual' && !(s.index === index && a.currentStepState === StepState.StepReady),
  );
  const wait = manual ? `--until paused --step ${manual.index}` : '--until completed';
  return `${state}; wait with: ${cli} rollout watch ${ro.metadata.name} ${wait}`;
}

/** Which step of which release a plan is about: a retry must approve the same one. */
interface ApproveTarget {
  stepIndex: number | undefined;
  rolloutId: string | undefined;
}

/** The decision: write this object, nothing to do (exit 0), or not allowed (exit 1). */
type ApprovePlan =
  | { kind: 'write'; object: Rollout; target: ApproveTarget }
  | { kind: 'noop'; reason: string; target: ApproveTarget }
  | { kind: 'refuse'; message: string; target: ApproveTarget; notPaused?: boolean };

/** The step/release a Rollout is at, as approve sees it. */
export function approveTarget(ro: Rollout): ApproveTarget {
  const s = subStatusOf(ro)?.status;
  return { stepIndex: s?.currentStepIndex, rolloutId: s?.observedRolloutID };
}

/** The start of upstream's refusal when the step is not paused (kept: scripts match it). */
export const NOT_PAUSED = (word: string) => `does not allow to approve, because current ${word} state is not 'StepPaused'`;

/** Plans an approval of `ro` under `guards` at time `now`; `context.cli` names the command in hints. */
export function planApprove(
  ro: Rollout,
  guards: ApproveGuards,
  now: Date,
  context: { cli: string } = { cli: 'kubectl kruise' },
): ApprovePlan {
  const target = approveTarget(ro);
  const found = subStatusOf(ro);
  if (!found) return { kind: 'refuse', message: 'no need to approve: not in canary or blue-green progress', target };
  const { status: sub, kind: field } = found;
  const word = field === 'canaryStatus' ? 'canary' : 'blue-green';
  const state = sub.currentStepState;
  const index = sub.currentStepIndex;

  if (guards.rolloutId !== undefined && sub.observedRolloutID !== guards.rolloutId) {
    const seen = sub.observedRolloutID ? `"${sub.observedRolloutID}"` : 'no rollout-id';
    return {
      kind: 'refuse',
      message: `does not allow to approve: the status belongs to ${seen}, not rollout-id "${guards.rolloutId}"`,
      target,
    };
  }

  const steps = stepsOf(ro);
  if (guards.step !== undefined && steps.length > 0 && guards.step > steps.length) {
    const n = guards.step;
    return {
      kind: 'refuse',
      message: `does not allow to approve step ${n}: step ${n} does not exist (the rollout has ${steps.length} step${steps.length === 1 ? '' : 's'})`,
      target,
    };
  }

  if (guards.step !== undefined) {
    const n = guards.step;
    if (index === undefined)
      return { kind: 'refuse', message: `does not allow to approve step ${n}: the status has no current step`, target };
    if (index > n || (index === n && (state === StepState.StepReady || state === StepState.Completed))) {
      const of = steps.length > 0 ? `/${steps.length}` : '';
      return {
        kind: 'noop',
        reason: `already approved step ${n}${of} (the rollout is at step ${index}${of}, ${state ?? 'no state'})`,
        target,
      };
    }
    if (index < n)
      return {
        kind: 'refuse',
        message: `does not allow to approve step ${n}: the rollout is at step ${index} (${state ?? 'no state'})`,
        target,
      };
  }

  if (state !== StepState.StepPaused) {
    return {
      kind: 'refuse',
      message: `${NOT_PAUSED(word)}: ${notPausedDetail(ro, undefined, context.cli)}`,
      target,
      notPaused: true,
    };
  }
  // A status that points past the steps (edited by hand, or steps removed) has no batch to approve.
  if (index === undefined || !Number.isInteger(index) || index < 1 || index > steps.length) {
    const has = steps.length ? `the rollout has ${steps.length} step${steps.length === 1 ? '' : 's'}` : 'the rollout has no steps';
    return {
      kind: 'refuse',
      message: `does not allow to approve: current step ${index ?? '(none)'} is out of range (${has}); check the Rollout's steps`,
      target,
    };
  }

  const object = structuredClone(ro);
  const status = object.status!;
  const nextSub = status[field]!;
  nextSub.currentStepState = StepState.StepReady;
  nextSub.lastUpdateTime = kubeTime(now);
  // v1beta1 mirrors the sub-status at the top level; v1alpha1 has no such field.
  if (!isV1alpha1(ro)) status.currentStepState = StepState.StepReady;
  return { kind: 'write', object, target };
}

/** True for a rollouts.kruise.io/v1alpha1 object. */
export function isV1alpha1(ro: Rollout): boolean {
  return ro.apiVersion === 'rollouts.kruise.io/v1alpha1';
}

/**
 * After a conflict: may a re-planned approval go ahead? Never approve a step the user did not
 * see — if the rollout moved to another step or release since the first read, the answer is
 * a refusal, unless the fresh plan is already a no-op (`--step N` and the rollout is past N).
 */
export function recheckAfterConflict(first: ApproveTarget, fresh: ApprovePlan): ApprovePlan {
  if (fresh.kind === 'noop') return fresh;
  const t = fresh.target;
  if (t.stepIndex !== first.stepIndex) {
    return {
      kind: 'refuse',
      message: `the rollout moved on to step ${t.stepIndex ?? '(none)'} while approving; nothing was written`,
      target: t,
    };
  }
  if (t.rolloutId !== first.rolloutId) {
    return {
      kind: 'refuse',
      message: `the rollout started another release (rollout-id "${t.rolloutId ?? ''}") while approving; nothing was written`,
      target: t,
    };
  }
  return fresh;
}
