// The sandbox's CloneSet controller: what OpenKruise's CloneSet controller does that a rollout
// depends on (docs/sandbox-kinds.md §6) — one ControllerRevision per template, pods labelled with
// their revision, `updateStrategy.partition` (pods kept at the current revision), `paused`,
// recreate updates within maxUnavailable, scale up/down, and the status counts.
import type { KubeObject } from '../../kube/types.js';
import {
  CLONESET_DEFAULT_MAX_UNAVAILABLE,
  CLONESET_INSTANCE_ID_LABEL,
  type CloneSet,
  CONTROLLER_REVISION_HASH_LABEL,
  cloneSetRevisionName,
  partitionReplicas,
  shortHash,
} from '../../workload/cloneset.js';
import { controllerRef } from '../../workload/deployment.js';
import { canonicalJson, POD_TEMPLATE_HASH_LABEL } from '../../workload/hash.js';
import { scaledValue } from '../../workload/intstr.js';
import { formatLabelSelector } from '../../workload/label-selector.js';
import { isPodReady } from '../../workload/pods.js';
import type { Pod, PodTemplate } from '../../workload/types.js';
import { podAvailability } from './pod.js';
import type { ControllerAction, ControllerResult } from './types.js';

/** An apps/v1 ControllerRevision: a template kept under a revision name and number. */
export interface ControllerRevision extends KubeObject {
  revision: number;
  data?: { spec?: { template?: PodTemplate & { $patch?: string } } };
}

/** What one pass is given: the CloneSet, its pods and ControllerRevisions (by controller reference). */
export interface CloneSetInput {
  cloneSet: CloneSet;
  pods: Pod[];
  revisions: ControllerRevision[];
  now: Date;
  randomSuffix: () => string;
  /** Salt of the revision hash (SandboxOptions.deploymentHashSalt): another cluster's names. */
  hashSalt?: string;
}

/** The revision a pod belongs to (its controller-revision-hash label, compared by short hash). */
const sameRevision = (pod: Pod, revision: string): boolean => {
  const label = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
  return label === revision || shortHash(label) === shortHash(revision);
};

const isActive = (p: Pod): boolean => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** One pass over one CloneSet; the caller re-runs it whenever the CloneSet or one of its pods changes. */
export function reconcileCloneSet(input: CloneSetInput): ControllerResult {
  const { cloneSet: cs, now } = input;
  if (cs.metadata.deletionTimestamp) return { actions: [] };
  const actions: ControllerAction[] = [];
  const updateRevision = cloneSetRevisionName(cs, input.hashSalt);
  const revisions = input.revisions;
  if (!revisions.some((r) => r.metadata.name === updateRevision)) {
    actions.push({ op: 'create', resource: 'controllerrevisions', object: newRevision(cs, updateRevision, revisions) });
  }
  const currentRevision = cs.status?.currentRevision || updateRevision;
  const currentTemplate = templateOf(revisions.find((r) => r.metadata.name === currentRevision)) ?? cs.spec.template;

  const replicas = Math.max(0, cs.spec.replicas ?? 1);
  const expectedUpdated = replicas - partitionReplicas(cs.spec.updateStrategy?.partition, replicas);
  let pods = input.pods.filter(isActive);
  const taken = new Set(input.pods.map((p) => p.metadata.name));
  const create = (revision: string, template: PodTemplate): void => {
    const pod = newPod(cs, revision, template, input.randomSuffix, taken);
    actions.push({ op: 'create', resource: 'pods', object: pod });
    pods = [...pods, pod];
  };
  const remove = (victims: Pod[]): void => {
    for (const p of victims) actions.push({ op: 'delete', resource: 'pods', object: p });
    pods = pods.filter((p) => !victims.includes(p));
  };
  const updatedCount = (): number => pods.filter((p) => sameRevision(p, updateRevision)).length;
  // maxSurge (Kruise's calculateDiffsWithExpectation): while old pods are to be updated, up to
  // maxSurge pods of the update revision are added on top of replicas; an old pod goes only when
  // the pods available allow it within maxUnavailable (blue-green: none is ever available).
  const paused = Boolean(cs.spec.updateStrategy?.paused);
  const keepOld = replicas - expectedUpdated;
  const toUpdate = (): number => Math.max(0, pods.length - updatedCount() - keepOld);
  const extra = paused ? 0 : Math.min(surgeOf(cs, replicas), toUpdate());

  if (extra > 0 && pods.length >= replicas) {
    if (pods.length < replicas + extra) {
      for (let i = pods.length; i < replicas + extra; i++) create(updateRevision, cs.spec.template);
    } else {
      const minAvailable = replicas - unavailableBudget(cs, replicas);
      const availableNow = pods.filter((p) => podAvailability(p, cs.spec.minReadySeconds ?? 0, now).available).length;
      const old = pods.filter((p) => !sameRevision(p, updateRevision)).sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
      const n = Math.max(0, Math.min(pods.length - replicas, toUpdate(), availableNow - minAvailable, old.length));
      remove(old.slice(0, n));
    }
  } else if (pods.length < replicas) {
    // Scale up: new pods take the update revision while the partition allows, else the current one.
    for (let i = pods.length; i < replicas; i++) {
      if (updatedCount() < expectedUpdated || currentRevision === updateRevision) create(updateRevision, cs.spec.template);
      else create(currentRevision, currentTemplate);
    }
  } else if (pods.length > replicas) {
    // Scale down: the revision that has more pods than the partition wants goes first.
    const excessUpdated = updatedCount() > expectedUpdated;
    const rank = (p: Pod): number => (isPodReady(p) ? 2 : 0) + (sameRevision(p, updateRevision) === excessUpdated ? 0 : 1);
    remove([...pods].sort((a, b) => rank(a) - rank(b) || newestFirst(a, b)).slice(0, pods.length - replicas));
  } else if (!cs.spec.updateStrategy?.paused) {
    // Recreate update: old pods give way within maxUnavailable, each replaced at once.
    const old = pods.filter((p) => !sameRevision(p, updateRevision)).sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
    const budget = maxUnavailable(cs, replicas) - pods.filter((p) => !isPodReady(p)).length;
    const n = Math.max(0, Math.min(old.length, expectedUpdated - updatedCount(), budget));
    const victims = old.slice(0, n);
    remove(victims);
    for (const _ of victims) create(updateRevision, cs.spec.template);
  }

  const { status, requeueAfterMs } = cloneSetStatus(cs, pods, updateRevision, currentRevision, expectedUpdated, now);
  if (canonicalJson(status) !== canonicalJson(cs.status ?? {}))
    actions.push({ op: 'updateStatus', resource: 'clonesets.apps.kruise.io', object: { ...cs, status } });
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

/** maxSurge in pods (rounded up; absent or invalid: 0). */
function surgeOf(cs: CloneSet, replicas: number): number {
  const value = cs.spec.updateStrategy?.maxSurge;
  if (value === undefined || value === null) return 0;
  try {
    return Math.max(0, scaledValue(value, replicas, true));
  } catch {
    return 0;
  }
}

/** maxUnavailable in pods while surging (rounded down; 0 allowed, as a surge makes progress without it). */
function unavailableBudget(cs: CloneSet, replicas: number): number {
  const value = cs.spec.updateStrategy?.maxUnavailable ?? CLONESET_DEFAULT_MAX_UNAVAILABLE;
  try {
    return Math.max(0, scaledValue(value, replicas, false));
  } catch {
    return 0;
  }
}

function maxUnavailable(cs: CloneSet, replicas: number): number {
  const value = cs.spec.updateStrategy?.maxUnavailable ?? CLONESET_DEFAULT_MAX_UNAVAILABLE;
  try {
    return Math.max(1, scaledValue(value, replicas, false));
  } catch {
    return 1;
  }
}

/** Status as Kruise computes it, describing the pods as they will be once this plan is applied. */
function cloneSetStatus(
  cs: CloneSet,
  pods: Pod[],
  updateRevision: string,
  currentRevision: string,
  expectedUpdated: number,
  now: Date,
): { status: NonNullable<CloneSet['status']>; requeueAfterMs?: number } {
  const minReadySeconds = cs.spec.minReadySeconds ?? 0;
  let requeueAfterMs: number | undefined;
  const available = (p: Pod): boolean => {
    const a = podAvailability(p, minReadySeconds, now);
    if (!a.available && a.remainingMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, a.remainingMs);
    return a.available;
  };
  const updated = pods.filter((p) => sameRevision(p, updateRevision));
  const replicas = cs.spec.replicas ?? 1;
  const status: NonNullable<CloneSet['status']> = {
    ...(cs.status ?? {}),
    observedGeneration: cs.metadata.generation ?? cs.status?.observedGeneration ?? 0,
    replicas: pods.length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter(available).length,
    updatedReplicas: updated.length,
    updatedReadyReplicas: updated.filter(isPodReady).length,
    updatedAvailableReplicas: updated.filter(available).length,
    expectedUpdatedReplicas: expectedUpdated,
    updateRevision,
    // Kruise moves currentRevision once every pod is of the update revision.
    currentRevision: updated.length === pods.length && pods.length === replicas ? updateRevision : currentRevision,
    labelSelector: formatLabelSelector(cs.spec.selector),
    collisionCount: cs.status?.collisionCount ?? 0,
  };
  return requeueAfterMs === undefined ? { status } : { status, requeueAfterMs };
}

/** A ControllerRevision of the workload's template, numbered after the existing ones (shared with StatefulSets). */
export function newRevision(
  cs: CloneSet | (KubeObject & { spec: { selector: { matchLabels?: Record<string, string> }; template: PodTemplate } }),
  name: string,
  existing: ControllerRevision[],
): ControllerRevision {
  const template = structuredClone(cs.spec.template) as PodTemplate & { $patch?: string };
  template.$patch = 'replace';
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: cs.metadata.namespace,
      labels: { ...(cs.spec.selector.matchLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: shortHash(name) },
      ownerReferences: [controllerRef(cs)],
    },
    data: { spec: { template } },
    revision: existing.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1,
  };
}

/** The template a ControllerRevision keeps. */
export function templateOf(revision: ControllerRevision | undefined): PodTemplate | undefined {
  const template = revision?.data?.spec?.template;
  if (!template) return undefined;
  const { $patch: _, ...rest } = template;
  return rest;
}

function newPod(cs: CloneSet, revision: string, template: PodTemplate, randomSuffix: () => string, taken: Set<string | undefined>): Pod {
  let id = randomSuffix();
  for (let i = 0; taken.has(`${cs.metadata.name}-${id}`) && i < 100; i++) id = randomSuffix();
  const name = `${cs.metadata.name}-${id}`;
  taken.add(name);
  const copy = structuredClone(template);
  const metadata: Pod['metadata'] = {
    name,
    namespace: cs.metadata.namespace,
    labels: {
      ...(copy.metadata?.labels ?? {}),
      [CONTROLLER_REVISION_HASH_LABEL]: revision,
      [POD_TEMPLATE_HASH_LABEL]: shortHash(revision),
      [CLONESET_INSTANCE_ID_LABEL]: id,
    },
    ownerReferences: [controllerRef(cs)],
  };
  if (copy.metadata?.annotations) metadata.annotations = { ...copy.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: (copy.spec ?? { containers: [] }) as Pod['spec'] };
}

function newestFirst(a: Pod, b: Pod): number {
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  if (ta !== tb) return ta < tb ? 1 : -1;
  return String(b.metadata.name).localeCompare(String(a.metadata.name));
}
