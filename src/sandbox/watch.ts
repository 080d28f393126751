// Watch streams: one JSON event per line over a chunked response, pushed by store listeners.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../kube/types.js';
import { systemClock } from '../runtime/clock.js';
import type { SandboxApi, Target } from './api.js';
import { badRequest, tooOld } from './errors.js';
import { apiVersionOf } from './resources.js';
import { matchesFilter, type ObjectFilter } from './selectors.js';
import type { StoreEvent } from './store.js';

/** The query of a watch request. */
interface WatchParams {
  resourceVersion?: string;
  timeoutSeconds?: number;
  /** ?sendInitialEvents=true (watch-list): initial events, then a BOOKMARK marking their end. */
  sendInitialEvents?: boolean;
  /** How an object is sent (a Table row for kubectl get -w); default: the object itself. */
  present?: (obj: KubeObject) => unknown;
  /**
   * Names what `present` produces: watchers with equal keys (and the same group/version) share
   * one serialised line per event. Without it, a watcher with `present` serialises its own lines.
   */
  presentKey?: string;
}

/** The open watch streams of a server, so they can be dropped (tests) or ended on close. */
export class WatchRegistry {
  private readonly open = new Set<() => void>();
  /** The event being fanned out and its lines by representation: only the newest event is kept. */
  private linesOf?: StoreEvent;
  private readonly lines = new Map<string, string>();

  /**
   * The line for `event` in representation `key`, made once and shared by every watcher asking
   * for the same key while this event is dispatched (listeners run synchronously, one event at a time).
   */
  line(event: StoreEvent, key: string, make: () => string): string {
    if (event !== this.linesOf) {
      this.linesOf = event;
      this.lines.clear();
    }
    let text = this.lines.get(key);
    if (text === undefined) this.lines.set(key, (text = make()));
    return text;
  }

  /** Registers a stream's closer; returns the unregister function. */
  add(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  /** Ends every open stream (the clients see a clean end of stream). */
  dropAll(): number {
    const closers = [...this.open];
    this.open.clear();
    for (const c of closers) c();
    return closers.length;
  }

  /** How many streams are open. */
  get size(): number {
    return this.open.size;
  }
}

/** What a store change looks like through a filter: ADDED/MODIFIED/DELETED or nothing. */
function translateEvent(e: StoreEvent, filter: ObjectFilter): StoreEvent['type'] | undefined {
  const now = matchesFilter(e.object, filter);
  if (e.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (e.type === 'DELETED') return now ? 'DELETED' : undefined;
  const before = e.old ? matchesFilter(e.old, filter) : false;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

/** Serves one watch request until the client leaves, the timeout passes, or the stream is dropped. */
export function serveWatch(
  res: ServerResponse,
  api: SandboxApi,
  t: Target,
  filter: ObjectFilter,
  params: WatchParams,
  registry: WatchRegistry,
): void {
  const store = api.store;
  const plural = t.resource.key;
  const rvText = params.resourceVersion;
  let since: number | undefined;
  if (rvText !== undefined && rvText !== '' && rvText !== '0') {
    since = Number(rvText);
    if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version: ${rvText}`);
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let ended = false;
  const lineOf = (type: string, object: unknown): string => `${JSON.stringify({ type, object })}\n`;
  const send = (type: string, object: unknown): void => {
    if (!ended) res.write(lineOf(type, object));
  };
  const present = params.present ?? ((o: KubeObject) => o);
  const convert = (o: KubeObject): unknown => present(api.toVersion(t.resource, t.version, o));
  // The body of a live event depends only on its type (a filter can turn MODIFIED into ADDED or
  // DELETED), the version asked for (rollouts are converted) and the presentation.
  const shareKey =
    params.present && params.presentKey === undefined ? undefined : `${t.resource.group}/${t.version}\0${params.presentKey ?? ''}`;
  const sendLive = (type: string, e: StoreEvent): void => {
    if (ended) return;
    if (shareKey === undefined) {
      send(type, convert(e.object));
      return;
    }
    res.write(registry.line(e, `${type}\0${shareKey}`, () => lineOf(type, convert(e.object))));
  };
  const end = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    unregister();
    cancelTimeout?.();
    res.end();
  };

  const initial = since === undefined || params.sendInitialEvents;
  if (initial) {
    for (const o of store.list(plural, filter)) send('ADDED', convert(o));
    if (params.sendInitialEvents) {
      send('BOOKMARK', {
        kind: t.resource.kind,
        apiVersion: apiVersionOf(t.resource.group, t.version),
        metadata: { resourceVersion: String(store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  } else {
    const answer = store.changesSince(since!);
    if ('gone' in answer) {
      send('ERROR', tooOld(rvText!, answer.oldest));
      ended = true;
      res.end();
      return;
    }
    for (const e of answer.events) {
      if (e.resource !== plural) continue;
      const type = translateEvent(e, filter);
      if (type) send(type, convert(e.object));
    }
  }
  // Registered in the same tick as the replay: no change can fall between the two.
  const unsubscribe = store.subscribe((e) => {
    if (e.resource !== plural) return;
    const type = translateEvent(e, filter);
    if (type) sendLive(type, e);
  });
  const unregister = registry.add(end);
  // On the one timer helper: a timeoutSeconds past 2^31 ms must not end the watch at once.
  const cancelTimeout =
    params.timeoutSeconds && params.timeoutSeconds > 0 ? systemClock.setTimer(params.timeoutSeconds * 1000, end) : undefined;
  res.on('close', end);
}
