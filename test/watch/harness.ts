// Runs `rollout watch` in-process against a sandbox while the test drives status changes.
import { main } from '../../src/cli/main.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { captureStream } from '../helpers/cli.js';

/** A watch running in the background: its streams, exit code and a movable clock. */
interface RunningWatch {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  lines: () => string[];
  /** Sets the clock the command reads (deps.now). */
  setNow: (iso: string) => void;
  abort: () => void;
}

/** Starts the CLI with `argv` (plus --server) on a non-TTY (or TTY) capture. */
export function startWatch(sb: Sandbox, argv: string[], opts: { tty?: boolean; now?: string } = {}): RunningWatch {
  const out = captureStream(opts.tty ?? false);
  const err = captureStream();
  let now = new Date(opts.now ?? '2026-11-27T10:00:00Z');
  const ctl = new AbortController();
  const code = main([...argv, '--server', sb.url], {
    io: { out, err },
    env: { HOME: '/nonexistent', PATH: process.env.PATH },
    now: () => now,
    signal: ctl.signal,
  });
  const running: RunningWatch = {
    code,
    stdout: out.text,
    stderr: err.text,
    lines: () =>
      out
        .text()
        .split('\n')
        .filter((l) => l !== ''),
    setNow: (iso) => (now = new Date(iso)),
    abort: () => ctl.abort(),
  };
  started.add(running);
  return running;
}

const started = new Set<RunningWatch>();

/** Ends every watch a test left running (after a failed assertion), so no timers outlive the test. */
export async function stopAll(): Promise<void> {
  for (const w of started) w.abort();
  await Promise.all([...started].map((w) => w.code.catch(() => undefined)));
  started.clear();
}

/** Polls `predicate` every 5 ms (up to `ms`); throws with `what` on expiry. */
export async function waitFor(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The watch requests the sandbox received so far (path and resourceVersion). */
export function watchRequests(sb: Sandbox): { path: string; resourceVersion?: string; status: number }[] {
  return sb.requests
    .filter((r) => r.query.watch === 'true')
    .map((r) => ({ path: r.path, resourceVersion: r.query.resourceVersion, status: r.status }));
}

/** Resolves once `n` watch requests (rollout + workload…) have reached the sandbox. */
export function watchesOpened(sb: Sandbox, n: number): Promise<void> {
  return waitFor(() => watchRequests(sb).length >= n, `${n} watch requests`);
}

/**
 * What a GET asked for: `list`, `watch` (resumed from a resourceVersion, or a plain watch), or
 * `watch-list` (KEP-3157: the initial state and the changes on one stream). A watch list must carry
 * every parameter a real API server requires with sendInitialEvents, and no resourceVersion.
 */
export function watchKind(query: Record<string, string>): 'list' | 'watch' | 'watch-list' {
  if (query.watch !== 'true') return 'list';
  if (query.sendInitialEvents === undefined) return 'watch';
  const complete =
    query.sendInitialEvents === 'true' &&
    query.resourceVersionMatch === 'NotOlderThan' &&
    query.allowWatchBookmarks === 'true' &&
    !query.resourceVersion;
  if (!complete) throw new Error(`an incomplete watch list: ${JSON.stringify(query)}`);
  return 'watch-list';
}
