// Batch arithmetic of a partition-style Deployment (Kruise's NewRSReplicasLimit), shared by the
// rollout controller and anything that shows planned batch sizes.
import { isPercent, scaledValue } from './intstr.js';
import type { IntOrString } from './types.js';

/**
 * How many pods of the new ReplicaSet a partition allows: ceil for percentages, clamped to
 * [0, replicas]; with replicas > 1 a percentage other than "100%" is capped at replicas − 1.
 */
export function newRSReplicasLimit(partition: IntOrString | undefined, replicas: number): number {
  if (partition === undefined || partition === null) return 0;
  let n = scaledValue(partition, replicas, true);
  n = Math.max(0, Math.min(n, replicas));
  if (replicas > 1 && isPercent(partition) && String(partition).trim() !== '100%') n = Math.min(n, replicas - 1);
  return n;
}

/** Plain ceil of a step's replicas against the workload's, clamped to [0, replicas] (no replicas − 1 cap). */
export function plainBatchReplicas(value: IntOrString | undefined, replicas: number): number {
  if (value === undefined || value === null) return 0;
  return Math.max(0, Math.min(scaledValue(value, replicas, true), replicas));
}
