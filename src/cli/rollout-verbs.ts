// The rollout verbs users reach for besides approve/pause/resume/status/watch: plan, list, history
// and undo. Registered here, in one call from program.ts, with the same complete → validate → run
// wiring as every command; each implementation is imported when it runs.
import type { Command } from 'commander';
import type { GlobalOptions } from './context.js';
import type { Deps } from './deps.js';
import type { ExitCodeValue } from './errors.js';
import { addHistoryCommand, completeHistory, type HistoryFlags, validateHistory } from './rollout-history-options.js';
import { addListCommand, completeList, type ListFlags, validateList } from './rollout-list-options.js';
import { addPlanCommand, completePlan, type PlanFlags, validatePlan } from './rollout-plan-options.js';
import { addUndoCommand, completeUndo, type UndoFlags, validateUndo } from './rollout-undo-options.js';

/** program.ts's way of attaching an action to a command. */
type On = <F>(cmd: Command, action: (args: string[], flags: F, globals: GlobalOptions) => Promise<ExitCodeValue>) => Command;

/** Adds `plan`, `list`, `history` and `undo` to the `rollout` command. */
export function addRolloutVerbs(rollout: Command, name: string, on: On, deps: Deps): void {
  on<PlanFlags>(addPlanCommand(rollout, name), async (args, flags, globals) => {
    const o = completePlan(args, flags, globals);
    validatePlan(o);
    return (await import('./rollout-plan.js')).runPlan(o, deps);
  });
  on<ListFlags>(addListCommand(rollout, name), async (args, flags, globals) => {
    const o = completeList(args, flags, globals);
    validateList(o);
    return (await import('./rollout-list.js')).runList(o, deps);
  });
  on<HistoryFlags>(addHistoryCommand(rollout, name), async (args, flags, globals) => {
    const o = completeHistory(args, flags, globals);
    validateHistory(o);
    return (await import('./rollout-history.js')).runHistory(o, deps);
  });
  on<UndoFlags>(addUndoCommand(rollout, name), async (args, flags, globals) => {
    const o = completeUndo(args, flags, globals);
    validateUndo(o);
    return (await import('./rollout-undo.js')).runUndo(o, deps);
  });
}
