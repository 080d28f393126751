// `rollout plan`: its flags, and their parsing into PlanOptions (the implementation,
// rollout-plan.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { outputOption, parseOutput } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

/** The one message of each plan mistake. */
export const PlanError = {
  noSource: 'give a rollout (rollout/NAME) or a file (-f FILE) to plan',
  bothSources: 'give either a rollout or -f FILE, not both',
  oneRollout: 'plan takes one rollout',
  replicas: (value: string) => `invalid --replicas "${value}": use a number of pods, an integer from 0`,
} as const;

/** The flags of `rollout plan` as commander gives them. */
export interface PlanFlags {
  filename?: string;
  replicas?: string;
  output?: string;
}

/** Validated `rollout plan` options: a rollout in the cluster or a file, never both. */
export interface PlanOptions {
  name?: string;
  file?: string;
  replicas?: number;
  output: 'text' | 'json' | 'yaml';
  globals: GlobalOptions;
}

/** Adds `plan` with its arguments, flags and help to `parent`. */
export function addPlanCommand(parent: Command, name: string): Command {
  return parent
    .command('plan')
    .description('Show the batches a rollout would make: pods per step, pauses, traffic; changes nothing')
    .argument('[rollout...]', ROLLOUT_ARG)
    .option('-f, --filename <file>', 'plan the Rollout in this YAML/JSON file instead (no cluster needed)')
    .option('--replicas <n>', "plan for this many pods instead of the workload's replicas")
    .addOption(outputOption('print the plan as data: json|yaml', ['json', 'yaml']))
    .addHelpText(
      'after',
      help(name, [
        ['Show the batches of rollouts-demo for its workload', 'rollout plan rollouts-demo'],
        ['Plan a Rollout from a file for 20 pods, without a cluster', 'rollout plan -f rollouts-demo.yaml --replicas 20'],
      ]),
    );
}

/** Parses arguments and flags (usage errors before any request). */
export function completePlan(args: string[], flags: PlanFlags, globals: GlobalOptions = NO_GLOBALS): PlanOptions {
  const output = parseOutput(flags.output, ['json', 'yaml'] as const) ?? 'text';
  let replicas: number | undefined;
  if (flags.replicas !== undefined) {
    const text = String(flags.replicas).trim();
    if (!/^\d+$/.test(text)) throw new UsageError(PlanError.replicas(String(flags.replicas)));
    replicas = Number(text);
  }
  if (flags.filename !== undefined && args.length > 0) throw new UsageError(PlanError.bothSources);
  if (flags.filename !== undefined) {
    if (flags.filename === '') throw new UsageError(PlanError.noSource);
    return { file: flags.filename, replicas, output, globals };
  }
  if (args.length === 0) throw new UsageError(PlanError.noSource);
  const names = parseRolloutArgs(args);
  if (names.length > 1) throw new UsageError(PlanError.oneRollout);
  return { name: names[0], replicas, output, globals };
}

/** Checks the options together; completePlan has refused every bad combination. */
export function validatePlan(_o: PlanOptions): void {}
