// `rollout history`: its flags, and their parsing into HistoryOptions (the implementation,
// rollout-history.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { outputOption, parseOutput } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

/** The flags of `rollout history` as commander gives them. */
export interface HistoryFlags {
  output?: string;
}

/** Validated `rollout history` options. */
export interface HistoryOptions {
  name: string;
  output: 'text' | 'json' | 'yaml';
  globals: GlobalOptions;
}

/** Adds `history` with its arguments, flags and help to `parent`. */
export function addHistoryCommand(parent: Command, name: string): Command {
  return parent
    .command('history')
    .description("Show the revisions of a rollout's workload: images, when each was released, which is stable")
    .argument('<rollout...>', ROLLOUT_ARG)
    .addOption(outputOption('print the history as data: json|yaml', ['json', 'yaml']))
    .addHelpText(
      'after',
      help(name, [
        ['Show the revisions of the workload of rollouts-demo', 'rollout history rollouts-demo'],
        ['Go back to one of them', 'rollout undo rollouts-demo --to-revision 1'],
      ]),
    );
}

/** Parses arguments and flags (usage errors before any request). */
export function completeHistory(args: string[], flags: HistoryFlags, globals: GlobalOptions = NO_GLOBALS): HistoryOptions {
  const names = parseRolloutArgs(args);
  if (names.length > 1) throw new UsageError('history takes one rollout');
  return { name: names[0]!, output: parseOutput(flags.output, ['json', 'yaml'] as const) ?? 'text', globals };
}

/** Checks the options together; there is nothing to combine. */
export function validateHistory(_o: HistoryOptions): void {}
