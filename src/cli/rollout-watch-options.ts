// `rollout watch`: its flags, and their parsing into WatchOptions (the implementation,
// rollout-watch.ts, is loaded only when the command runs).
import { type Command, Option } from 'commander';
import type { WatchUntil } from '../rollout/watch-condition.js';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import { UsageError } from './errors.js';
import { FlagError, parseDurationFlag, parseOutput, parseRolloutId, parseStep } from './flags.js';
import { help, ROLLOUT_ARG } from './help-text.js';
import { parseRolloutArgs } from './resource-args.js';

const UNTIL: readonly WatchUntil[] = ['completed', 'paused', 'ready'];
const UNTIL_OPTION = '--until <condition>';

/** The one message of each watch-only mistake. */
export const WatchError = {
  stepWithCompleted: '--step applies to --until paused or --until ready',
} as const;

/** The flags of `rollout watch` as commander gives them. */
export interface WatchFlags {
  until?: string;
  step?: string;
  rolloutId?: string;
  timeout?: string;
  output?: string;
}

/** Validated `rollout watch` options. */
export interface WatchOptions {
  names: string[];
  until: WatchUntil;
  step?: number;
  rolloutId?: string;
  /** Total timeout in ms; undefined = wait for ever. */
  timeoutMs?: number;
  output: 'text' | 'json';
  globals: GlobalOptions;
}

/** Adds `watch` with its arguments, flags and help to `parent`. */
export function addWatchCommand(parent: Command, name: string): Command {
  return parent
    .command('watch')
    .description('Follow a rollout live and exit when a condition holds (for CI gates)')
    .argument('<rollout...>', ROLLOUT_ARG)
    .addOption(new Option(UNTIL_OPTION, 'the condition to wait for').choices(UNTIL).default('completed'))
    .option('--step <n>', 'with --until paused|ready: the step index to wait for')
    .option('--rollout-id <id>', 'wait for the release with this rollout-id')
    .option('--timeout <duration>', 'give up after this long (exit 3)')
    .option('-o, --output <format>', 'print one JSON object per change instead of the live view: json')
    .addHelpText(
      'after',
      help(name, [
        ['Wait until batch 1 waits for approval', 'rollout watch rollouts-demo --until paused --step 1 --timeout 10m'],
        ['Wait until the release completes', 'rollout watch rollouts-demo --until completed'],
      ]),
    );
}

/** Parses arguments and flags (usage errors before any request). */
export function completeWatch(args: string[], flags: WatchFlags, globals: GlobalOptions = NO_GLOBALS): WatchOptions {
  const names = parseRolloutArgs(args);
  const until = (flags.until ?? 'completed') as WatchUntil;
  // commander checks --until against its choices; this is for options built without it.
  if (!UNTIL.includes(until)) throw new UsageError(FlagError.choice(UNTIL_OPTION, until, UNTIL));
  const step = parseStep(flags.step);
  const rolloutId = parseRolloutId(flags.rolloutId);
  const timeoutMs = parseDurationFlag('--timeout', flags.timeout);
  return {
    names,
    until,
    step,
    rolloutId,
    // --timeout 0 waits for ever, as kubectl's.
    timeoutMs: timeoutMs === 0 ? undefined : timeoutMs,
    output: parseOutput(flags.output, ['json'] as const) ?? 'text',
    globals,
  };
}

/** Checks the options together. */
export function validateWatch(o: WatchOptions): void {
  if (o.step !== undefined && o.until === 'completed') throw new UsageError(WatchError.stepWithCompleted);
}
