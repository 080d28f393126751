// `rollout watch ROLLOUT… [--until completed|paused|ready] [--step N] [--rollout-id ID] [--timeout D] [-o json]`:
// follows each Rollout and its workload with the watch API (one watch-list request per object, or
// list + watch on servers without it; resume after a drop; start again on 410 Gone) and exits 0
// when the condition holds, 4 when it cannot hold any more, 3 on timeout, 130 on Ctrl-C.
import type { ChalkInstance } from 'chalk';
import type { CommandContext, GlobalOptions } from './context.js';
import type { Deps } from './deps.js';
import { ExitCode, UsageError } from './errors.js';
import { parseRolloutArgs } from './resource-args.js';
import type { KubeClient } from '../kube/client.js';
import { parseDuration } from '../kube/duration.js';
import { ApiError, TransportError, isGone } from '../kube/errors.js';
import { Resources, type ResourceRef } from '../kube/resources.js';
import type { KubeObject, StatusObject } from '../kube/types.js';
import { chalkFor } from './color.js';
import { LiveRegion } from '../render/live.js';
import { formatTime, renderRolloutLine, renderRolloutText } from '../render/rollout-text.js';
import { workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { toRolloutView, type RolloutView } from '../rollout/view.js';
import { evaluateWatch, type WatchMemory, type WatchUntil } from '../rollout/watch-condition.js';

/** Timers behind an interface, so tests drive throttling and backoff without real waits. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process' timers. */
export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(timers: Timers, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      timers.clearTimeout(handle);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A parsed `rollout watch` invocation. */
export interface WatchCommand {
  names: string[];
  until: WatchUntil;
  step?: number;
  rolloutId?: string;
  /** Total timeout in ms; undefined = wait for ever. */
  timeoutMs?: number;
  output: 'text' | 'json';
}

/** Parses and validates arguments and flags (usage errors before any request). */
export function completeWatch(args: string[], opts: Record<string, unknown>): WatchCommand {
  const names = parseRolloutArgs(args);
  const until = (opts.until ?? 'completed') as string;
  if (until !== 'completed' && until !== 'paused' && until !== 'ready') {
    throw new UsageError(`--until must be one of completed, paused, ready (got "${until}")`);
  }
  let step: number | undefined;
  if (opts.step !== undefined) {
    const text = String(opts.step).trim();
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--step must be a step index (1, 2, …), got "${String(opts.step)}"`);
    if (until === 'completed') throw new UsageError('--step applies to --until paused or --until ready');
    step = Number(text);
  }
  let timeoutMs: number | undefined;
  if (opts.timeout !== undefined) {
    const ms = parseDuration(String(opts.timeout));
    if (ms === undefined || ms < 0) throw new UsageError(`invalid --timeout "${String(opts.timeout)}": use a duration such as 30s, 5m or 1h`);
    timeoutMs = ms === 0 ? undefined : ms;
  }
  const o = opts.output;
  if (o !== undefined && o !== 'json') throw new UsageError(`unable to match a printer suitable for the output format "${String(o)}", allowed formats are: json`);
  const rolloutId = opts.rolloutId === undefined ? undefined : String(opts.rolloutId);
  if (rolloutId === '') throw new UsageError('--rollout-id must not be empty');
  return { names, until, step, rolloutId, timeoutMs, output: o === 'json' ? 'json' : 'text' };
}

/** Everything runWatch needs besides the client and the deps. */
export interface WatchRuntime {
  timers: Timers;
  chalk: ChalkInstance;
  /** Draw a live view in place (stdout is a TTY). */
  live: boolean;
  /** Minimum ms between live redraws (default 100: at most 10 frames a second). */
  frameMs?: number;
  /** Reconnect backoff after a dropped or refused watch (default 100 ms doubling to 2 s). */
  backoff?: { initialMs: number; maxMs: number };
}

type Outcome = { code: number; message?: string };

/** Exit codes from best to worst: several rollouts exit with the worst. */
const SEVERITY = [ExitCode.ok, ExitCode.timeout, ExitCode.cannotHold, ExitCode.failure, ExitCode.interrupted] as number[];

function worst(codes: number[]): number {
  return codes.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), ExitCode.ok as number);
}

/** What to call the condition in messages: `completed`, `paused at step 1`. */
function conditionText(o: WatchCommand): string {
  return `${o.until}${o.step !== undefined ? ` at step ${o.step}` : ''}${o.rolloutId !== undefined ? ` (rollout-id ${o.rolloutId})` : ''}`;
}

function retryable(err: unknown): boolean {
  if (err instanceof TransportError) return err.retryable || err.failure === 'refused' || err.failure === 'reset' || err.failure === 'timeout' || err.failure === 'invalid';
  if (err instanceof ApiError) return err.code >= 500 || err.code === 429 || err.code === 408;
  return false;
}

/** How long a watch list may stay silent before one list settles whether the object exists (see followObject). */
export const WATCH_LIST_GRACE_MS = 1000;

/** The annotation on the BOOKMARK that ends a watch list's initial events (KEP-3157). */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Clients whose server refused a watch list: they list + watch for the rest of the process. */
const noWatchList = new WeakSet<KubeClient>();

/**
 * A refusal of the watch-list parameters: 422 Invalid (the WatchList gate is off, or a 1.19–1.26
 * server: "resourceVersionMatch is forbidden for watch") or 400. Not 403: that is RBAC, and
 * list + watch would be refused as well, so it is reported.
 */
function refusesWatchList(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 422 || err.code === 400);
}

/**
 * Keeps one named object in view with one request per stream: a "watch list" (KEP-3157:
 * sendInitialEvents=true, resourceVersionMatch=NotOlderThan) gives the current object as ADDED
 * events, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"` — that bookmark with no
 * ADDED before it means the object does not exist — then the changes, on the same stream. After
 * the stream ends or drops, resume from the last resourceVersion (a plain watch); on 410 Gone,
 * start again with a watch list. `onObject` gets the object, or null when it does not exist / was
 * deleted; `initial` marks the first answer.
 *
 * Older servers: one that refuses the parameters (422/400) gets list + watch from then on, for
 * this client. One that ignores them streams a plain watch, whose synthetic ADDED event still
 * says the object exists, but no bookmark ever says that it does not: if neither an event nor the
 * end bookmark comes within WATCH_LIST_GRACE_MS (on the injected timers), one list settles it and
 * the stream already open goes on (it is not dropped; its events win over a list still in flight).
 *
 * Rejects on errors that retrying cannot fix (403, 404 of the resource type, bad TLS…), and on
 * any error before the server first answered (the client has already retried it).
 */
export async function followObject(
  client: KubeClient,
  ref: ResourceRef,
  namespace: string,
  name: string,
  onObject: (obj: KubeObject | null, initial: boolean) => void,
  signal: AbortSignal,
  timers: Timers,
  backoff = { initialMs: 100, maxMs: 2000 },
): Promise<void> {
  const fieldSelector = `metadata.name=${name}`;
  let rv: string | undefined;
  let initial = true;
  /** The server has answered once (a list, or an event): from then on, outages are ridden out. */
  let reached = false;
  let delay = backoff.initialMs;
  const deliver = (obj: KubeObject | null) => {
    const first = initial;
    initial = false;
    onObject(obj, first);
  };
  while (!signal.aborted) {
    let gone = false;
    try {
      if (rv === undefined && noWatchList.has(client)) {
        const list = await client.list(ref, namespace, { fieldSelector });
        if (signal.aborted) return;
        reached = true;
        rv = list.metadata?.resourceVersion ?? '0';
        deliver(list.items[0] ?? null);
      }
      // rv undefined here: a watch list, whose first events settle whether the object exists.
      const listing = rv === undefined;
      let settled = !listing;
      let failure: unknown;
      let settling: Promise<void> | undefined;
      const round = new AbortController();
      const streamSignal = AbortSignal.any([signal, round.signal]);
      const settle = (obj: KubeObject | null) => {
        settled = true;
        reached = true;
        timers.clearTimeout(grace);
        deliver(obj);
      };
      const grace = listing
        ? timers.setTimeout(() => {
            settling = client.list(ref, namespace, { fieldSelector }).then(
              (list) => {
                if (settled || streamSignal.aborted) return; // the stream told first
                rv ??= list.metadata?.resourceVersion ?? '0';
                settle(list.items[0] ?? null);
              },
              (err: unknown) => {
                failure = err;
                round.abort();
              },
            );
          }, WATCH_LIST_GRACE_MS)
        : undefined;
      const opts = listing
        ? { fieldSelector, sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true, signal: streamSignal }
        : { fieldSelector, resourceVersion: rv, allowWatchBookmarks: true, signal: streamSignal };
      try {
        for await (const ev of client.watch(ref, namespace, opts)) {
          reached = true;
          if (ev.type === 'ERROR') {
            const status = ev.object as unknown as StatusObject;
            if (status.code === 410) {
              gone = true; // too old: the server no longer has our version, start again
              break;
            }
            throw new ApiError(status);
          }
          if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
          if (ev.type === 'BOOKMARK') {
            if (!settled && ev.object?.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true') settle(null);
            continue;
          }
          delay = backoff.initialMs;
          const obj = ev.type === 'DELETED' ? null : ev.object;
          if (settled) onObject(obj, false);
          else settle(obj);
        }
        // A list still in flight decides before the next round (not a second one beside it).
        if (settling && !signal.aborted) await settling;
      } catch (err) {
        if (listing && !settled && refusesWatchList(err)) {
          noWatchList.add(client);
          continue; // list + watch at once
        }
        throw err;
      } finally {
        timers.clearTimeout(grace);
        round.abort();
        // A watch list that ended before it settled is started again, not resumed from a bookmark.
        if (gone || !settled) rv = undefined;
      }
      if (failure !== undefined) throw failure;
      if (signal.aborted) return;
      if (gone) continue; // 410: start again at once
      // The stream ended (server timeout or a dropped connection): resume after a short pause.
      await sleep(timers, delay, signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    } catch (err) {
      if (signal.aborted) return;
      if (isGone(err)) {
        rv = undefined;
        continue;
      }
      // Never reached the server (the client already retried the first request): fail now, as
      // kubectl does, rather than wait silently; once connected, outages are ridden out.
      if (!retryable(err) || !reached) throw err;
      await sleep(timers, delay, signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
}

/** How changes reach the user: one line per change, NDJSON, or a live view on a TTY. */
interface Printer {
  update(name: string, view: RolloutView | null, reason: string): void;
  finish(): void;
}

function linePrinter(deps: Deps, o: WatchCommand): Printer {
  const last = new Map<string, string>();
  return {
    update(name, view) {
      const now = deps.now();
      if (o.output === 'json') {
        const data = view ?? { kind: 'RolloutStatusView', apiVersion: 'kruise.cli/v1', name, deleted: true };
        const key = JSON.stringify(data);
        if (last.get(name) === key) return;
        last.set(name, key);
        deps.io.out.write(`${JSON.stringify({ time: formatTime(now), ...data })}\n`);
        return;
      }
      const text = view ? renderRolloutLine(view) : `${name} deleted`;
      if (last.get(name) === text) return;
      last.set(name, text);
      deps.io.out.write(`${formatTime(now)} ${text}\n`);
    },
    finish() {},
  };
}

function livePrinter(deps: Deps, o: WatchCommand, rt: WatchRuntime, start: Date): Printer {
  const region = new LiveRegion(deps.io.out);
  const state = new Map<string, { view: RolloutView | null; reason: string }>();
  for (const name of o.names) state.set(name, { view: null, reason: 'connecting' });
  const frameMs = rt.frameMs ?? 100;
  let lastDraw = -Infinity;
  let pending: unknown;
  let ticker: unknown;
  let finished = false;

  const frame = (): string => {
    const elapsed = Math.max(0, Math.round((deps.now().getTime() - start.getTime()) / 1000));
    const blocks = o.names.map((name) => {
      const s = state.get(name)!;
      const body = s.view ? renderRolloutText(s.view, { chalk: rt.chalk }) : `Name:         ${name}`;
      return `${body}\n${rt.chalk.bold(`Waiting for ${conditionText(o)}:`)} ${s.reason}`;
    });
    return `${blocks.join('\n\n')}\nElapsed: ${elapsed}s`;
  };
  const draw = () => {
    pending = undefined;
    lastDraw = deps.now().getTime();
    region.draw(frame());
  };
  // Throttled: a burst of events gives at most one frame per frameMs.
  const schedule = () => {
    if (finished || pending !== undefined) return;
    const wait = Math.max(0, Math.min(frameMs, lastDraw + frameMs - deps.now().getTime()));
    pending = rt.timers.setTimeout(draw, wait);
  };
  // The elapsed time moves on even without events.
  const tick = () => {
    if (finished) return;
    schedule();
    ticker = rt.timers.setTimeout(tick, 1000);
  };
  ticker = rt.timers.setTimeout(tick, 1000);
  return {
    update(name, view, reason) {
      state.set(name, { view, reason });
      schedule();
    },
    finish() {
      finished = true;
      if (pending !== undefined) rt.timers.clearTimeout(pending);
      rt.timers.clearTimeout(ticker);
      region.draw(frame());
      region.end();
    },
  };
}

/** Watches every named rollout until its condition holds, cannot hold, the timeout or Ctrl-C; returns the exit code. */
export async function runWatch(o: WatchCommand, client: KubeClient, deps: Deps, rt: WatchRuntime, stop = new AbortController()): Promise<number> {
  const namespace = client.namespace;
  const start = deps.now();
  const onInterrupt = () => stop.abort('interrupt');
  if (deps.signal?.aborted) return ExitCode.interrupted;
  deps.signal?.addEventListener('abort', onInterrupt, { once: true });
  const deadline = o.timeoutMs !== undefined ? rt.timers.setTimeout(() => stop.abort('timeout'), o.timeoutMs) : undefined;
  const printer = rt.live && o.output === 'text' ? livePrinter(deps, o, rt, start) : linePrinter(deps, o);

  const followOne = (name: string): Promise<Outcome> =>
    new Promise<Outcome>((resolve) => {
      const mine = new AbortController();
      let finished = false;
      const finish = (outcome: Outcome) => {
        if (finished) return;
        finished = true;
        mine.abort();
        stop.signal.removeEventListener('abort', onStop);
        resolve(outcome);
      };
      const onStop = () =>
        finish(
          stop.signal.reason === 'timeout'
            ? { code: ExitCode.timeout, message: `timed out waiting for rollout/${name} to be ${conditionText(o)}` }
            : { code: ExitCode.interrupted },
        );
      if (stop.signal.aborted) return onStop();
      stop.signal.addEventListener('abort', onStop, { once: true });
      const fatal = (err: unknown) => finish({ code: ExitCode.failure, message: err instanceof Error ? err.message : String(err) });

      let ro: Rollout | null | undefined; // undefined: not listed yet
      let workload: KubeObject | null = null;
      let workloadSynced = false;
      let workloadKey: string | undefined;
      let workloadStop: AbortController | undefined;
      let memory: WatchMemory | undefined;

      const evaluate = () => {
        if (finished || ro === undefined) return;
        if (ro && workloadKey !== undefined && !workloadSynced) return; // wait for the workload's first list
        const verdict = evaluateWatch(ro, ro ? workload : null, { until: o.until, step: o.step, rolloutId: o.rolloutId, memory });
        memory = verdict.memory;
        printer.update(name, ro ? toRolloutView(ro, workload, deps.now()) : null, verdict.reason);
        if (verdict.verdict === 'holds') finish({ code: ExitCode.ok, message: verdict.reason });
        else if (verdict.verdict === 'cannot-hold') finish({ code: ExitCode.cannotHold, message: `rollout/${name} cannot be ${conditionText(o)}: ${verdict.reason}` });
      };

      const followWorkload = (r: Rollout) => {
        const ref = workloadRefOf(r);
        const key = ref ? `${ref.apiVersion}/${ref.kind}/${ref.name}` : undefined;
        if (key === workloadKey) return;
        workloadStop?.abort();
        workloadKey = key;
        workload = null;
        workloadSynced = false;
        if (!ref) return;
        const ctl = new AbortController();
        workloadStop = ctl;
        mine.signal.addEventListener('abort', () => ctl.abort(), { once: true });
        followObject(
          client,
          ref.kind === 'Deployment' && ref.apiVersion === 'apps/v1' ? Resources.deployments : workloadResourceOf(ref),
          namespace,
          ref.name,
          (obj) => {
            if (ctl.signal.aborted) return;
            workload = obj;
            workloadSynced = true;
            evaluate();
          },
          ctl.signal,
          rt.timers,
          rt.backoff,
        ).catch((err) => {
          // A workload type the server does not serve: the workload is simply not there.
          if (err instanceof ApiError && err.code === 404) {
            workload = null;
            workloadSynced = true;
            evaluate();
            return;
          }
          fatal(err);
        });
      };

      followObject(
        client,
        Resources.rolloutsV1beta1,
        namespace,
        name,
        (obj, initial) => {
          if (initial && obj === null) {
            finish({ code: ExitCode.failure, message: `Error from server (NotFound): rollouts.rollouts.kruise.io "${name}" not found` });
            return;
          }
          ro = obj as Rollout | null;
          if (ro) followWorkload(ro);
          evaluate();
        },
        mine.signal,
        rt.timers,
        rt.backoff,
      ).catch(fatal);
    });

  try {
    const outcomes = await Promise.all(o.names.map(followOne));
    printer.finish();
    const code = deps.signal?.aborted ? ExitCode.interrupted : worst(outcomes.map((x) => x.code));
    o.names.forEach((name, i) => {
      const { code: c, message } = outcomes[i]!;
      if (c === ExitCode.ok) {
        if (o.output === 'text') deps.io.out.write(`${rt.live ? '' : `${formatTime(deps.now())} `}rollout/${name} is ${conditionText(o)}: ${message}\n`);
      } else if (message) {
        deps.io.err.write(`${/^(error: |Error from server)/.test(message) ? message : `error: ${message}`}\n`);
      }
    });
    return code;
  } finally {
    if (deadline !== undefined) rt.timers.clearTimeout(deadline);
    deps.signal?.removeEventListener('abort', onInterrupt);
    stop.abort('done');
  }
}

/** Connects with the global flags and runs the watch with the real timers; shared by `status -w`. */
export async function watchWithGlobals(o: WatchCommand, globals: GlobalOptions, deps: Deps): Promise<number> {
  const stop = new AbortController();
  const { clientFromGlobals } = await import('../kube/from-flags.js');
  // The client's requests end with the watch (timeout, Ctrl-C or done), not only with the process.
  const signal = deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal;
  const client = await clientFromGlobals(globals, { ...deps, signal });
  const live = Boolean(deps.io.out.isTTY) && o.output === 'text';
  try {
    return await runWatch(o, client, deps, { timers: realTimers, chalk: chalkFor(globals, deps), live }, stop);
  } finally {
    stop.abort('done');
    client.close?.();
  }
}

/** Runs `rollout watch`. */
export async function run(ctx: CommandContext): Promise<number> {
  const o = completeWatch(ctx.args, ctx.opts);
  return watchWithGlobals(o, ctx.globals, ctx.deps);
}
