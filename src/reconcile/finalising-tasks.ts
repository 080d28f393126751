// The finalising tasks of a release, in upstream's order (docs/controller.md §11, §19): which task
// runs after which, for canary and partition style (rollout_canary.go nextCanaryTask) and for
// blue-green (rollout_bluegreen.go nextBlueGreenTask).
import { FinalisingStep } from '../rollout/types.js';
import type { FinaliseReason } from './workload-control.js';

/** Upstream's finalising tasks in order (rollout_canary.go nextCanaryTask): a rollback first routes traffic to stable. */
const CANARY_FINALISING_TASKS = {
  rollback: [
    FinalisingStep.RouteTrafficToStable,
    FinalisingStep.ResumeWorkload,
    FinalisingStep.ReleaseWorkloadControl,
    FinalisingStep.RestoreStableService,
    FinalisingStep.RemoveCanaryService,
  ],
  other: [
    FinalisingStep.RestoreStableService,
    FinalisingStep.RouteTrafficToStable,
    FinalisingStep.RemoveCanaryService,
    FinalisingStep.ResumeWorkload,
    FinalisingStep.ReleaseWorkloadControl,
  ],
} as const;

/**
 * Upstream's nextBlueGreenTask: on success all traffic goes to the new version before the stable
 * Service selects every pod and the workload is resumed; a rollback first routes all traffic to
 * stable (a "0%" step must not leak traffic to the new version); disabling and deletion hand back
 * as canary does.
 */
const BLUE_GREEN_FINALISING_TASKS = {
  success: [
    FinalisingStep.RouteTrafficToNew,
    FinalisingStep.RestoreStableService,
    FinalisingStep.ResumeWorkload,
    FinalisingStep.RouteTrafficToStable,
    FinalisingStep.RemoveCanaryService,
    FinalisingStep.ReleaseWorkloadControl,
  ],
  rollback: [
    FinalisingStep.RouteTrafficToStable,
    FinalisingStep.ResumeWorkload,
    FinalisingStep.RestoreStableService,
    FinalisingStep.RemoveCanaryService,
    FinalisingStep.ReleaseWorkloadControl,
  ],
  other: CANARY_FINALISING_TASKS.other,
} as const;

/** The task list for a finalise reason: blue-green's (bluegreen.ts), else canary's. */
export function finalisingTasks(blueGreen: boolean, reason: FinaliseReason): readonly string[] {
  if (blueGreen) return BLUE_GREEN_FINALISING_TASKS[reason];
  return CANARY_FINALISING_TASKS[reason === 'rollback' ? 'rollback' : 'other'];
}

/** The task after `current` (the first when empty, END after the last or for an unknown one). */
export function nextFinalisingTask(tasks: readonly string[], current: string): string {
  if (!current) return tasks[0]!;
  const i = tasks.indexOf(current);
  return i >= 0 && i < tasks.length - 1 ? tasks[i + 1]! : FinalisingStep.End;
}
