// What the blue-green style changes in the rollout state machine (upstream's rollout_bluegreen.go;
// docs/controller.md §19); the workload side is bluegreen-control.ts, the finalising order
// finalising-tasks.ts. The state machine keeps the sub-status in canaryStatus's field names while
// a pass runs; blue-green's status.blueGreenStatus names the new revision and its pods `updated…`
// instead of `canary…`.
import type { StepStatus } from '../rollout/types.js';

/** status.message while a newer template waits for a rollback (upstream's BadRequest, not retried). */
export const BLUE_GREEN_CONTINUOUS_RELEASE = 'new version releasing detected in the progress of blue-green release, please rollback first';

/** status.blueGreenStatus in the state machine's (canaryStatus's) field names. */
export function fromBlueGreenStatus(status: StepStatus): StepStatus {
  const { updatedRevision, updatedReplicas, updatedReadyReplicas, ...common } = status;
  return { ...common, canaryRevision: updatedRevision, canaryReplicas: updatedReplicas, canaryReadyReplicas: updatedReadyReplicas };
}

/** The state machine's sub-status as status.blueGreenStatus (upstream's BlueGreenStatus). */
export function toBlueGreenStatus(status: StepStatus): StepStatus {
  const { canaryRevision, canaryReplicas, canaryReadyReplicas, ...common } = status;
  return { ...common, updatedRevision: canaryRevision, updatedReplicas: canaryReplicas, updatedReadyReplicas: canaryReadyReplicas };
}
