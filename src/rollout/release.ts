// "Which release does this status belong to?" — the guide's rollout-id mechanism, kept pure.

import type { ResourceRef } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import { type CanaryStrategy, Label, type Rollout, type StepStatus, type WorkloadRef } from './types.js';

/**
 * The workload's rollout-id as the controller reads it: the label `rollouts.kruise.io/rollout-id`
 * (upstream's getRolloutID). The annotation of the same name only tells the workload webhook to
 * start a release; the release is then named by the label, else by its revision, so comparing the
 * annotation with observedRolloutID would never match (docs/controller.md §7, §14).
 */
export function workloadRolloutId(workload: KubeObject | null | undefined): string | undefined {
  return workload?.metadata?.labels?.[Label.rolloutId] || undefined;
}

/** The workload a Rollout targets: v1beta1 spec.workloadRef, v1alpha1 spec.objectRef.workloadRef. */
export function workloadRefOf(ro: Rollout): WorkloadRef | undefined {
  return ro.spec?.workloadRef ?? ro.spec?.objectRef?.workloadRef;
}

/** The strategy block holding the steps: spec.strategy.blueGreen, else spec.strategy.canary (upstream's GetRolloutLikeStrategy). */
export function stepStrategyOf(ro: Rollout): CanaryStrategy | undefined {
  return ro.spec?.strategy?.blueGreen ?? ro.spec?.strategy?.canary;
}

/** The step sub-status: canaryStatus, else blueGreenStatus (v1alpha1 has canaryStatus only). */
export function subStatusOf(ro: Rollout): { kind: 'canaryStatus' | 'blueGreenStatus'; status: StepStatus } | undefined {
  const s = ro.status;
  if (s?.canaryStatus) return { kind: 'canaryStatus', status: s.canaryStatus };
  if (s?.blueGreenStatus) return { kind: 'blueGreenStatus', status: s.blueGreenStatus };
  return undefined;
}

/**
 * Whether the Rollout's status belongs to the workload's current release: the workload's rollout-id
 * (when it has one) equals observedRolloutID, and observedWorkloadGeneration equals the workload's
 * metadata.generation. Without a workload or a sub-status nothing can be current.
 */
export function isCurrentRelease(ro: Rollout, workload: KubeObject | null | undefined): boolean {
  if (!workload) return false;
  const sub = subStatusOf(ro)?.status;
  if (!sub) return false;
  const id = workloadRolloutId(workload);
  if (id !== undefined && sub.observedRolloutID !== id) return false;
  const generation = workload.metadata?.generation;
  // The controller writes observedWorkloadGeneration only once it has seen this template.
  return generation !== undefined && sub.observedWorkloadGeneration === generation;
}

/** The REST resource of a workload reference (apps/v1 Deployment → deployments; CloneSet → clonesets…). */
export function workloadResourceOf(ref: WorkloadRef): ResourceRef {
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? ref.apiVersion.slice(slash + 1) : ref.apiVersion;
  // Every workload kind Kruise Rollouts supports pluralises with a plain "s".
  return { group, version, resource: `${ref.kind.toLowerCase()}s`, kind: ref.kind, namespaced: true };
}
