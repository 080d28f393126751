// StatefulSet-like workloads — the native `apps/v1` StatefulSet and OpenKruise's Advanced
// StatefulSet (`apps.kruise.io/v1beta1`): their shape and their ordinal partition, shared by the
// sandbox's StatefulSet controller and the rollout controller (docs/controller.md §16).
import type { KubeObject } from '../kube/types.js';
import type { LabelSelector, PodTemplate } from './types.js';

export const STATEFULSET_KIND = 'StatefulSet';
/** The sandbox's store keys (docs/sandbox-kinds.md §1): native, and Advanced (`plural.group`). */
export const STATEFULSET_RESOURCE = 'statefulsets';
export const ADVANCED_STATEFULSET_RESOURCE = 'statefulsets.apps.kruise.io';
/** The partition a release starts from (upstream's math.MaxInt16): every ordinal is held back. */
export const HOLD_ALL_PARTITION = 32767;

/** The fields of a StatefulSet (native or Advanced) this code reads and writes. */
export interface StatefulSetLike extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    minReadySeconds?: number;
    updateStrategy?: {
      type?: string;
      rollingUpdate?: { partition?: number | null; paused?: boolean; [k: string]: unknown };
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  status?: Record<string, unknown> & {
    observedGeneration?: number;
    updatedReplicas?: number;
    updatedReadyReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/** Whether an object is a StatefulSet the controller can release: `apps/*` or `apps.kruise.io/*`. */
export function isStatefulSetLike(obj: { apiVersion?: string; kind?: string } | undefined): boolean {
  return obj?.kind === STATEFULSET_KIND && /^apps(\.kruise\.io)?\//.test(obj.apiVersion ?? '');
}

/** Whether it is OpenKruise's Advanced StatefulSet (which has `rollingUpdate.paused`). */
export function isAdvancedStatefulSet(obj: { apiVersion?: string; kind?: string } | undefined): boolean {
  return obj?.kind === STATEFULSET_KIND && /^apps\.kruise\.io\//.test(obj.apiVersion ?? '');
}

/** Upstream's IsStatefulSetRollingUpdate: no type, or RollingUpdate (OnDelete is not released in batches). */
export function isRollingUpdate(set: StatefulSetLike): boolean {
  const type = set.spec.updateStrategy?.type;
  return !type || type === 'RollingUpdate';
}

/** The ordinal partition in force (upstream's GetStatefulSetPartition: unset is 0). */
export function ordinalPartition(set: StatefulSetLike): number {
  return set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
}

/** Sets the ordinal partition (undefined removes it), keeping the rest of the strategy. */
export function setOrdinalPartition(set: StatefulSetLike, partition: number | undefined): void {
  const strategy = { ...(set.spec.updateStrategy ?? {}) };
  const rolling = { ...(strategy.rollingUpdate ?? {}) };
  if (partition === undefined) delete rolling.partition;
  else rolling.partition = partition;
  strategy.rollingUpdate = rolling;
  set.spec.updateStrategy = strategy;
}
