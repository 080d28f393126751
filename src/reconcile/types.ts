// The reconcile contract: what a pass observes and what it plans to write.
import type { KubeObject } from '../kube/types.js';
import type { Rollout, RolloutStatus } from '../rollout/types.js';
import type { CloneSet } from '../workload/cloneset.js';
import type { AdvancedDaemonSet } from '../workload/daemonset.js';
import type { StatefulSetLike } from '../workload/statefulset.js';
import type { Deployment, Pod, ReplicaSet } from '../workload/types.js';
import type { BatchRelease } from './batch-release.js';

/** The state one pass reads: the Rollout, its workload, the workload's ReplicaSets and their pods. */
export interface Observed {
  rollout: Rollout;
  workload?: Deployment | CloneSet | StatefulSetLike | AdvancedDaemonSet;
  /** ReplicaSets controlled by the workload (a Deployment's). */
  replicaSets: ReplicaSet[];
  /** Pods controlled by those ReplicaSets, or by the CloneSet, StatefulSet or DaemonSet. */
  pods: Pod[];
  /** The BatchRelease named after the Rollout, if any (docs/controller.md §12). */
  batchRelease?: BatchRelease;
  /** The traffic objects of a Rollout with trafficRoutings, by name (docs/controller.md §17); absent: none read. */
  traffic?: TrafficObjects;
  /** A canary-style Rollout's extra Deployments (docs/controller.md §18); absent: not canary style. */
  canaryWorkloads?: CanaryWorkloads;
  /** The HorizontalPodAutoscalers of the Rollout's namespace, read for blue-green only (docs/controller.md §19); absent: none read. */
  hpas?: KubeObject[];
}

/** The Deployments labelled `rollouts.kruise.io/canary-deployment: <workload>`, with their ReplicaSets and pods. */
export interface CanaryWorkloads {
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  pods: Pod[];
}

/** The Services and Ingresses a Rollout's traffic routing names (each absent when it does not exist). */
export interface TrafficObjects {
  services: Record<string, KubeObject>;
  ingresses: Record<string, KubeObject>;
  /** Gateway API HTTPRoutes (only read for a Rollout routing through one). */
  httpRoutes?: Record<string, KubeObject>;
}

/** The resources a plan writes. */
export type WriteResource =
  | 'rollouts'
  | 'deployments'
  | 'clonesets'
  | 'statefulsets'
  | 'advancedstatefulsets'
  | 'advanceddaemonsets'
  | 'replicasets'
  | 'pods'
  | 'batchreleases'
  | 'events'
  | 'services'
  | 'ingresses'
  | 'httproutes'
  | 'horizontalpodautoscalers';

/** One write: the full object as read plus the changes (metadata.resourceVersion kept; PUT, never PATCH), or a DELETE. */
export interface PlannedWrite {
  op: 'create' | 'update' | 'updateStatus' | 'delete';
  resource: WriteResource;
  object: KubeObject;
}

/** The outcome of one pass. */
export interface ReconcilePlan {
  /** The new Rollout status, when it changed. */
  status?: RolloutStatus;
  /** In order (docs/controller.md §13): BatchRelease create/spec, workload, ReplicaSets, pods, BatchRelease status/delete, the Rollout's status, the Rollout itself (finalizer, hash annotation), Events. */
  writes: PlannedWrite[];
  /** Run again after this long even if nothing changes (timed pauses). */
  requeueAfterMs?: number;
  /** Set when the controller will not handle this Rollout; then writes is empty. */
  refused?: string;
  /** Where the state machine stood before and after the pass (phase, or the step state while progressing). */
  transition: { from: string; to: string };
  /** Whether the pass moved the state machine (phase, step, step state, finalising step, a condition's reason, the finalizer): run again at once. */
  stateChanged?: boolean;
  /** `step i/n ` while progressing, else empty: the head of the summary. */
  step?: string;
  /** What the pass waits for that is not on the status (a traffic object missing: upstream's error). */
  waiting?: string;
  /** One human line: `step 1/3 StepUpgrade -> StepPaused`. */
  summary: string;
}
