// `rollout list`: its flags, and their parsing into ListOptions (the implementation,
// rollout-list.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { outputOption, parseOutput } from './flags.js';
import { help } from './help-text.js';

/** The one message of each list mistake. */
export const ListError = {
  args: (arg: string) => `rollout list takes no rollout names (got "${arg}"); use rollout status NAME for one rollout`,
  watchYaml: '--watch prints one JSON object per change: use -o json (or no -o)',
} as const;

/** The flags of `rollout list` as commander gives them. */
export interface ListFlags {
  allNamespaces?: boolean;
  watch?: boolean;
  output?: string;
}

/** Validated `rollout list` options. */
export interface ListOptions {
  allNamespaces: boolean;
  watch: boolean;
  output: 'table' | 'wide' | 'json' | 'yaml';
  globals: GlobalOptions;
}

/** Adds `list` with its flags and help to `parent`. */
export function addListCommand(parent: Command, name: string): Command {
  return parent
    .command('list')
    .description('List rollouts: phase, step, state, whether one waits for approval, age')
    .argument('[names...]', 'none: list takes no names')
    .option('-A, --all-namespaces', 'list rollouts in every namespace')
    .option('-w, --watch', 'after the list, print a row whenever a rollout changes (Ctrl-C stops)')
    .addOption(outputOption('json|yaml|wide', ['json', 'yaml', 'wide']))
    .addHelpText(
      'after',
      help(name, [
        ['List the rollouts of the current namespace', 'rollout list'],
        ['List every rollout of the cluster and follow their changes', 'rollout list -A -w'],
      ]),
    );
}

/** Parses arguments and flags (usage errors before any request). */
export function completeList(args: string[], flags: ListFlags, globals: GlobalOptions = NO_GLOBALS): ListOptions {
  if (args.length > 0) throw new UsageError(ListError.args(args[0]!));
  const output = parseOutput(flags.output, ['json', 'yaml', 'wide'] as const) ?? 'table';
  return { allNamespaces: flags.allNamespaces === true, watch: flags.watch === true, output, globals };
}

/** Checks the options together. */
export function validateList(o: ListOptions): void {
  if (o.watch && o.output === 'yaml') throw new UsageError(ListError.watchYaml);
}
