// What a pod's status says, as every controller reads it (the sandbox's and the rollout controller).
import type { Pod } from './types.js';

/** Whether the pod is Ready (condition Ready=True) and not being deleted. */
export function isPodReady(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}
