// `rollout watch ROLLOUT… [--until completed|paused|ready] [--step N] [--rollout-id ID] [--timeout D] [-o json]`:
// follows each Rollout and its workload with the watch API (one watch-list request per object, or
// list + watch on servers without it; resume after a drop; start again on 410 Gone) and exits 0
// when the condition holds, 4 when it cannot hold any more, 3 on timeout, 130 on Ctrl-C.
import type { ChalkInstance } from 'chalk';
import type { KubeClient } from '../kube/client.js';
import { ApiError } from '../kube/errors.js';
import { followObject } from '../kube/follow.js';
import { Resources } from '../kube/resources.js';
import { kubeTime } from '../kube/time.js';
import type { KubeObject } from '../kube/types.js';
import { escapeTerminal } from '../render/escape.js';
import { LiveRegion } from '../render/live.js';
import { renderLiveFrame } from '../render/live-frame.js';
import { renderRolloutLine } from '../render/rollout-text.js';
import { workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { type RolloutView, type TrafficObjectView, toRolloutView } from '../rollout/view.js';
import { evaluateWatch, type WatchMemory } from '../rollout/watch-condition.js';
import { type CancelTimer, type Clock, commandClock } from '../runtime/clock.js';
import { chalkFor } from './color.js';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue, ObjectFailures } from './errors.js';
import { listWorkloadPods, readTrafficObjects } from './rollout-status.js';
import type { WatchOptions } from './rollout-watch-options.js';

/** Everything runWatch needs besides the client and the deps. */
interface WatchRuntime {
  clock: Clock;
  chalk: ChalkInstance;
  /** Draw a live view in place (stdout is a TTY). */
  live: boolean;
  /** Minimum ms between live redraws (default 100: at most 10 frames a second). */
  frameMs?: number;
  /** Reconnect backoff after a dropped or refused watch (default 100 ms doubling to 2 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** The live view lists the workload's pods after each change (default true). */
  listPods?: boolean;
}

type Outcome = { code: ExitCodeValue; message?: string };

/** Exit codes from best to worst: several rollouts exit with the worst. */
const SEVERITY: ExitCodeValue[] = [ExitCode.ok, ExitCode.timeout, ExitCode.cannotHold, ExitCode.failure, ExitCode.interrupted];

function worst(codes: ExitCodeValue[]): ExitCodeValue {
  return codes.reduce<ExitCodeValue>((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), ExitCode.ok);
}

/** What to call the condition in messages: `completed`, `paused at step 1`. */
function conditionText(o: WatchOptions): string {
  return `${o.until}${o.step !== undefined ? ` at step ${o.step}` : ''}${o.rolloutId !== undefined ? ` (rollout-id ${o.rolloutId})` : ''}`;
}

/** Builds a rollout's view at a given time (the live view rebuilds it each second: countdowns and ages move). */
type ViewAt = (now: Date) => RolloutView;

/** How changes reach the user: one line per change, NDJSON, or a live view on a TTY. */
interface Printer {
  update(name: string, view: ViewAt | null, reason: string): void;
  /** The connection to the server was lost (true) or is back (false). */
  connection(lost: boolean, detail?: string): void;
  finish(): void;
}

function linePrinter(deps: Deps, o: WatchOptions): Printer {
  const last = new Map<string, string>();
  return {
    update(name, make) {
      const now = deps.now();
      const view = make?.(now) ?? null;
      if (o.output === 'json') {
        const data = view ?? { kind: 'RolloutStatusView', apiVersion: 'kruise.cli/v1', name, deleted: true };
        const key = JSON.stringify(data);
        if (last.get(name) === key) return;
        last.set(name, key);
        deps.io.out.write(`${JSON.stringify({ time: kubeTime(now), ...data })}\n`);
        return;
      }
      const text = view ? renderRolloutLine(view) : `${escapeTerminal(name)} deleted`;
      if (last.get(name) === text) return;
      last.set(name, text);
      deps.io.out.write(`${kubeTime(now)} ${text}\n`);
    },
    connection(lost, detail) {
      // NDJSON stays one object per change; a person reading lines is told.
      if (o.output === 'json') return;
      const text = lost ? `connection lost${detail ? ` (${escapeTerminal(detail)})` : ''}; reconnecting` : 'reconnected';
      deps.io.out.write(`${kubeTime(deps.now())} ${text}\n`);
    },
    finish() {},
  };
}

/** The size of the terminal now (80x24 when the stream does not say). */
function terminalSize(out: Deps['io']['out']): { rows: number; columns: number } {
  return { rows: out.rows && out.rows > 0 ? out.rows : 24, columns: out.columns && out.columns > 0 ? out.columns : 80 };
}

/**
 * Keys of the live view with several rollouts: 1-9 show that rollout in full, 0 (or Esc) the
 * summary only, q or Ctrl-C quit (raw mode turns Ctrl-C into a key). Returns the undo.
 */
function readKeys(input: Deps['io']['in'], onKey: (key: string) => void): () => void {
  if (!input?.isTTY || !input.setRawMode) return () => undefined;
  const onData = (chunk: Buffer | string) => {
    for (const key of String(chunk)) onKey(key);
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    input.setRawMode?.(false);
    input.pause();
  };
}

function livePrinter(deps: Deps, o: WatchOptions, rt: WatchRuntime, start: Date, interrupt: () => void): Printer {
  const region = new LiveRegion(deps.io.out);
  const state = new Map<string, { view: ViewAt | null; reason: string }>();
  for (const name of o.names) state.set(name, { view: null, reason: 'connecting' });
  const frameMs = rt.frameMs ?? 100;
  let lastDraw = -Infinity;
  let pending: CancelTimer | undefined;
  let ticker: CancelTimer;
  let finished = false;
  let lostSince: Date | null = null;
  let detail = o.detail ?? (o.names.length > 1 ? undefined : o.names[0]);
  const keys =
    o.names.length > 1
      ? readKeys(deps.io.in, (key) => {
          if (key === 'q' || key === '\x03') return interrupt();
          if (key === '0' || key === '\x1b') detail = undefined;
          else if (/^[1-9]$/.test(key) && o.names[Number(key) - 1]) detail = o.names[Number(key) - 1];
          else return;
          if (!finished) {
            pending?.();
            draw();
          }
        })
      : undefined;

  const frame = (): string[] => {
    const now = deps.now();
    const seconds = (since: Date) => Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
    const size = terminalSize(deps.io.out);
    return renderLiveFrame({
      entries: o.names.map((name) => {
        const s = state.get(name)!;
        return { name, view: s.view?.(now) ?? null, reason: s.reason };
      }),
      waitingLabel: o.follow ? 'Following:' : `Waiting for ${conditionText(o)}:`,
      elapsedSeconds: seconds(start),
      reconnectingSeconds: lostSince ? seconds(lostSince) : null,
      detail,
      keys: keys !== undefined && Boolean(deps.io.in?.isTTY),
      allPods: o.pods,
      rows: size.rows,
      columns: size.columns,
      chalk: rt.chalk,
    });
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
    pending = rt.clock.setTimer(wait, draw);
  };
  // The elapsed time, countdowns and ages move on even without events.
  const tick = () => {
    if (finished) return;
    schedule();
    ticker = rt.clock.setTimer(1000, tick);
  };
  ticker = rt.clock.setTimer(1000, tick);
  // A resized window (SIGWINCH) is redrawn at its new size at once.
  const out = deps.io.out as Deps['io']['out'] & {
    on?: (e: string, f: () => void) => unknown;
    off?: (e: string, f: () => void) => unknown;
  };
  const onResize = () => {
    if (finished || lastDraw === -Infinity) return;
    pending?.();
    draw();
  };
  out.on?.('resize', onResize);
  return {
    update(name, view, reason) {
      state.set(name, { view, reason });
      schedule();
    },
    connection(lost) {
      lostSince = lost ? (lostSince ?? deps.now()) : null;
      schedule();
    },
    finish() {
      finished = true;
      keys?.();
      out.off?.('resize', onResize);
      pending?.();
      ticker();
      region.end(frame());
    },
  };
}

/** A duration as the user would write it: 10m, 90s, 1h30m, 250ms. */
function durationText(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${sec || (!h && !m) ? `${sec}s` : ''}`;
}

/** Where a rollout was when the wait ended: `at step 1/3 StepPaused — waiting for approval`. */
function whereItIs(view: RolloutView | null, reason: string): string {
  if (!view) return reason;
  const at =
    view.currentStepIndex !== null && view.currentStepIndex > 0
      ? `at step ${view.currentStepIndex}/${view.totalSteps} ${view.currentStepState ?? ''}`.trimEnd()
      : `in phase ${view.phase ?? '(no status)'}`;
  const b = view.batch;
  const what = view.waitingForApproval
    ? 'waiting for approval'
    : view.pauseRemainingSeconds !== null
      ? `next step in ${view.pauseRemainingSeconds}s`
      : view.currentStepState === 'StepUpgrade' && view.currentRelease
        ? `the batch is not ready (planned ${b.planned ?? '-'}, updated ${b.updated ?? '-'}, ready ${b.ready ?? '-'})`
        : reason;
  return escapeTerminal(`${at} — ${what}`);
}

/** Watches every named rollout until its condition holds, cannot hold, the timeout or Ctrl-C; returns the exit code. */
export async function runWatch(
  o: WatchOptions,
  client: KubeClient,
  deps: Deps,
  rt: WatchRuntime,
  stop = new AbortController(),
): Promise<ExitCodeValue> {
  const namespace = client.namespace;
  const start = deps.now();
  const listPods = rt.live && o.output === 'text' && rt.listPods !== false;
  const onInterrupt = () => stop.abort('interrupt');
  if (deps.signal?.aborted) return ExitCode.interrupted;
  deps.signal?.addEventListener('abort', onInterrupt, { once: true });
  const deadline = o.timeoutMs !== undefined ? rt.clock.setTimer(o.timeoutMs, () => stop.abort('timeout')) : undefined;
  const printer = rt.live && o.output === 'text' ? livePrinter(deps, o, rt, start, onInterrupt) : linePrinter(deps, o);
  // Every stream (rollouts and workloads) reports its connection; the user hears of it once.
  let lostStreams = 0;
  const hooks = {
    onLost: (err: unknown) => {
      if (lostStreams++ === 0) printer.connection(true, err instanceof Error ? err.message : undefined);
    },
    onBack: () => {
      if (--lostStreams === 0) printer.connection(false);
    },
  };

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
            ? {
                code: ExitCode.timeout,
                message: `timed out after ${durationText(o.timeoutMs ?? 0)} waiting for rollout/${name} to be ${conditionText(o)}${
                  lastSeen ? `: ${whereItIs(lastSeen.view, lastSeen.reason)}` : ''
                }`,
              }
            : { code: ExitCode.interrupted },
        );
      if (stop.signal.aborted) return onStop();
      stop.signal.addEventListener('abort', onStop, { once: true });
      const fatal = (err: unknown) => finish({ code: ExitCode.failure, message: err instanceof Error ? err.message : String(err) });

      let ro: Rollout | null | undefined; // undefined: not listed yet
      let lastSeen: { view: RolloutView | null; reason: string } | undefined;
      let workload: KubeObject | null = null;
      let workloadSynced = false;
      let workloadKey: string | undefined;
      let workloadStop: AbortController | undefined;
      let memory: WatchMemory | undefined;
      let pods: KubeObject[] | null = null;
      let traffic: TrafficObjectView[] | null = null;
      let podsListing: 'idle' | 'busy' | 'again' = 'idle';

      const show = (reason: string) => {
        const [r, w, p, tr] = [ro, workload, pods, traffic];
        printer.update(name, r ? (now) => toRolloutView(r, w, now, null, p, tr) : null, reason);
      };
      // The live view shows pods: one LIST by the workload's selector after a change of the
      // Rollout or the workload (never more than one in flight; a change meanwhile lists again).
      const refreshPods = () => {
        if (!listPods || !workload || finished) return;
        if (podsListing !== 'idle') {
          podsListing = 'again';
          return;
        }
        podsListing = 'busy';
        // The canary Ingresses too (one GET each): what the gateway carries moves with the Rollout.
        Promise.all([listWorkloadPods(client, workload), ro ? readTrafficObjects(client, ro) : null]).then(
          ([items, objects]) => {
            pods = items;
            traffic = objects;
            const again = podsListing === 'again';
            podsListing = 'idle';
            if (finished) return;
            if (lastSeen) show(lastSeen.reason);
            if (again) refreshPods();
          },
          () => {
            podsListing = 'idle'; // the view keeps the pods it had; the next change lists again
          },
        );
      };

      const evaluate = () => {
        if (finished || ro === undefined) return;
        if (ro && workloadKey !== undefined && !workloadSynced) return; // wait for the workload's first list
        const verdict = evaluateWatch(ro, ro ? workload : null, {
          until: o.until,
          step: o.step,
          rolloutId: o.rolloutId,
          waitForRelease: o.waitForRelease,
          memory,
        });
        memory = verdict.memory;
        lastSeen = { view: ro ? toRolloutView(ro, workload, deps.now(), null, pods, traffic) : null, reason: verdict.reason };
        show(verdict.reason);
        refreshPods();
        // --follow: the view goes on; a finished or superseded release only means a new baseline.
        if (o.follow) {
          if (verdict.verdict === 'cannot-hold') memory = undefined;
          return;
        }
        if (verdict.verdict === 'holds') finish({ code: ExitCode.ok, message: verdict.reason });
        else if (verdict.verdict === 'cannot-hold')
          finish({ code: ExitCode.cannotHold, message: `rollout/${name} cannot be ${conditionText(o)}: ${verdict.reason}` });
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
          workloadResourceOf(ref),
          namespace,
          ref.name,
          (obj) => {
            if (ctl.signal.aborted) return;
            workload = obj;
            workloadSynced = true;
            evaluate();
          },
          ctl.signal,
          rt.clock,
          rt.backoff,
          hooks,
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
            finish({
              code: ExitCode.failure,
              message: `Error from server (NotFound): rollouts.rollouts.kruise.io "${name}" not found in namespace "${namespace}"`,
            });
            return;
          }
          ro = obj as Rollout | null;
          if (ro) followWorkload(ro);
          evaluate();
        },
        mine.signal,
        rt.clock,
        rt.backoff,
        hooks,
      ).catch(fatal);
    });

  try {
    const outcomes = await Promise.all(o.names.map(followOne));
    printer.finish();
    const code = deps.signal?.aborted ? ExitCode.interrupted : worst(outcomes.map((x) => x.code));
    // Decided: a reader that leaves during the lines below (`| head -1`) no longer changes it.
    deps.io.out.settle?.(code);
    const failures = new ObjectFailures(deps.io.err);
    o.names.forEach((name, i) => {
      const { code: c, message } = outcomes[i]!;
      if (c === ExitCode.ok) {
        if (o.output === 'text')
          deps.io.out.write(`${rt.live ? '' : `${kubeTime(deps.now())} `}rollout/${name} is ${conditionText(o)}: ${message}\n`);
      } else if (message) {
        failures.add(message);
      }
    });
    return code;
  } finally {
    deadline?.();
    deps.signal?.removeEventListener('abort', onInterrupt);
    stop.abort('done');
  }
}

/** Runs `rollout watch` (and `status -w`): connects with the global flags and watches on the process' clock. */
export async function runWatchCommand(o: WatchOptions, deps: Deps): Promise<ExitCodeValue> {
  const stop = new AbortController();
  const { withKubeClient } = await import('../kube/from-flags.js');
  // The client's requests end with the watch (timeout, Ctrl-C or done), not only with the process.
  const signal = deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal;
  // A dumb terminal cannot move the cursor: line mode, as with --no-live or a pipe.
  const live = Boolean(deps.io.out.isTTY) && o.output === 'text' && !o.noLive && deps.env.TERM !== 'dumb';
  return withKubeClient(o.globals, { ...deps, signal }, async (client) => {
    try {
      return await runWatch(o, client, deps, { clock: commandClock, chalk: chalkFor(o.globals, deps), live }, stop);
    } finally {
      stop.abort('done');
    }
  });
}
