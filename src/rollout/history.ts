// `rollout history`: the revisions of a Rollout's workload (its ReplicaSets), with their images,
// when each was first released and which one is stable / canary / current; plus the Rollout's
// RolloutHistory records when the cluster keeps them. Pure: objects in, a view out.
import type { KubeObject } from '../kube/types.js';
import { revisionOf } from '../workload/deployment.js';
import { POD_TEMPLATE_HASH_LABEL, sameTemplate } from '../workload/hash.js';
import type { Deployment, ReplicaSet } from '../workload/types.js';
import { subStatusOf } from './release.js';
import type { Rollout } from './types.js';
import { ownedReplicaSets } from './undo.js';

/** One revision of the workload. */
export interface RevisionView {
  revision: number;
  /** The pod-template-hash: what the Rollout's stable/canary revisions name. */
  hash: string | null;
  /** `container=image` of each container. */
  images: string[];
  /** When the ReplicaSet was created: when the revision was first released. */
  created: string | null;
  /** Pods of the revision now (status.replicas) and how many are ready. */
  pods: number;
  readyPods: number;
  stable: boolean;
  canary: boolean;
  /** The workload's template is this revision's. */
  current: boolean;
}

/** One RolloutHistory record (rollouts.kruise.io/v1alpha1). */
export interface RolloutHistoryRecord {
  name: string;
  rolloutId: string | null;
  phase: string | null;
  steps: number;
  created: string | null;
}

/** The JSON shape of `rollout history -o json|yaml`. */
export interface RolloutHistoryView {
  kind: 'RolloutHistoryView';
  apiVersion: 'kruise.cli/v1';
  name: string;
  namespace: string;
  workload: { kind: string; name: string };
  revisions: RevisionView[];
  records: RolloutHistoryRecord[];
}

function imagesOf(rs: ReplicaSet): string[] {
  return (rs.spec.template.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? ''}`);
}

/** The history of `ro`'s Deployment from its ReplicaSets, oldest revision first, and its RolloutHistory objects. */
export function toHistoryView(ro: Rollout, d: Deployment, replicaSets: ReplicaSet[], histories: KubeObject[]): RolloutHistoryView {
  const sub = subStatusOf(ro)?.status;
  const stable = sub?.stableRevision;
  const canary = sub?.canaryRevision ?? sub?.updatedRevision;
  const revisions = ownedReplicaSets(d, replicaSets)
    .reverse()
    .map((rs) => {
      const hash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? null;
      const template = structuredClone(rs.spec.template);
      if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
      return {
        revision: revisionOf(rs),
        hash,
        images: imagesOf(rs),
        created: rs.metadata.creationTimestamp ?? null,
        pods: rs.status?.replicas ?? 0,
        readyPods: rs.status?.readyReplicas ?? 0,
        stable: hash !== null && hash === stable,
        // A canary that is the stable revision is no release of its own (after a rollback or at rest).
        canary: hash !== null && hash === canary && canary !== stable,
        current: sameTemplate(template, d.spec.template),
      };
    });
  const records = histories
    .filter((h) => h.spec?.rollout?.name === ro.metadata.name)
    .map((h) => ({
      name: h.metadata.name ?? '',
      rolloutId: typeof h.spec?.rollout?.rolloutID === 'string' ? h.spec.rollout.rolloutID : null,
      phase: typeof h.status?.phase === 'string' && h.status.phase ? h.status.phase : null,
      steps: Array.isArray(h.status?.canarySteps) ? h.status.canarySteps.length : 0,
      created: h.metadata.creationTimestamp ?? null,
    }))
    .sort((a, b) => String(a.created).localeCompare(String(b.created)));
  return {
    kind: 'RolloutHistoryView',
    apiVersion: 'kruise.cli/v1',
    name: ro.metadata.name ?? '',
    namespace: ro.metadata.namespace ?? '',
    workload: { kind: d.kind, name: d.metadata.name ?? '' },
    revisions,
    records,
  };
}
