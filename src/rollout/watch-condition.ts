// `rollout watch --until …` as a pure decision: (rollout, workload, what we saw before) →
// holds | waiting | cannot-hold. A status left over from a previous release never satisfies a
// condition; a newer release superseding the awaited one ends the wait (exit 4).
import type { KubeObject } from '../kube/types.js';
import { canonicalJson, podTemplateHash } from '../workload/hash.js';
import { assessRollout, type RolloutAssessment } from './assess.js';
import { workloadRolloutId } from './release.js';
import { Phase, ProgressingReason, type Rollout, StepState } from './types.js';

/** The condition `rollout watch` waits for. */
export type WatchUntil = 'completed' | 'paused' | 'ready';

/** What the watcher remembers between evaluations (pure data; start with undefined). */
export interface WatchMemory {
  /** The workload's release when first seen: rollout-id, else its canonical pod template. */
  baseline?: { rolloutId?: string; template?: string };
  /** --rollout-id: the awaited id was seen on the workload or in the status. */
  sawTarget?: boolean;
  /** --wait-for-release: the release seen first was already complete; the next one is awaited. */
  awaitNext?: boolean;
}

/** Options of one watch. */
export interface WatchOptions {
  until: WatchUntil;
  /** --step N (1-based), for paused and ready. */
  step?: number;
  /** --rollout-id ID: wait for that release. */
  rolloutId?: string;
  /** --wait-for-release: a release already complete at first sight is not the one awaited. */
  waitForRelease?: boolean;
  memory?: WatchMemory;
}

/** The verdict: holds → exit 0, cannot-hold → exit 4, waiting → keep watching. */
interface WatchVerdict {
  verdict: 'holds' | 'waiting' | 'cannot-hold';
  reason: string;
  /** Pass back in as options.memory on the next evaluation. */
  memory: WatchMemory;
}

function templateKey(workload: KubeObject): string | undefined {
  const t = workload.spec?.template;
  return t === undefined ? undefined : canonicalJson(t);
}

/** Records what identifies the awaited release on first sight; later calls keep it. */
function remember(
  memory: WatchMemory,
  workload: KubeObject | null,
  a: RolloutAssessment | undefined,
  target: string | undefined,
): WatchMemory {
  const next: WatchMemory = { ...memory };
  if (workload && !next.baseline) {
    const id = workloadRolloutId(workload);
    next.baseline = id !== undefined ? { rolloutId: id } : { template: templateKey(workload) };
  }
  if (target !== undefined && !next.sawTarget) {
    const id = workload ? workloadRolloutId(workload) : undefined;
    if (id === target || (a?.currentRelease && a.observedRolloutID === target)) next.sawTarget = true;
  }
  return next;
}

/** Why the awaited release was superseded, if it was (undefined: it was not). */
function supersededReason(workload: KubeObject, a: RolloutAssessment, memory: WatchMemory, target: string | undefined): string | undefined {
  const id = workloadRolloutId(workload);
  if (target !== undefined) {
    if (!memory.sawTarget) return undefined;
    if (id !== undefined && id !== target) return `superseded by a newer release (workload rollout-id ${id}, awaited ${target})`;
    if (a.currentRelease && a.observedRolloutID !== undefined && a.observedRolloutID !== target) {
      return `superseded by a newer release (observed rollout-id ${a.observedRolloutID}, awaited ${target})`;
    }
    return undefined;
  }
  const base = memory.baseline;
  if (!base) return undefined;
  if (base.rolloutId !== undefined || id !== undefined) {
    // With a rollout-id the id alone names the release (the Kruise webhook ignores template edits then).
    return base.rolloutId !== id
      ? `superseded by a newer release (workload rollout-id ${id ?? '<none>'}, was ${base.rolloutId ?? '<none>'})`
      : undefined;
  }
  const now = templateKey(workload);
  if (base.template === undefined || now === undefined || now === base.template) return undefined;
  // Back to the stable pod template: a rollback, which cancels the release.
  const stable = a.stableRevision;
  if (stable && podTemplateHash(workload.spec.template) === stable) return 'the workload was rolled back to the stable revision';
  return 'superseded by a newer release (the workload template changed)';
}

function stepLabel(step: number | undefined): string {
  return step === undefined ? '' : ` at step ${step}`;
}

/**
 * Evaluates `--until` against the current objects. `ro` null means the Rollout is gone;
 * `workload` null means not found. Checks run in order: gone, disabled, stale/superseded,
 * cancelled, then the condition itself.
 */
export function evaluateWatch(ro: Rollout | null, workload: KubeObject | null, options: WatchOptions): WatchVerdict {
  const { until, step, rolloutId: target } = options;
  const prior = options.memory ?? {};
  if (!ro) return { verdict: 'cannot-hold', reason: 'the rollout was deleted', memory: prior };
  const a = assessRollout(ro, workload);
  const memory = remember(prior, workload, a, target);
  const result = (verdict: WatchVerdict['verdict'], reason: string): WatchVerdict => ({ verdict, reason, memory });

  if (a.deleting) return result('cannot-hold', 'the rollout is being deleted');
  if (a.disabled) return result('cannot-hold', 'the rollout is disabled');
  if (step !== undefined && (step < 1 || (a.steps.length > 0 && step > a.steps.length))) {
    return result('cannot-hold', `the rollout has ${a.steps.length} steps, there is no step ${step}`);
  }
  if (!workload) {
    return prior.baseline ? result('cannot-hold', 'the workload was deleted') : result('waiting', 'workload not found');
  }
  if (options.waitForRelease && target === undefined) {
    // Decided once, at first sight of the workload: is the release there already over?
    if (memory.awaitNext === undefined)
      memory.awaitNext = a.currentRelease && a.phase === Phase.Healthy && a.currentStepState === StepState.Completed;
    if (memory.awaitNext) {
      if (!supersededReason(workload, a, memory, target))
        return result('waiting', 'waiting for the next release to start (the last one is complete)');
      // The next release started: it is the one awaited from now on.
      memory.awaitNext = false;
      memory.baseline = remember({}, workload, a, undefined).baseline;
    }
  }
  const superseded = supersededReason(workload, a, memory, target);
  if (superseded) return result('cannot-hold', superseded);
  if (!a.currentRelease) return result('waiting', 'the status does not reflect the current workload yet');
  if (target !== undefined && a.observedRolloutID !== target) return result('waiting', `waiting for rollout-id ${target}`);
  if (!a.statusObserved) return result('waiting', 'the rollout spec change is not observed yet');
  if (a.cancelled) return result('cannot-hold', 'the release was cancelled (rolled back)');
  if (a.progressingReason === ProgressingReason.Cancelling) return result('cannot-hold', 'the release is being cancelled (rolled back)');
  // Progressing/Initializing is written before the sub-status is re-created (upstream does so too):
  // the step fields still describe the previous release.
  if (a.phase === Phase.Progressing && a.progressingReason === ProgressingReason.Initializing)
    return result('waiting', 'the release is initializing');

  const index = a.currentStepIndex;
  const state = a.currentStepState;
  switch (until) {
    case 'completed':
      return a.done ? result('holds', 'the release completed') : result('waiting', 'the release is in progress');
    case 'ready': {
      if (a.done) return result('holds', `the release completed${stepLabel(step)}`);
      if (index === undefined) return result('waiting', 'no step yet');
      const ready = state === StepState.StepReady || state === StepState.Completed;
      if (step === undefined) return ready ? result('holds', `step ${index} is ready`) : result('waiting', `step ${index} is ${state}`);
      if (index > step) return result('holds', `the release moved past step ${step}`);
      if (index === step && ready) return result('holds', `step ${step} is ready`);
      return result('waiting', `step ${index} is ${state}`);
    }
    case 'paused': {
      if (step !== undefined) {
        const planned = a.steps[step - 1];
        if (planned && planned.pause.kind !== 'manual')
          return result('cannot-hold', `step ${step} does not wait for approval (pause: ${planned.pause.kind})`);
      }
      if (a.phase === Phase.Healthy && state === StepState.Completed)
        return result('cannot-hold', `the release completed without pausing${stepLabel(step)}`);
      if (index === undefined) return result('waiting', 'no step yet');
      if (step !== undefined && index > step) return result('cannot-hold', `the release moved past step ${step}`);
      if (a.waitingForApproval && (step === undefined || index === step)) return result('holds', `step ${index} is waiting for approval`);
      return result('waiting', `step ${index} is ${state}`);
    }
  }
}
