// The contract of the one HTTP layer. Everything that talks to an API server goes through a
// KubeClient; the implementation (kubeconfig, TLS, auth, retries, logging) lives beside it.

import type { ResourceRef } from './resources.js';
import type { KubeList, KubeObject, WatchEvent } from './types.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  /** Ends the stream (and the HTTP request) when aborted. */
  signal?: AbortSignal;
  /** Ask the server to send BOOKMARK events. */
  allowWatchBookmarks?: boolean;
  /**
   * A "watch list" (KEP-3157): the current objects as ADDED events, then a BOOKMARK annotated
   * `k8s.io/initial-events-end: "true"`, then changes — one request instead of list + watch.
   * Servers without the WatchList feature reject it (422/400) or ignore it.
   */
  sendInitialEvents?: boolean;
  /** `NotOlderThan` (required with sendInitialEvents) or `Exact`. */
  resourceVersionMatch?: string;
  /** Called once the server answered the watch request (before any event). */
  onOpen?: () => void;
}

/** A typed, unstructured Kubernetes client. Errors are ApiError / TransportError (errors.ts). */
export interface KubeClient {
  /** The namespace from -n, else the context's, else 'default'. */
  readonly namespace: string;
  get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string): Promise<T>;
  /** namespace undefined lists across all namespaces. */
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, opts?: ListOptions): Promise<KubeList<T>>;
  create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: T): Promise<T>;
  /** PUT with obj.metadata.resourceVersion: a stale version fails with 409 Conflict. */
  update<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    obj: T,
    opts?: { subresource?: 'status' | 'scale'; dryRun?: boolean },
  ): Promise<T>;
  delete(ref: ResourceRef, namespace: string | undefined, name: string): Promise<void>;
  /** A watch stream: one event per JSON line; ends when the server closes it or the signal aborts. */
  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    opts?: WatchOptions,
  ): AsyncIterable<WatchEvent<T>>;
}
