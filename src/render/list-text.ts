// `rollout list` as a kubectl table (pure): NAME PHASE STEP STATE APPROVAL AGE, NAMESPACE first
// with -A, and STYLE WORKLOAD STABLE CANARY MESSAGE with -o wide.
import type { RolloutListRow } from '../rollout/list.js';
import { escapeTerminal } from './escape.js';
import { age } from './table.js';

/** Which columns a table has. */
export interface ListColumns {
  allNamespaces: boolean;
  wide: boolean;
}

/** The header row. */
export function listHeader(c: ListColumns): string[] {
  return [
    ...(c.allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'PHASE',
    'STEP',
    'STATE',
    'APPROVAL',
    'AGE',
    ...(c.wide ? ['STYLE', 'WORKLOAD', 'STABLE', 'CANARY', 'MESSAGE'] : []),
  ];
}

/** What the row asks of the user: approve, resume, or nothing. */
function approvalCell(r: RolloutListRow): string {
  if (r.waitingForApproval) return 'waiting';
  if (r.paused) return 'paused';
  return '-';
}

/** The cells of one row at time `now`. */
export function listCells(r: RolloutListRow, c: ListColumns, now: Date): string[] {
  // Index 0 (no step yet, as a Rollout without a release shows it) reads as no step.
  const step = r.currentStepIndex ? `${r.currentStepIndex}/${r.totalSteps}` : '-';
  return [
    ...(c.allNamespaces ? [escapeTerminal(r.namespace)] : []),
    escapeTerminal(r.name),
    escapeTerminal(r.phase ?? '<none>'),
    step,
    escapeTerminal(r.currentStepState ?? '-'),
    approvalCell(r),
    age(r.creationTimestamp, now),
    ...(c.wide
      ? [
          r.style,
          r.workload ? escapeTerminal(`${r.workload.kind}/${r.workload.name}`) : '<none>',
          escapeTerminal(r.revisions.stable ?? '-'),
          escapeTerminal(r.revisions.canary ?? '-'),
          escapeTerminal(r.message ?? ''),
        ]
      : []),
  ];
}
