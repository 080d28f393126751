// `rollout pause` / `rollout resume`: their flags, and their parsing into SetPausedOptions (the
// implementation, rollout-pause.ts, is loaded only when the command runs).
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { MUTATION_OUTPUTS, type MutationOutput, parseOutput } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

/** The flags of `rollout pause` and `rollout resume` as commander gives them. */
export interface SetPausedFlags {
  output?: string;
}

/** Validated `pause`/`resume` options: `paused` is the value to set. */
export interface SetPausedOptions {
  names: string[];
  output: MutationOutput;
  paused: boolean;
  globals: GlobalOptions;
}

/** Adds `pause` with its arguments, flags and help to `parent`. */
export function addPauseCommand(parent: Command, name: string): Command {
  return parent
    .command('pause')
    .description('Pause a rollout: freeze its step machine (spec.strategy.paused)')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('-o, --output <format>', 'print the written object instead: json|yaml|name')
    .addHelpText('after', help(name, [['Pause rollouts-demo', 'rollout pause rollout/rollouts-demo']]));
}

/** Adds `resume` with its arguments, flags and help to `parent`. */
export function addResumeCommand(parent: Command, name: string): Command {
  return parent
    .command('resume')
    .description('Resume a paused rollout (does not approve a step waiting for confirmation)')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('-o, --output <format>', 'print the written object instead: json|yaml|name')
    .addHelpText('after', help(name, [['Resume rollouts-demo', 'rollout resume rollout/rollouts-demo']]));
}

/** Parses arguments and flags of `pause` (paused = true) or `resume`; a usage error sends no request. */
export function completeSetPaused(
  args: string[],
  flags: SetPausedFlags,
  paused: boolean,
  globals: GlobalOptions = NO_GLOBALS,
): SetPausedOptions {
  return { names: parseRolloutArgs(args), output: parseOutput(flags.output, MUTATION_OUTPUTS), paused, globals };
}

/** Checks the options together; there is one flag, so nothing to refuse. */
export function validateSetPaused(_o: SetPausedOptions): void {}
