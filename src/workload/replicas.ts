// How many pods a workload wants, for every kind a Rollout may release (docs/controller.md §16.3).
import { isAdvancedDaemonSet } from './daemonset.js';

/**
 * Upstream's GetReplicas: `spec.replicas` (1 when unset, as the API server defaults it), or for an
 * Advanced DaemonSet, which has none, `status.desiredNumberScheduled` (the nodes it runs on).
 */
export function workloadReplicas(workload: { apiVersion?: string; kind?: string; spec?: unknown; status?: unknown }): number {
  if (isAdvancedDaemonSet(workload)) {
    const desired = (workload.status as { desiredNumberScheduled?: unknown } | undefined)?.desiredNumberScheduled;
    return typeof desired === 'number' ? desired : 0;
  }
  const replicas = (workload.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}
