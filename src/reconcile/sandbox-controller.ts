// The rollout controller as the sandbox runs it: on every change of a Rollout, Deployment,
// ReplicaSet or pod (debounced), one reconcile pass for the affected rollouts through a real HTTP
// client pointed at the sandbox — so every write is a PUT with resourceVersion, as with
// reconcile-once — plus timers for timed pauses (requeueAfterMs).
import type { KubeClient } from '../kube/client.js';
import { createKubeClient, type HttpKubeClient } from '../kube/http-client.js';
import type { KubeObject } from '../kube/types.js';
import { Annotation, type Rollout } from '../rollout/types.js';
import type { SandboxController, SandboxControllerContext } from '../sandbox/types.js';
import type { SandboxStore, StoreEvent } from '../sandbox/store.js';
import { applyWrites, joinState, listState, orphanHandBacks, reconcileOnce, type PassResult } from './apply.js';

/** Options of the sandbox's rollout controller. */
export interface RolloutControllerOptions {
  /** Quiet time before a pass after a change (default 20 ms). */
  debounceMs?: number;
  /** Called with each pass's results (tests, logs). */
  onPass?: (results: PassResult[]) => void;
  /** Called when a pass fails as a whole (e.g. the LISTs failed). */
  onError?: (err: unknown) => void;
  /** A client to use instead of one built for ctx.url. */
  client?: KubeClient;
}

/** Work for the next pass: rollouts by `namespace/name`, and namespaces to check for orphans. */
interface Dirty {
  rollouts: Set<string>;
  namespaces: Set<string>;
}

function controllerOwner(o: KubeObject, kind: string): string | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === kind)?.name;
}

/** Which rollouts (and namespace) a store change concerns. */
export function affectedBy(event: StoreEvent, store: SandboxStore): { namespace: string; rollouts: string[] } | undefined {
  const o = event.object;
  const ns = o.metadata.namespace ?? 'default';
  let deployment: string | undefined;
  switch (event.resource) {
    case 'rollouts':
      return { namespace: ns, rollouts: [o.metadata.name!] };
    case 'deployments':
      deployment = o.metadata.name;
      break;
    case 'replicasets':
      deployment = controllerOwner(o, 'Deployment');
      break;
    case 'pods': {
      const rs = controllerOwner(o, 'ReplicaSet');
      const owner = rs ? store.get('replicasets', ns, rs) : undefined;
      deployment = owner ? controllerOwner(owner, 'Deployment') : undefined;
      break;
    }
    default:
      return undefined;
  }
  if (!deployment) return undefined;
  const rollouts = store
    .list<Rollout>('rollouts', { namespace: ns })
    .filter((ro) => (ro.spec?.workloadRef ?? ro.spec?.objectRef?.workloadRef)?.name === deployment)
    .map((ro) => ro.metadata.name!);
  // A Deployment still marked in-progressing with no Rollout left must be handed back: the
  // namespace is listed so the orphan check sees it.
  const marked = event.resource === 'deployments' && o.metadata.annotations?.[Annotation.inProgressing];
  if (rollouts.length === 0 && !marked) return undefined;
  return { namespace: ns, rollouts };
}

/** The embedded Kruise Rollout controller, started and stopped by the sandbox. */
export function rolloutController(opts: RolloutControllerOptions = {}): SandboxController & { passes: number } {
  const debounceMs = opts.debounceMs ?? 20;
  let ctx: SandboxControllerContext | undefined;
  let client: KubeClient | undefined;
  let ownClient: HttpKubeClient | undefined;
  let unsubscribe: () => void = () => {};
  let debounce: NodeJS.Timeout | undefined;
  const requeues = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  let inflight: Promise<void> | undefined;
  let dirty: Dirty = { rollouts: new Set(), namespaces: new Set() };
  let everything = false;
  let stopped = false;

  const mark = (namespace: string, rollouts: string[]) => {
    dirty.namespaces.add(namespace);
    for (const name of rollouts) dirty.rollouts.add(`${namespace}/${name}`);
  };

  const schedule = (delay = debounceMs) => {
    if (stopped || inflight) return; // an in-flight pass reschedules itself when it ends
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      const work = dirty;
      const all = everything;
      dirty = { rollouts: new Set(), namespaces: new Set() };
      everything = false;
      inflight = pass(work, all).finally(() => {
        inflight = undefined;
        if (!stopped && (everything || dirty.namespaces.size > 0)) schedule();
      });
    }, delay);
  };

  const requeue = (key: string, ms: number) => {
    if (stopped) return;
    const at = Date.now() + ms;
    const existing = requeues.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      requeues.delete(key);
      const slash = key.indexOf('/');
      mark(key.slice(0, slash), [key.slice(slash + 1)]);
      schedule(0);
    }, ms);
    requeues.set(key, { at, timer });
  };

  const pass = async (work: Dirty, all: boolean) => {
    if (!ctx || !client) return;
    controller.passes++;
    const namespaces = [...work.namespaces];
    try {
      // One namespace: namespace-scoped LISTs; several (or the first pass): everything.
      const state = await listState(client, !all && namespaces.length === 1 ? namespaces[0] : undefined);
      const orphans = orphanHandBacks(state);
      if (orphans.length > 0) await applyWrites(client, orphans).catch((err) => opts.onError?.(err));
      const results: PassResult[] = [];
      for (const observed of joinState(state)) {
        if (stopped) break;
        const key = { namespace: observed.rollout.metadata.namespace ?? 'default', name: observed.rollout.metadata.name! };
        const id = `${key.namespace}/${key.name}`;
        if (!all && !work.rollouts.has(id)) continue;
        const result = await reconcileOnce(client, key, ctx.now, {}, observed);
        results.push(result);
        const ms = result.plan?.requeueAfterMs;
        if (ms !== undefined && result.error === undefined) requeue(id, ms);
        // A failed pass is retried shortly, as a controller's work queue would.
        if (result.error !== undefined) requeue(id, 1000);
      }
      opts.onPass?.(results);
    } catch (err) {
      opts.onError?.(err);
      if (!stopped) {
        everything = true;
        setTimeout(() => schedule(0), 1000).unref();
      }
    }
  };

  const controller = {
    name: 'rollout-controller',
    passes: 0,
    start(c: SandboxControllerContext): void {
      ctx = c;
      stopped = false;
      if (opts.client) client = opts.client;
      else {
        ownClient = createKubeClient(
          { server: c.url, namespace: 'default', source: 'sandbox rollout controller', insecureSkipTlsVerify: true, timeoutMs: 30_000, timeoutText: '30s' },
          { userAgent: 'kubectl-kruise/rollout-controller' },
        );
        client = ownClient;
      }
      unsubscribe = c.store.subscribe((e) => {
        const hit = affectedBy(e, c.store);
        if (!hit) return;
        mark(hit.namespace, hit.rollouts);
        schedule();
      });
      // The first pass covers every rollout (state restored from a data dir, for instance).
      everything = true;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      unsubscribe();
      if (debounce) clearTimeout(debounce);
      debounce = undefined;
      for (const r of requeues.values()) clearTimeout(r.timer);
      requeues.clear();
      await inflight?.catch(() => undefined);
      ownClient?.close();
    },
  };
  return controller;
}
