// Deployment ⇄ ReplicaSet bookkeeping shared by the sandbox's Deployment controller and the
// rollout controller: both must create, find and label ReplicaSets the same way.
import type { KubeObject, OwnerReference } from '../kube/types.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, sameTemplate } from './hash.js';
import type { Deployment, ReplicaSet } from './types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** A controller owner reference pointing at obj. */
export function controllerRef(obj: KubeObject): OwnerReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name!,
    uid: obj.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether child is controlled by owner (by uid). */
export function isControlledBy(child: KubeObject, owner: KubeObject): boolean {
  return (child.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata.uid);
}

/** The revision number recorded on an object (0 when absent). */
export function revisionOf(obj: KubeObject): number {
  const n = Number(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** The ReplicaSet of the Deployment's current template, if it exists (oldest first on ties). */
export function findNewReplicaSet(d: Deployment, replicaSets: ReplicaSet[]): ReplicaSet | undefined {
  return [...replicaSets]
    .sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')))
    .find((rs) => sameTemplate(rs.spec.template, d.spec.template));
}

/**
 * The revision of the Deployment's current template as the cluster names it: the
 * pod-template-hash label of a ReplicaSet whose template equals it (ignoring that label, as
 * upstream's EqualIgnoreHash), whichever Deployment controller created it — `prefer` (a revision
 * already recorded) when two match, else the oldest. Only when none exists yet, the hash a
 * ReplicaSet created here would be labelled with (docs/controller.md §7).
 */
export function templateRevision(d: Deployment, replicaSets: ReplicaSet[], prefer?: string): string {
  const matching = replicaSets.filter((rs) => !rs.metadata.deletionTimestamp && sameTemplate(rs.spec.template, d.spec.template));
  const labelled = matching.map((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL]).filter((h): h is string => Boolean(h));
  if (prefer && labelled.includes(prefer)) return prefer;
  const oldest = findNewReplicaSet(
    d,
    matching.filter((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL]),
  );
  return oldest?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? podTemplateHash(d.spec.template);
}

/** The pod-template-hash of the Deployment's current ReplicaSet (the one with its template), or `fallback`. */
export function currentRevisionOf(d: Deployment, replicaSets: ReplicaSet[], fallback: string): string {
  return findNewReplicaSet(d, replicaSets)?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] || fallback;
}

/** The pod-template-hash of the oldest ReplicaSet that still has replicas. */
export function oldestLiveRevision(replicaSets: ReplicaSet[]): string | undefined {
  const live = replicaSets.filter((rs) => (rs.spec.replicas ?? 0) > 0);
  const oldest = [...live].sort((a, b) =>
    String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')),
  )[0];
  return oldest?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] || undefined;
}

/** Whether the current ReplicaSet holds every replica and every other ReplicaSet is scaled to 0. */
export function rolledOutTo(d: Deployment, replicaSets: ReplicaSet[]): boolean {
  const replicas = d.spec.replicas ?? 1;
  const fresh = findNewReplicaSet(d, replicaSets);
  return (
    fresh !== undefined &&
    (fresh.spec.replicas ?? 0) >= replicas &&
    replicaSets.every((rs) => rs === fresh || (rs.spec.replicas ?? 0) === 0)
  );
}

/**
 * A new ReplicaSet for the Deployment's current template, named `<deployment>-<hash>` with
 * the pod-template-hash in its labels, selector and template, as the Deployment controller does
 * (`hash`: this project's hash unless the caller hashes differently).
 * metadata.uid/resourceVersion are left to the server.
 */
export function newReplicaSetFor(d: Deployment, replicas: number, revision: number, hash = podTemplateHash(d.spec.template)): ReplicaSet {
  const templateLabels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: templateLabels,
      annotations: { [REVISION_ANNOTATION]: String(revision) },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec.minReadySeconds,
      selector: {
        ...d.spec.selector,
        matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
      },
      template: { ...d.spec.template, metadata: { ...(d.spec.template.metadata ?? {}), labels: templateLabels } },
    },
  };
}
