// `rollout status`: its flags, and their parsing into StatusOptions (the implementation,
// rollout-status.ts, is loaded only when the command runs). `-w` is `rollout watch --until completed`.
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { parseDurationFlag, parseOutput } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';
import { completeWatch, type WatchOptions } from './rollout-watch-options.js';

/** The one message of each status-only mistake. */
export const StatusError = {
  timeoutWithoutWatch: '--timeout applies to --watch',
  followWithoutWatch: '--follow applies to --watch',
  watchYaml: '--watch prints one JSON object per change: use -o json',
} as const;

/** The flags of `rollout status` as commander gives them. */
export interface StatusFlags {
  watch?: boolean;
  timeout?: string;
  output?: string;
  pods?: boolean;
  follow?: boolean;
  live?: boolean;
  detail?: string;
}

/** Validated one-shot `rollout status` options, or with -w the watch it stands for. */
export interface StatusOptions {
  names: string[];
  output: 'text' | 'json' | 'yaml';
  /** With -w: `rollout watch --until completed`. */
  watch?: WatchOptions;
  /** --timeout without -w (refused by validateStatus). */
  timeoutMs?: number;
  /** --pods: list every pod, not only those that are not ready. */
  pods: boolean;
  /** --follow without -w (refused by validateStatus). */
  follow?: boolean;
  globals: GlobalOptions;
}

/** Adds `status` with its arguments, flags and help to `parent`. */
export function addStatusCommand(parent: Command, name: string): Command {
  return (
    parent
      .command('status')
      .description('Show what a rollout is doing: phase, step, batch replicas, revisions')
      .argument('<rollout...>', ROLLOUT_ARG)
      .option('-w, --watch', 'watch until the current release completes (same as `rollout watch --until completed`)')
      .option('--timeout <duration>', 'with --watch: give up after this long (exit 3)')
      .option('-o, --output <format>', 'print the status as data: json|yaml')
      .option('--pods', 'list every pod of the workload (NAME READY BATCH REVISION AGE RESTARTS STATUS), not only those not ready')
      .option('--follow', 'with --watch: keep following across releases (for a pane left open)')
      .option('--no-live', 'with --watch: print one line per change instead of the live view')
      .option('--detail <rollout>', 'with --watch and several rollouts: show this one in full')
      // One error line: commander's "(Did you mean …?)" would be a second, and a poor guess here.
      .showSuggestionAfterError(false)
      .addHelpText(
        'after',
        help(name, [
          ['Show the status of rollouts-demo', 'rollout status rollout/rollouts-demo -n default'],
          ['Wait for the current release to complete', 'rollout status rollouts-demo -w --timeout 10m'],
        ]),
      )
  );
}

/** Parses arguments and flags (usage errors before any request). */
export function completeStatus(args: string[], flags: StatusFlags, globals: GlobalOptions = NO_GLOBALS): StatusOptions {
  if (flags.watch) {
    if (flags.output === 'yaml') throw new UsageError(StatusError.watchYaml);
    const watch = completeWatch(
      args,
      {
        until: 'completed',
        timeout: flags.timeout,
        output: flags.output,
        follow: flags.follow,
        live: flags.live,
        detail: flags.detail,
        pods: flags.pods,
      },
      globals,
    );
    return { names: watch.names, output: watch.output, watch, pods: flags.pods === true, globals };
  }
  const names = parseRolloutArgs(args);
  const output = parseOutput(flags.output, ['json', 'yaml'] as const) ?? 'text';
  return {
    names,
    output,
    timeoutMs: parseDurationFlag('--timeout', flags.timeout),
    pods: flags.pods === true,
    follow: flags.follow,
    globals,
  };
}

/** Checks the options together. */
export function validateStatus(o: StatusOptions): void {
  if (o.timeoutMs !== undefined && !o.watch) throw new UsageError(StatusError.timeoutWithoutWatch);
  if (o.follow && !o.watch) throw new UsageError(StatusError.followWithoutWatch);
}
