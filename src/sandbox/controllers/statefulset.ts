// The sandbox's StatefulSet controller, for the native `apps/v1` kind and OpenKruise's Advanced
// StatefulSet (`apps.kruise.io`): what a rollout depends on (docs/sandbox-kinds.md §6) — one
// ControllerRevision per template, pods `NAME-0` … `NAME-(n−1)` labelled with their revision, the
// ordinal `updateStrategy.rollingUpdate.partition` (pods with an ordinal at or above it get the
// update revision), updates one pod at a time from the highest ordinal, `paused` (Advanced), scale.
import { CONTROLLER_REVISION_HASH_LABEL } from '../../workload/cloneset.js';
import { controllerRef } from '../../workload/deployment.js';
import { canonicalJson, podTemplateHash } from '../../workload/hash.js';
import { formatLabelSelector } from '../../workload/label-selector.js';
import { isPodReady } from '../../workload/pods.js';
import type { StatefulSetLike } from '../../workload/statefulset.js';
import type { Pod, PodTemplate } from '../../workload/types.js';
import { type ControllerRevision, newRevision, templateOf } from './cloneset.js';
import { podAvailability } from './pod.js';
import type { ControllerAction, ControllerResult } from './types.js';

export type { StatefulSetLike };

/** What one pass is given. `resource`: the store key its status is written under. */
export interface StatefulSetInput {
  set: StatefulSetLike;
  resource: 'statefulsets' | 'statefulsets.apps.kruise.io';
  pods: Pod[];
  revisions: ControllerRevision[];
  now: Date;
  hashSalt?: string;
}

const ordinalOf = (set: StatefulSetLike, pod: Pod): number => {
  const name = String(pod.metadata.name);
  const prefix = `${set.metadata.name}-`;
  return name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)) ? Number(name.slice(prefix.length)) : -1;
};

const revisionOfPod = (pod: Pod): string => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

/** One pass over one StatefulSet; re-run whenever it or one of its pods changes. */
export function reconcileStatefulSet(input: StatefulSetInput): ControllerResult {
  const { set, now } = input;
  if (set.metadata.deletionTimestamp) return { actions: [] };
  const actions: ControllerAction[] = [];
  const updateRevision = `${set.metadata.name}-${podTemplateHash(set.spec.template, input.hashSalt)}`;
  if (!input.revisions.some((r) => r.metadata.name === updateRevision))
    actions.push({ op: 'create', resource: 'controllerrevisions', object: newRevision(set, updateRevision, input.revisions) });
  const currentRevision = (set.status?.currentRevision as string | undefined) || updateRevision;
  const currentTemplate = templateOf(input.revisions.find((r) => r.metadata.name === currentRevision)) ?? set.spec.template;
  const replicas = Math.max(0, set.spec.replicas ?? 1);
  const rolling = set.spec.updateStrategy?.rollingUpdate ?? {};
  const partition = Math.max(0, Math.min(rolling.partition ?? 0, replicas));
  const onDelete = set.spec.updateStrategy?.type === 'OnDelete';

  const live = new Map<number, Pod>();
  for (const p of input.pods) if (!p.metadata.deletionTimestamp && ordinalOf(set, p) >= 0) live.set(ordinalOf(set, p), p);
  const wanted = (i: number): string => (i >= partition ? updateRevision : currentRevision);
  // Scale down from the highest ordinal; create missing ordinals (Parallel, not OrderedReady).
  for (const [i, p] of live)
    if (i >= replicas) {
      actions.push({ op: 'delete', resource: 'pods', object: p });
      live.delete(i);
    }
  for (let i = 0; i < replicas; i++) {
    if (live.has(i)) continue;
    const revision = wanted(i);
    const pod = newPod(set, i, revision, revision === updateRevision ? set.spec.template : currentTemplate);
    actions.push({ op: 'create', resource: 'pods', object: pod });
    live.set(i, pod);
  }
  // Rolling update: one pod at a time, the highest ordinal first, once every pod is ready.
  const allReady = [...live.values()].every(isPodReady);
  if (!onDelete && !rolling.paused && allReady) {
    for (let i = replicas - 1; i >= partition; i--) {
      const p = live.get(i)!;
      if (revisionOfPod(p) === updateRevision) continue;
      // The pod goes; the next pass (its DELETED event) creates it again at the update revision.
      actions.push({ op: 'delete', resource: 'pods', object: p });
      live.delete(i);
      break;
    }
  }

  const pods = [...live.values()];
  const minReadySeconds = set.spec.minReadySeconds ?? 0;
  let requeueAfterMs: number | undefined;
  const available = (p: Pod): boolean => {
    const a = podAvailability(p, minReadySeconds, now);
    if (!a.available && a.remainingMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, a.remainingMs);
    return a.available;
  };
  const updated = pods.filter((p) => revisionOfPod(p) === updateRevision);
  const status: Record<string, unknown> = {
    ...(set.status ?? {}),
    observedGeneration: set.metadata.generation ?? 0,
    replicas: pods.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter(available).length,
    currentReplicas: pods.filter((p) => revisionOfPod(p) === currentRevision).length,
    updatedReplicas: updated.length,
    currentRevision: updated.length === replicas && pods.length === replicas ? updateRevision : currentRevision,
    updateRevision,
    collisionCount: (set.status?.collisionCount as number | undefined) ?? 0,
  };
  if (input.resource === 'statefulsets.apps.kruise.io') {
    status.updatedReadyReplicas = updated.filter(isPodReady).length;
    status.updatedAvailableReplicas = updated.filter(available).length;
    status.labelSelector = formatLabelSelector(set.spec.selector);
  }
  if (canonicalJson(status) !== canonicalJson(set.status ?? {}))
    actions.push({ op: 'updateStatus', resource: input.resource, object: { ...set, status } });
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

function newPod(set: StatefulSetLike, ordinal: number, revision: string, template: PodTemplate): Pod {
  const copy = structuredClone(template);
  const name = `${set.metadata.name}-${ordinal}`;
  const metadata: Pod['metadata'] = {
    name,
    namespace: set.metadata.namespace,
    labels: {
      ...(copy.metadata?.labels ?? {}),
      [CONTROLLER_REVISION_HASH_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    },
    ownerReferences: [controllerRef(set)],
  };
  if (copy.metadata?.annotations) metadata.annotations = { ...copy.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { ...((copy.spec ?? { containers: [] }) as Pod['spec']), hostname: name } };
}
