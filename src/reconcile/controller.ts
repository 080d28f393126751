// The rollout controller loop: changes seen on a change feed become keys on the work queue
// (src/runtime/work-queue.ts); each key is one reconcile pass through a KubeClient — so every
// write is a PUT with resourceVersion, as with reconcile-once — and a timed pause comes back as
// "requeue after". It knows nothing of where the feed and the server come from (the sandbox wires
// them in src/sandbox/wire-rollout-controller.ts).
import type { KubeClient } from '../kube/client.js';
import { DefaultBackoff, retryOnConflict } from '../kube/retry.js';
import type { KubeObject } from '../kube/types.js';
import { workloadRefOf } from '../rollout/release.js';
import { Annotation, Label, type Rollout } from '../rollout/types.js';
import type { Clock } from '../runtime/clock.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { ADVANCED_DAEMONSET_RESOURCE } from '../workload/daemonset.js';
import { ADVANCED_STATEFULSET_RESOURCE, STATEFULSET_RESOURCE } from '../workload/statefulset.js';
import type { Deployment } from '../workload/types.js';
import { applyWrites, listState, orphanHandBacks, reconcileOnce } from './apply.js';

/** The resources the controller watches. */
type FeedResource = 'rollouts' | 'deployments' | 'replicasets' | 'pods';

/** How a change feed names CloneSets (the sandbox's store key, docs/sandbox-kinds.md §1). */
const CLONESET_FEED = 'clonesets.apps.kruise.io';

/** One committed change. */
interface FeedChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: KubeObject;
}

/** What the controller needs from a cache of the cluster: changes as they happen, and reads to map them to rollouts. */
export interface ChangeFeed {
  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  onChange(listener: (change: FeedChange) => void): () => void;
  get<T extends KubeObject>(resource: FeedResource, namespace: string, name: string): T | undefined;
  /** Every object of a resource (namespace undefined: all namespaces). */
  list<T extends KubeObject>(resource: FeedResource, namespace?: string): T[];
}

/** What the loop runs on. */
export interface RolloutControllerOptions {
  feed: ChangeFeed;
  client: KubeClient;
  now: () => Date;
  clock: Clock;
  /** How long a change waits before its pass, so a burst of changes makes one pass (default 20 ms). */
  debounceMs?: number;
  /** Called with each failed pass (its key is retried in 1 s). */
  onError?: (key: string, err: unknown) => void;
  /** Lines worth a log: a Rollout refused (once per reason). */
  log?: (line: string) => void;
}

/** A running loop. */
export interface RunningController {
  /** Stops taking changes; resolves once the pass under way has ended. */
  stop(): Promise<void>;
}

// Keys: `rollout/NAMESPACE/NAME` is one reconcile pass; `orphans/NAMESPACE` hands back the
// Deployments a deleted Rollout left marked in-progressing.
const rolloutKey = (ns: string, name: string) => `rollout/${ns}/${name}`;
const orphansKey = (ns: string) => `orphans/${ns}`;

function controllerOwner(o: KubeObject, kind: string): string | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === kind)?.name;
}

/** The Deployment a Rollout names for `name`: the one it is the canary of, for a canary Deployment (§18). */
function stableName(feed: ChangeFeed, ns: string, name: string | undefined): string | undefined {
  if (!name) return undefined;
  return feed.get<Deployment>('deployments', ns, name)?.metadata.labels?.[Label.canaryDeployment] || name;
}

/** The queue keys a change concerns: the rollouts of the workload it belongs to, and the orphan check. */
function keysFor(change: FeedChange, feed: ChangeFeed): string[] {
  const o = change.object;
  const ns = o.metadata.namespace ?? 'default';
  let deployment: string | undefined;
  switch (change.resource) {
    case 'rollouts':
      return change.type === 'DELETED' ? [rolloutKey(ns, o.metadata.name!), orphansKey(ns)] : [rolloutKey(ns, o.metadata.name!)];
    case 'deployments':
      // A canary Deployment (§18) concerns the Rollout of the Deployment it is the canary of.
      deployment = o.metadata.labels?.[Label.canaryDeployment] || o.metadata.name;
      break;
    case CLONESET_FEED:
    case STATEFULSET_RESOURCE:
    case ADVANCED_STATEFULSET_RESOURCE:
    case ADVANCED_DAEMONSET_RESOURCE:
      deployment = o.metadata.name;
      break;
    case 'replicasets':
      deployment = stableName(feed, ns, controllerOwner(o, 'Deployment'));
      break;
    case 'pods': {
      const rs = controllerOwner(o, 'ReplicaSet');
      const owner = rs ? feed.get('replicasets', ns, rs) : undefined;
      // A CloneSet, a StatefulSet or a DaemonSet owns its pods directly.
      deployment = owner
        ? stableName(feed, ns, controllerOwner(owner, 'Deployment'))
        : (controllerOwner(o, 'CloneSet') ?? controllerOwner(o, 'StatefulSet') ?? controllerOwner(o, 'DaemonSet'));
      break;
    }
    default:
      return [];
  }
  if (!deployment) return [];
  const keys = feed
    .list<Rollout>('rollouts', ns)
    .filter((ro) => workloadRefOf(ro)?.name === deployment)
    .map((ro) => rolloutKey(ns, ro.metadata.name!));
  // A Deployment still marked in-progressing with no Rollout left must be handed back.
  if (keys.length === 0 && change.resource === 'deployments' && o.metadata.annotations?.[Annotation.inProgressing])
    keys.push(orphansKey(ns));
  // So must a canary Deployment being deleted with our finalizer on it (§18).
  if (keys.length === 0 && change.resource === 'deployments' && o.metadata.labels?.[Label.canaryDeployment] && o.metadata.deletionTimestamp)
    keys.push(orphansKey(ns));
  return keys;
}

/** Starts the embedded Kruise Rollout controller: every rollout and marked Deployment is looked at once, then on every change. */
export function startRolloutController(opts: RolloutControllerOptions): RunningController {
  const { feed, client } = opts;
  const debounceMs = opts.debounceMs ?? 20;

  // The reason each refused Rollout was last logged with: one line per refusal, not one per pass.
  const refusals = new Map<string, string>();
  const reconcile = async (key: string): Promise<number | undefined> => {
    const [kind, ns, name] = key.split('/') as [string, string, string | undefined];
    if (kind === 'orphans') {
      await retryOnConflict(DefaultBackoff, async () => {
        const orphans = orphanHandBacks(await listState(client, ns));
        if (orphans.length > 0) await applyWrites(client, orphans);
      });
      return undefined;
    }
    const result = await reconcileOnce(client, { namespace: ns, name: name! }, opts.now);
    const refused = result.plan?.refused;
    if (refused && refusals.get(key) !== refused) opts.log?.(`rollout-controller: ${ns}/${name} refused: ${refused}`);
    if (refused) refusals.set(key, refused);
    else refusals.delete(key);
    if (result.error !== undefined) {
      // Gone before it could be read: nothing to do until it comes back.
      if (result.plan === undefined && (result.error as { code?: unknown }).code === 404) return undefined;
      throw result.error;
    }
    // A pass makes one state change, as upstream's reconcile: one that made it runs again at once
    // (its own status write would bring it back only after the debounce).
    if (result.plan?.stateChanged && result.written.length > 0) return 0;
    return result.plan?.requeueAfterMs;
  };

  const queue = new WorkQueue({ reconcile, clock: opts.clock, errorRequeueMs: 1000, onError: opts.onError });
  const unsubscribe = feed.onChange((change) => {
    for (const key of keysFor(change, feed)) queue.addAfter(key, debounceMs);
  });
  for (const resource of ['rollouts', 'deployments'] as const) {
    for (const object of feed.list(resource)) for (const key of keysFor({ type: 'ADDED', resource, object }, feed)) queue.add(key);
  }
  return {
    async stop() {
      unsubscribe();
      await queue.shutDown();
    },
  };
}
