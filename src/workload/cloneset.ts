// OpenKruise's CloneSet (apps.kruise.io/v1alpha1): its shape, its partition arithmetic and its
// revision names, shared by the sandbox's CloneSet controller and the rollout controller
// (docs/controller.md §16).
import type { KubeObject } from '../kube/types.js';
import { podTemplateHash } from './hash.js';
import { isPercent, scaledValue } from './intstr.js';
import type { IntOrString, LabelSelector, PodTemplate } from './types.js';

export const CLONESET_KIND = 'CloneSet';
/** The sandbox's store key of CloneSets (`plural.group`, docs/sandbox-kinds.md §1). */
export const CLONESET_RESOURCE = 'clonesets.apps.kruise.io';
/** The pod label Kruise gives each CloneSet pod: the random part of its name. */
export const CLONESET_INSTANCE_ID_LABEL = 'apps.kruise.io/cloneset-instance-id';
/** apps/v1 ControllerRevisionHashLabelKey: on CloneSet pods, the full revision name (`NAME-HASH`). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** Kruise's defaults (apis/apps/defaults): maxUnavailable 20%, maxSurge 0, history 10. */
export const CLONESET_DEFAULT_MAX_UNAVAILABLE = '20%';

/** The fields of a CloneSet this code reads and writes. */
export interface CloneSet extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    updateStrategy?: {
      type?: string;
      partition?: IntOrString | null;
      maxUnavailable?: IntOrString;
      maxSurge?: IntOrString;
      paused?: boolean;
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    updatedReadyReplicas?: number;
    updatedAvailableReplicas?: number;
    expectedUpdatedReplicas?: number;
    updateRevision?: string;
    currentRevision?: string;
    labelSelector?: string;
    collisionCount?: number;
    [k: string]: unknown;
  };
}

/** Whether an object is a CloneSet. */
export function isCloneSet(obj: KubeObject | undefined): obj is CloneSet {
  return obj?.kind === CLONESET_KIND && /^apps\.kruise\.io\//.test(obj.apiVersion ?? '');
}

/**
 * Kruise's CalculatePartitionReplicas (pkg/util/tools.go): the pods a partition keeps at the old
 * revision. A percentage rounds up (so "1%" keeps at least one pod); one other than "100%" that
 * would keep every pod of more than one keeps one fewer (so at least one is updated).
 */
export function partitionReplicas(partition: IntOrString | null | undefined, replicas: number): number {
  if (partition === undefined || partition === null) return 0;
  let kept = scaledValue(partition, replicas, true);
  if (replicas > 1 && kept === replicas && isPercent(partition) && partition.trim() !== '100%') kept = replicas - 1;
  return Math.max(0, Math.min(kept, replicas));
}

/**
 * The partition upstream's BatchRelease writes for a batch (cloneset control CalculateBatchContext +
 * ParseIntegerAsPercentageIfPossible): `replicas − updated` stable pods; for a percentage step
 * expressed as floor(stable × 100 / replicas)%, "100%" / "0%" at the ends, and "1%" when that
 * percentage would round back to no stable pod while the step is not "100%".
 */
export function batchPartition(step: IntOrString, replicas: number, updated: number): IntOrString {
  const stable = replicas - updated;
  if (!isPercent(step)) return stable;
  if (stable >= replicas) return '100%';
  if (stable <= 0) return '0%';
  const percent = `${Math.floor((stable * 100) / replicas)}%`;
  if (scaledValue(percent, replicas, true) <= 0 && step.trim() !== '100%') return '1%';
  return percent;
}

/** The revision name Kruise gives a CloneSet template (`NAME-HASH`; the hash here is our own). */
export function cloneSetRevisionName(cs: CloneSet, salt = ''): string {
  return `${cs.metadata.name}-${podTemplateHash(cs.spec.template, salt)}`;
}

/** Kruise's GetShortHash: the part of a revision name after its last '-'. */
export function shortHash(revision: string): string {
  return revision.slice(revision.lastIndexOf('-') + 1);
}
