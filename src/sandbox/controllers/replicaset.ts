// The sandbox's ReplicaSet controller: keeps spec.replicas pods and reports their readiness.

import { controllerRef, isControlledBy } from '../../workload/deployment.js';
import { canonicalJson } from '../../workload/hash.js';
import { isPodReady } from '../../workload/pods.js';
import type { Pod, ReplicaSet } from '../../workload/types.js';
import { podAvailability } from './pod.js';
import type { ControllerAction, ControllerResult } from './types.js';

/**
 * Plans pod creations/deletions towards rs.spec.replicas and the ReplicaSet's status.
 * Pods are counted by controller ownerReference, not by labels: the rollout controller adds
 * labels to pods and must not cause them to be replaced.
 */
export function reconcileReplicaSet(rs: ReplicaSet, owned: Pod[], now: Date, randomSuffix: () => string): ControllerResult {
  if (rs.metadata.deletionTimestamp) return { actions: [] };
  const mine = owned.filter((p) => !rs.metadata.uid || isControlledBy(p, rs));
  const active = mine.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const want = Math.max(0, rs.spec.replicas ?? 1);
  const actions: ControllerAction[] = [];
  let remaining: Pod[] = active;

  if (active.length < want) {
    const taken = new Set(mine.map((p) => p.metadata.name));
    for (let i = active.length; i < want; i++) {
      const pod = newPodFor(rs, uniqueName(rs.metadata.name!, taken, randomSuffix));
      taken.add(pod.metadata.name);
      actions.push({ op: 'create', resource: 'pods', object: pod });
      remaining = [...remaining, pod];
    }
  } else if (active.length > want) {
    const victims = [...active].sort(deletionOrder).slice(0, active.length - want);
    for (const pod of victims) actions.push({ op: 'delete', resource: 'pods', object: pod });
    remaining = active.filter((p) => !victims.includes(p));
  }

  // Status describes the pods as they will be once this plan is applied, so that a Deployment
  // reading it right after sees spec.replicas pods (the new ones not ready yet).
  const minReadySeconds = rs.spec.minReadySeconds ?? 0;
  let requeueAfterMs: number | undefined;
  let ready = 0;
  let available = 0;
  for (const pod of remaining) {
    if (isPodReady(pod)) ready++;
    const a = podAvailability(pod, minReadySeconds, now);
    if (a.available) available++;
    else if (a.remainingMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, a.remainingMs);
  }
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const fullyLabeled = remaining.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
  const status = {
    ...(rs.status ?? {}),
    replicas: remaining.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? rs.status?.observedGeneration ?? 0,
  };
  if (canonicalJson(status) !== canonicalJson(rs.status ?? {})) {
    actions.push({ op: 'updateStatus', resource: 'replicasets', object: { ...rs, status } });
  }
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

/** A pod for the ReplicaSet's template, as the ReplicaSet controller creates it. */
function newPodFor(rs: ReplicaSet, name: string): Pod {
  const template = JSON.parse(JSON.stringify(rs.spec.template)) as ReplicaSet['spec']['template'];
  const metadata: Pod['metadata'] = {
    name,
    generateName: `${rs.metadata.name}-`,
    namespace: rs.metadata.namespace,
    labels: { ...(template.metadata?.labels ?? {}) },
    ownerReferences: [controllerRef(rs)],
  };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: (template.spec ?? { containers: [] }) as Pod['spec'] };
}

function uniqueName(base: string, taken: Set<string | undefined>, randomSuffix: () => string): string {
  // Bounded: a suffix generator that keeps colliding is a bug in the caller, not a reason to spin.
  for (let i = 0; i < 100; i++) {
    const name = `${base}-${randomSuffix()}`;
    if (!taken.has(name)) return name;
  }
  throw new Error(`cannot find a free pod name for ${base}`);
}

// Kubernetes' ActivePods ordering, reduced to what the sandbox knows: unscheduled/pending before
// running, not ready before ready, then the newest first.
function deletionOrder(a: Pod, b: Pod): number {
  const rank = (p: Pod): number => (p.status?.phase === 'Running' ? 1 : 0) + (isPodReady(p) ? 2 : 0);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  if (ta !== tb) return ta < tb ? 1 : -1;
  return String(b.metadata.name).localeCompare(String(a.metadata.name));
}
