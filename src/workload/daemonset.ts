// OpenKruise's Advanced DaemonSet (`apps.kruise.io/v1alpha1`): its shape, its partition and the
// nodes it runs on in the sandbox, shared by the sandbox's DaemonSet controller and the rollout
// controller (docs/controller.md §16.3, docs/sandbox-kinds.md §6).
import type { KubeObject } from '../kube/types.js';
import type { IntOrString, LabelSelector, PodTemplate } from './types.js';

export const DAEMONSET_KIND = 'DaemonSet';
/** The sandbox's store key of Advanced DaemonSets (`plural.group`, docs/sandbox-kinds.md §1). */
export const ADVANCED_DAEMONSET_RESOURCE = 'daemonsets.apps.kruise.io';
/** The nodes an Advanced DaemonSet runs on when the sandbox stores no Node (docs/sandbox-kinds.md §6). */
export const DEFAULT_SANDBOX_NODES = ['sandbox-node-1', 'sandbox-node-2', 'sandbox-node-3'];

/** The fields of an Advanced DaemonSet this code reads and writes. */
export interface AdvancedDaemonSet extends KubeObject {
  spec: {
    selector: LabelSelector;
    template: PodTemplate;
    minReadySeconds?: number;
    updateStrategy?: {
      type?: string;
      rollingUpdate?: {
        partition?: number | null;
        paused?: boolean;
        maxUnavailable?: IntOrString;
        maxSurge?: IntOrString;
        [k: string]: unknown;
      };
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    numberMisscheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    daemonSetHash?: string;
    [k: string]: unknown;
  };
}

/** Whether an object is OpenKruise's Advanced DaemonSet (the native apps/v1 kind is not released, §16.3). */
export function isAdvancedDaemonSet(obj: { apiVersion?: string; kind?: string } | undefined): obj is AdvancedDaemonSet {
  return obj?.kind === DAEMONSET_KIND && /^apps\.kruise\.io\//.test(obj.apiVersion ?? '');
}

/** The partition in force: pods kept at the old revision (unset is 0). */
export function daemonPartition(ds: AdvancedDaemonSet): number {
  return ds.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
}

/** Sets the partition (undefined removes it), keeping the rest of the strategy. */
export function setDaemonPartition(ds: AdvancedDaemonSet, partition: number | undefined): void {
  const strategy = { ...(ds.spec.updateStrategy ?? {}) };
  const rolling = { ...(strategy.rollingUpdate ?? {}) };
  if (partition === undefined) delete rolling.partition;
  else rolling.partition = partition;
  strategy.rollingUpdate = rolling;
  ds.spec.updateStrategy = strategy;
}
