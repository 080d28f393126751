// Keeping a collection in view through the watch API, as an informer's reflector does: list, then
// watch from the list's resourceVersion, resume after a dropped stream, list again on 410 Gone.
// The single-object form (followObject) and this share the retry rules of follow.ts.
import { type Clock, sleep } from '../runtime/clock.js';
import type { KubeClient } from './client.js';
import { ApiError, isGone } from './errors.js';
import { retryable } from './follow.js';
import type { ResourceRef } from './resources.js';
import type { KubeObject, StatusObject } from './types.js';

/** What a collection watch reports: the objects of a (re-)list, then one change at a time. */
export type CollectionEvent = { type: 'list'; objects: KubeObject[] } | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject };

/**
 * Follows every object of `ref` in `namespace` (undefined: all namespaces) until `signal` aborts;
 * with `opts.resourceVersion` (of a list the caller made) it starts watching from there.
 * Rejects on an error retrying cannot fix (403, 404 of the resource type) and on any error of the
 * first list (the client has already retried it); outages after that are ridden out.
 */
export async function followCollection(
  client: KubeClient,
  ref: ResourceRef,
  namespace: string | undefined,
  onEvent: (ev: CollectionEvent) => void,
  signal: AbortSignal,
  clock: Clock,
  opts: { resourceVersion?: string; backoff?: { initialMs: number; maxMs: number } } = {},
): Promise<void> {
  const backoff = opts.backoff ?? { initialMs: 100, maxMs: 2000 };
  // From a list the caller already has: watch from its resourceVersion, no second list.
  let rv = opts.resourceVersion;
  let reached = rv !== undefined;
  let delay = backoff.initialMs;
  while (!signal.aborted) {
    try {
      if (rv === undefined) {
        const list = await client.list(ref, namespace);
        if (signal.aborted) return;
        reached = true;
        rv = list.metadata?.resourceVersion ?? '0';
        onEvent({ type: 'list', objects: list.items });
      }
      let gone = false;
      for await (const ev of client.watch(ref, namespace, { resourceVersion: rv, allowWatchBookmarks: true, signal })) {
        if (ev.type === 'ERROR') {
          const status = ev.object as unknown as StatusObject | undefined;
          if (status?.code === 410) {
            gone = true;
            break;
          }
          throw new ApiError(
            status ?? {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              reason: 'Unknown',
              code: 0,
              message: 'the server ended the watch with an error event without a Status',
            },
          );
        }
        if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
        if (ev.type === 'BOOKMARK') continue;
        delay = backoff.initialMs;
        onEvent({ type: ev.type, object: ev.object });
      }
      if (signal.aborted) return;
      if (gone) rv = undefined;
      else {
        await sleep(clock, delay, signal);
        delay = Math.min(delay * 2, backoff.maxMs);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (isGone(err)) {
        rv = undefined;
        continue;
      }
      if (!retryable(err) || !reached) throw err;
      await sleep(clock, delay, signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  }
}
