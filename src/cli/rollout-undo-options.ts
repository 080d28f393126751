// `rollout undo`: its flags, and their parsing into UndoOptions (the implementation,
// rollout-undo.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

/** The one message of each undo mistake. */
export const UndoError = {
  toRevision: (value: string) => `invalid --to-revision "${value}": use a revision number from 1 (see rollout history)`,
  fastWithRevision: '--fast goes back to an earlier step of the release; it takes no --to-revision',
} as const;

/** The flags of `rollout undo` as commander gives them. */
export interface UndoFlags {
  toRevision?: string;
  fast?: boolean;
}

/** Validated `rollout undo` options. */
export interface UndoOptions {
  names: string[];
  toRevision?: number;
  fast: boolean;
  globals: GlobalOptions;
}

/** Adds `undo` with its arguments, flags and help to `parent`. */
export function addUndoCommand(parent: Command, name: string): Command {
  return parent
    .command('undo')
    .description("Roll a rollout's workload back to its stable (or a given) revision; the release is cancelled")
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('--to-revision <n>', 'the workload revision to go back to (see rollout history); default: the stable one')
    .option('--fast', 'do not cancel the release: jump back to the earlier step with no traffic and the most pods (nextStepIndex)')
    .addHelpText(
      'after',
      help(name, [
        ['Cancel the release of rollouts-demo: every pod back to the stable revision', 'rollout undo rollouts-demo'],
        ['Go back to workload revision 1', 'rollout undo rollouts-demo --to-revision 1'],
        ['Go back one batch within the release', 'rollout undo rollouts-demo --fast'],
      ]),
    );
}

/** Parses arguments and flags (usage errors before any request). */
export function completeUndo(args: string[], flags: UndoFlags, globals: GlobalOptions = NO_GLOBALS): UndoOptions {
  const names = parseRolloutArgs(args);
  let toRevision: number | undefined;
  if (flags.toRevision !== undefined) {
    const text = String(flags.toRevision).trim();
    // kubectl's default 0 means "the previous revision"; it is accepted as that.
    if (!/^\d+$/.test(text)) throw new UsageError(UndoError.toRevision(String(flags.toRevision)));
    toRevision = Number(text) === 0 ? undefined : Number(text);
  }
  return { names, toRevision, fast: flags.fast === true, globals };
}

/** Checks the options together. */
export function validateUndo(o: UndoOptions): void {
  if (o.fast && o.toRevision !== undefined) throw new UsageError(UndoError.fastWithRevision);
}
