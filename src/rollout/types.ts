// The Rollout API (rollouts.kruise.io v1beta1, with the v1alpha1 differences noted), as JSON.
// Constants are the exact upstream strings (docs/controller.md §2).
import type { KubeObject } from '../kube/types.js';
import type { IntOrString } from '../workload/types.js';

/** How kubectl names the resource in messages: `rollouts.rollouts.kruise.io "x" not found`. */
export const ROLLOUT_QUALIFIED_RESOURCE = 'rollouts.rollouts.kruise.io';
/** How kubectl's name printer names one object: `rollout.rollouts.kruise.io/x approved`. */
export const ROLLOUT_NAME_PREFIX = 'rollout.rollouts.kruise.io';

export const StepState = {
  BeforeStepUpgrade: 'BeforeStepUpgrade',
  StepUpgrade: 'StepUpgrade',
  StepTrafficRouting: 'StepTrafficRouting',
  StepMetricsAnalysis: 'StepMetricsAnalysis',
  StepPaused: 'StepPaused',
  StepReady: 'StepReady',
  Completed: 'Completed',
} as const;

/** Upstream's FinalisingStepType (api/v1beta1/rollout_types.go): the closing work, one step per reconcile. */
export const FinalisingStep = {
  RouteTrafficToNew: 'FinalisingStepRouteTrafficToNew',
  RouteTrafficToStable: 'FinalisingStepRouteTrafficToStable',
  RestoreStableService: 'RestoreStableService',
  RemoveCanaryService: 'RemoveCanaryService',
  ResumeWorkload: 'ResumeWorkload',
  ReleaseWorkloadControl: 'ReleaseWorkloadControl',
  End: 'END',
} as const;

export const Phase = {
  Initial: 'Initial',
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Terminating: 'Terminating',
  Disabled: 'Disabled',
  Disabling: 'Disabling',
} as const;

export const ConditionType = { Progressing: 'Progressing', Succeeded: 'Succeeded', Terminating: 'Terminating' } as const;

export const ProgressingReason = {
  Initializing: 'Initializing',
  InRolling: 'InRolling',
  Finalising: 'Finalising',
  Completed: 'Completed',
  Cancelling: 'Cancelling',
  Paused: 'Paused',
} as const;

export const RollingStyle = { Partition: 'Partition', Canary: 'Canary', BlueGreen: 'BlueGreen' } as const;
export type RollingStyleName = (typeof RollingStyle)[keyof typeof RollingStyle];

export const Label = {
  rolloutId: 'rollouts.kruise.io/rollout-id',
  batchId: 'rollouts.kruise.io/rollout-batch-id',
  stableRevision: 'rollouts.kruise.io/stable-revision',
  controlledByAdvancedDeployment: 'rollouts.kruise.io/controlled-by-advanced-deployment-controller',
  workloadType: 'rollouts.kruise.io/workload-type',
  /** On a canary-style release's extra Deployment: the name of the Deployment it is the canary of. */
  canaryDeployment: 'rollouts.kruise.io/canary-deployment',
} as const;

export const Annotation = {
  inProgressing: 'rollouts.kruise.io/in-progressing',
  hash: 'rollouts.kruise.io/hash',
  deploymentStrategy: 'rollouts.kruise.io/deployment-strategy',
  deploymentExtraStatus: 'rollouts.kruise.io/deployment-extra-status',
  controlInfo: 'batchrelease.rollouts.kruise.io/control-info',
  rolloutId: 'rollouts.kruise.io/rollout-id',
  rollingStyle: 'rollouts.kruise.io/rolling-style',
  trafficRouting: 'rollouts.kruise.io/trafficrouting',
  /** Blue-green: the Deployment's settings before the release (restored at its end). */
  originalDeploymentStrategy: 'rollouts.kruise.io/original-deployment-strategy',
} as const;

export const ROLLOUT_FINALIZER = 'rollouts.kruise.io/rollout';
/** The finalizer on a canary Deployment (upstream's CanaryDeploymentFinalizer), removed when the release hands back. */
export const CANARY_DEPLOYMENT_FINALIZER = 'finalizer.rollouts.kruise.io/batch-release';

export interface CanaryStep {
  replicas?: IntOrString;
  traffic?: string;
  /** v1alpha1 only. */
  weight?: number;
  matches?: unknown[];
  requestHeaderModifier?: unknown;
  pause?: { duration?: number | null };
  [k: string]: unknown;
}

export interface TrafficRoutingRef {
  service: string;
  gracePeriodSeconds?: number;
  ingress?: { classType?: string; name: string };
  gateway?: { httpRouteName?: string };
  customNetworkRefs?: { apiVersion: string; kind: string; name: string }[];
}

export interface CanaryStrategy {
  steps?: CanaryStep[];
  trafficRoutings?: TrafficRoutingRef[];
  failureThreshold?: IntOrString;
  enableExtraWorkloadForCanary?: boolean;
  trafficRoutingRef?: string;
  patchPodTemplateMetadata?: unknown;
  disableGenerateCanaryService?: boolean;
  [k: string]: unknown;
}

export interface WorkloadRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface RolloutSpec {
  /** v1beta1. */
  workloadRef?: WorkloadRef;
  /** v1alpha1. */
  objectRef?: { workloadRef?: WorkloadRef };
  strategy?: { paused?: boolean; canary?: CanaryStrategy; blueGreen?: CanaryStrategy; [k: string]: unknown };
  disabled?: boolean;
  /** v1alpha1, deprecated. */
  rolloutID?: string;
  [k: string]: unknown;
}

export interface RolloutCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** status.canaryStatus / status.blueGreenStatus. */
export interface StepStatus {
  observedWorkloadGeneration?: number;
  observedRolloutID?: string;
  rolloutHash?: string;
  stableRevision?: string;
  podTemplateHash?: string;
  currentStepIndex?: number;
  nextStepIndex?: number;
  finalisingStep?: string;
  currentStepState?: string;
  message?: string;
  lastUpdateTime?: string;
  canaryRevision?: string;
  canaryReplicas?: number;
  canaryReadyReplicas?: number;
  /** blueGreenStatus only. */
  updatedRevision?: string;
  updatedReplicas?: number;
  updatedReadyReplicas?: number;
  [k: string]: unknown;
}

export interface RolloutStatus {
  observedGeneration?: number;
  phase?: string;
  message?: string;
  conditions?: RolloutCondition[];
  /** v1beta1 mirror of the sub-status. */
  currentStepIndex?: number;
  currentStepState?: string;
  canaryStatus?: StepStatus;
  blueGreenStatus?: StepStatus;
  [k: string]: unknown;
}

export interface Rollout extends KubeObject {
  spec: RolloutSpec;
  status?: RolloutStatus;
}
