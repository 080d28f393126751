// Batch arithmetic (docs/controller.md §9): how many pods a step's `replicas` releases. Shared by
// the rollout controller and everything that shows planned batch sizes.
import { isPercent, scaledValue } from './intstr.js';
import type { IntOrString } from './types.js';

/**
 * Which of upstream's two roundings: `partition` is a partition-style Deployment's new-ReplicaSet
 * limit (NewRSReplicasLimit); `plain` is the bare ceil that step jumps, plan changes and every
 * other workload use.
 */
export type BatchRounding = 'partition' | 'plain';

/**
 * The pods a step releases out of `replicas`: ceil for percentages, clamped to [0, replicas]. With
 * `partition` rounding and replicas > 1, a percentage other than "100%" is capped at replicas − 1
 * (integers never are). undefined releases 0; throws on a string that is not a percentage.
 */
export function batchReplicas(value: IntOrString | undefined, replicas: number, rounding: BatchRounding): number {
  if (value === undefined || value === null) return 0;
  const n = Math.max(0, Math.min(scaledValue(value, replicas, true), replicas));
  if (rounding === 'partition' && replicas > 1 && isPercent(value) && value.trim() !== '100%') return Math.min(n, replicas - 1);
  return n;
}

/** batchReplicas, but 0 for a value that is not a number or a percentage (a hand-edited annotation). */
export function batchReplicasOrZero(value: IntOrString | undefined, replicas: number, rounding: BatchRounding): number {
  try {
    return batchReplicas(value, replicas, rounding);
  } catch {
    return 0;
  }
}
