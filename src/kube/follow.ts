// Keeping one named object in view through the watch API, as an informer would for a single
// object: one request per stream, resume after drops, start again on 410 Gone. Talks only to the
// KubeClient interface; the clock is injected so tests drive backoff and grace periods.

import { type Clock, sleep } from '../runtime/clock.js';
import type { KubeClient } from './client.js';
import { ApiError, isGone, TransportError } from './errors.js';
import type { ResourceRef } from './resources.js';
import type { KubeObject, StatusObject } from './types.js';

/** A watch error to ride out (an outage: 5xx, 429, a reset), not an answer to report. */
export function retryable(err: unknown): boolean {
  if (err instanceof TransportError)
    return err.retryable || err.failure === 'refused' || err.failure === 'reset' || err.failure === 'timeout' || err.failure === 'invalid';
  if (err instanceof ApiError) return err.code >= 500 || err.code === 429 || err.code === 408;
  return false;
}

/**
 * The Status of a watch's ERROR event. One without a numeric code (not a Status a real API server
 * sends) is reported as it came, never as "HTTP undefined", and not retried: waiting again would
 * hide it.
 */
function watchErrorStatus(status: StatusObject | undefined): StatusObject {
  if (typeof status?.code === 'number') return status;
  const message = typeof status?.message === 'string' && status.message ? status.message : 'no message';
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason: 'Unknown',
    code: 0,
    message: `the server ended the watch with an error event that has no status code: ${message}`,
  };
}

/** A watch stream that stayed up this long was healthy: the reconnect backoff starts over. */
const HEALTHY_STREAM_MS = 10_000;

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

/** What a follower reports about its connection (for a live view's "reconnecting" and line mode's notes). */
export interface FollowHooks {
  /** The connection to the server was lost (once per outage); the follower keeps retrying. */
  onLost?: (err: unknown) => void;
  /** The server answers again after an outage. */
  onBack?: () => void;
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
 * end bookmark comes within WATCH_LIST_GRACE_MS (on the injected clock), one list settles it and
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
  clock: Clock,
  backoff = { initialMs: 100, maxMs: 2000 },
  hooks: FollowHooks = {},
): Promise<void> {
  let lost = false;
  const back = () => {
    if (!lost) return;
    lost = false;
    hooks.onBack?.();
  };
  const fieldSelector = `metadata.name=${name}`;
  let rv: string | undefined;
  let initial = true;
  /** The server has answered once (a list, or an event): from then on, outages are ridden out. */
  let reached = false;
  let delay = backoff.initialMs;
  /** 410s since the last event: the first starts again at once, a repeat backs off (no tight loop). */
  let goneInARow = 0;
  const afterGone = async () => {
    if (goneInARow++ === 0) return;
    await sleep(clock, delay, signal);
    delay = Math.min(delay * 2, backoff.maxMs);
  };
  const deliver = (obj: KubeObject | null) => {
    const first = initial;
    initial = false;
    onObject(obj, first);
  };
  while (!signal.aborted) {
    let gone = false;
    const roundStarted = clock.now();
    try {
      if (rv === undefined && noWatchList.has(client)) {
        const list = await client.list(ref, namespace, { fieldSelector });
        if (signal.aborted) return;
        reached = true;
        back();
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
        grace?.();
        deliver(obj);
      };
      const grace = listing
        ? clock.setTimer(WATCH_LIST_GRACE_MS, () => {
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
          })
        : undefined;
      const opts = listing
        ? {
            fieldSelector,
            sendInitialEvents: true,
            resourceVersionMatch: 'NotOlderThan',
            allowWatchBookmarks: true,
            signal: streamSignal,
            onOpen: back,
          }
        : { fieldSelector, resourceVersion: rv, allowWatchBookmarks: true, signal: streamSignal, onOpen: back };
      try {
        for await (const ev of client.watch(ref, namespace, opts)) {
          reached = true;
          if (ev.type === 'ERROR') {
            const status = ev.object as unknown as StatusObject | undefined;
            if (status?.code === 410) {
              gone = true; // too old: the server no longer has our version, start again
              break;
            }
            throw new ApiError(watchErrorStatus(status));
          }
          if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
          if (ev.type === 'BOOKMARK') {
            if (!settled && ev.object?.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true') settle(null);
            continue;
          }
          goneInARow = 0;
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
        grace?.();
        round.abort();
        // A watch list that ended before it settled is started again, not resumed from a bookmark.
        if (gone || !settled) rv = undefined;
      }
      if (failure !== undefined) throw failure;
      if (signal.aborted) return;
      if (gone) {
        await afterGone();
        continue;
      }
      // The stream ended (server timeout or a dropped connection): resume after a pause. The pause
      // starts short again only after a stream that stayed up: a server that sends an event and
      // closes, again and again, is backed off like one that fails (client-go's reflector does too).
      if (clock.now() - roundStarted >= HEALTHY_STREAM_MS) delay = backoff.initialMs;
      await sleep(clock, delay, signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    } catch (err) {
      if (signal.aborted) return;
      if (isGone(err)) {
        rv = undefined;
        await afterGone();
        continue;
      }
      // Never reached the server (the client already retried the first request): fail now, as
      // kubectl does, rather than wait silently; once connected, outages are ridden out.
      if (!retryable(err) || !reached) throw err;
      if (!lost) {
        lost = true;
        hooks.onLost?.(err);
      }
      await sleep(clock, delay, signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
}
