// `rollout list`: one summary row per Rollout, from the Rollout alone (pure; no workload reads, so
// a list is one request whatever its length).
import { assessRollout } from './assess.js';
import { workloadRefOf } from './release.js';
import type { Rollout } from './types.js';

/** One row of `rollout list` (also its `-o json|yaml` items). Missing values are null. */
export interface RolloutListRow {
  kind: 'RolloutListRow';
  apiVersion: 'kruise.cli/v1';
  name: string;
  namespace: string;
  phase: string | null;
  currentStepIndex: number | null;
  totalSteps: number;
  currentStepState: string | null;
  /** The current step waits for `rollout approve`. */
  waitingForApproval: boolean;
  paused: boolean;
  disabled: boolean;
  style: 'Partition' | 'Canary' | 'BlueGreen';
  workload: { kind: string; name: string } | null;
  revisions: { stable: string | null; canary: string | null };
  message: string | null;
  creationTimestamp: string | null;
}

/** The row of one Rollout. */
export function toRolloutListRow(ro: Rollout): RolloutListRow {
  const a = assessRollout(ro, null);
  // Without the workload, "waiting for approval" rests on the Rollout alone (as `status` shows it).
  const ref = workloadRefOf(ro);
  return {
    kind: 'RolloutListRow',
    apiVersion: 'kruise.cli/v1',
    name: ro.metadata?.name ?? '',
    namespace: ro.metadata?.namespace ?? '',
    phase: a.phase ?? null,
    currentStepIndex: a.currentStepIndex ?? null,
    totalSteps: a.steps.length,
    currentStepState: a.currentStepState || null,
    waitingForApproval: a.waitingForApproval,
    paused: a.paused,
    disabled: a.disabled,
    style: a.style,
    workload: ref ? { kind: ref.kind, name: ref.name } : null,
    revisions: { stable: a.stableRevision ?? null, canary: a.canaryRevision ?? null },
    message: a.message || null,
    creationTimestamp: ro.metadata?.creationTimestamp ?? null,
  };
}

/** Rows in kubectl's order: by namespace, then name. */
export function sortRows(rows: RolloutListRow[]): RolloutListRow[] {
  return [...rows].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
