// `rollout approve`: its flags, and their parsing into ApproveOptions (no request is sent here;
// the implementation, rollout-approve.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import type { ApproveGuards } from '../rollout/approve.js';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { MUTATION_OUTPUTS, type MutationOutput, parseOutput, parseRolloutId, parseStep } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

/** The flags of `rollout approve` as commander gives them. */
export interface ApproveFlags {
  step?: string;
  rolloutId?: string;
  dryRun?: boolean;
  output?: string;
}

/** Validated `approve` options. */
export interface ApproveOptions {
  names: string[];
  guards: ApproveGuards;
  dryRun: boolean;
  output: MutationOutput;
  globals: GlobalOptions;
}

/** Adds `approve` with its arguments, flags and help to `parent`. */
export function addApproveCommand(parent: Command, name: string): Command {
  return parent
    .command('approve')
    .description('Approve the current step of a rollout that is paused for manual confirmation')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('--step <n>', 'approve only if the current step is N; already past N is reported as already approved')
    .option('--rollout-id <id>', 'approve only if the status belongs to this rollout-id')
    .option('--dry-run', 'show what would be written, write nothing')
    .option('-o, --output <format>', 'print the written object instead: json|yaml|name')
    .addHelpText(
      'after',
      help(name, [
        ['Approve the current batch of rollouts-demo', 'rollout approve rollout/rollouts-demo -n default'],
        ['Approve step 1 only (a retried CI job is harmless)', 'rollout approve rollouts-demo --step 1'],
      ]),
    );
}

/** Parses arguments and flags; a usage error sends no request. */
export function completeApprove(args: string[], flags: ApproveFlags, globals: GlobalOptions = NO_GLOBALS): ApproveOptions {
  const names = parseRolloutArgs(args);
  const guards: ApproveGuards = {};
  const step = parseStep(flags.step);
  if (step !== undefined) guards.step = step;
  const rolloutId = parseRolloutId(flags.rolloutId);
  if (rolloutId !== undefined) guards.rolloutId = rolloutId;
  return { names, guards, dryRun: flags.dryRun === true, output: parseOutput(flags.output, MUTATION_OUTPUTS), globals };
}

/** Checks the options together; approve's flags combine freely, so there is nothing to refuse. */
export function validateApprove(_o: ApproveOptions): void {}
