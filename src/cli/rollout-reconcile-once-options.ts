// `rollout reconcile-once`: its flags, and their parsing into ReconcileOnceOptions (the
// implementation, rollout-reconcile-once.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { parseOutput } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

/** The one message of each reconcile-once mistake. */
export const ReconcileOnceError = {
  nothingSelected: 'give ROLLOUT… (rollout/NAME or NAME), --all, or -A',
  namesAndAll: 'give either rollout names or --all/-A, not both',
} as const;

/** The flags of `rollout reconcile-once` as commander gives them. */
export interface ReconcileOnceFlags {
  all?: boolean;
  allNamespaces?: boolean;
  dryRun?: boolean;
  output?: string;
}

/** Validated `reconcile-once` options. */
export interface ReconcileOnceOptions {
  /** Rollout names (empty with --all / -A). */
  names: string[];
  all: boolean;
  allNamespaces: boolean;
  dryRun: boolean;
  output?: 'json';
  globals: GlobalOptions;
}

/** Adds `reconcile-once` with its arguments, flags and help to `parent`. */
export function addReconcileOnceCommand(parent: Command, name: string): Command {
  return parent
    .command('reconcile-once')
    .description('Run the embedded Kruise Rollout controller until the rollout waits, then exit')
    .argument('[rollout...]', ROLLOUT_ARG)
    .option('--all', 'every rollout in the namespace')
    .option('-A, --all-namespaces', 'every rollout in every namespace')
    .option('--dry-run', 'show the transitions and writes, write nothing')
    .option('-o, --output <format>', 'output format: json')
    .addHelpText(
      'after',
      help(name, [
        ['Advance rollouts-demo by one controller pass', 'rollout reconcile-once rollouts-demo'],
        ['One pass over every rollout in the cluster', 'rollout reconcile-once -A'],
      ]),
    );
}

/** Parses arguments and flags; a usage error sends no request. */
export function completeReconcileOnce(
  args: string[],
  flags: ReconcileOnceFlags,
  globals: GlobalOptions = NO_GLOBALS,
): ReconcileOnceOptions {
  const output = parseOutput(flags.output, ['json'] as const);
  const all = flags.all === true;
  const allNamespaces = flags.allNamespaces === true;
  // Names next to --all/-A are not parsed: validateReconcileOnce refuses the combination itself.
  const names = args.length > 0 && !all && !allNamespaces ? parseRolloutArgs(args) : args;
  return { names, all, allNamespaces, dryRun: flags.dryRun === true, output, globals };
}

/** Checks the options together: names, or --all/-A, not both and not neither. */
export function validateReconcileOnce(o: ReconcileOnceOptions): void {
  if (o.names.length === 0 && !o.all && !o.allNamespaces) throw new UsageError(ReconcileOnceError.nothingSelected);
  if (o.names.length > 0 && (o.all || o.allNamespaces)) throw new UsageError(ReconcileOnceError.namesAndAll);
}
