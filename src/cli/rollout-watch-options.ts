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
  followWithCondition:
    '--follow keeps watching across releases and never exits on a condition: it takes no --until, --step, --rollout-id or --wait-for-release',
  detailNotWatched: (name: string) => `--detail ${name}: not one of the rollouts watched`,
} as const;

/** The flags of `rollout watch` as commander gives them. */
export interface WatchFlags {
  until?: string;
  step?: string;
  rolloutId?: string;
  timeout?: string;
  output?: string;
  follow?: boolean;
  waitForRelease?: boolean;
  /** commander's `--no-live`: false when given. */
  live?: boolean;
  detail?: string;
  pods?: boolean;
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
  /** --follow: keep following across releases; never exit on a condition. */
  follow: boolean;
  /** --wait-for-release: a release already complete when the watch starts is not the one awaited. */
  waitForRelease: boolean;
  /** --no-live: line mode even on a terminal. */
  noLive: boolean;
  /** --detail NAME: with several rollouts, the one shown in full. */
  detail?: string;
  /** --pods: every pod in the live view, not only those not ready. */
  pods: boolean;
  /** --until was given explicitly (for refusing it with --follow). */
  untilGiven: boolean;
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
    .option('--follow', 'keep following across releases and never exit on a condition (for a pane left open)')
    .option('--wait-for-release', 'when the last release is already complete, wait for the next one instead of exit 4')
    .option('--no-live', 'print one line per change instead of the live view (also with TERM=dumb)')
    .option('--detail <rollout>', 'with several rollouts: show this one in full, the others as one line each')
    .option('--pods', 'list every pod in the live view, not only those not ready')
    .addHelpText(
      'after',
      help(name, [
        ['Wait until batch 1 waits for approval', 'rollout watch rollouts-demo --until paused --step 1 --timeout 10m'],
        ['Wait until the release completes', 'rollout watch rollouts-demo --until completed'],
        [
          'Gate a pipeline started before the release: wait for the next one',
          'rollout watch rollouts-demo --until paused --step 1 --wait-for-release',
        ],
        ['Keep a pane open on a rollout across releases', 'rollout watch rollouts-demo --follow'],
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
    follow: flags.follow === true,
    waitForRelease: flags.waitForRelease === true,
    noLive: flags.live === false,
    detail: flags.detail === undefined ? undefined : parseRolloutArgs([flags.detail])[0],
    pods: flags.pods === true,
    untilGiven: flags.until !== undefined && flags.until !== 'completed',
    globals,
  };
}

/** Checks the options together. */
export function validateWatch(o: WatchOptions): void {
  if (o.follow && (o.untilGiven || o.step !== undefined || o.rolloutId !== undefined || o.waitForRelease))
    throw new UsageError(WatchError.followWithCondition);
  if (o.step !== undefined && o.until === 'completed') throw new UsageError(WatchError.stepWithCompleted);
  if (o.detail !== undefined && !o.names.includes(o.detail)) throw new UsageError(WatchError.detailNotWatched(o.detail));
}
