// What the controller writes into status.message and its conditions: upstream's exact strings
// (docs/controller.md §6, §7), so that anything matching on them keeps working. The client side
// (src/rollout/assess.ts) reads the same table; this module imports nothing.

/** The status and condition messages, by the situation they describe. */
export const StatusMessage = {
  healthy: 'rollout is healthy',
  firstDeploy: 'workload deployment is completed',
  workloadNotFound: 'Workload Not Found',
  progressing: 'Rollout is in Progressing',
  continuous: 'Workload is continuous release',
  paused: 'Rollout has been paused, you can resume it by kube-cli',
  rollback: 'The workload has been rolled back and the rollout process will be canceled',
  finalising: 'Rollout has been completed and some closing work is being done',
  completed: 'Rollout progressing has been completed',
  canceled: 'Rollout progressing has been canceled',
  disabling: 'Disabling rollout, release resources',
  disabled: 'Rollout is disabled',
  terminating: 'Rollout is in terminating',
} as const;

/** The status message of a Rollout the controller refuses (docs/controller.md §1); not upstream's (it has no refusals). */
export function refusedMessage(reason: string): string {
  return `Rollout is not handled: ${reason}`;
}

/** The condition that carries a refusal: `Supported=False`, reason `Unsupported` (docs/controller.md §1). */
export const RefusedCondition = { type: 'Supported', reason: 'Unsupported' } as const;

/** `Rollout is in step(i/n), and upgrade workload to new version` and its siblings (docs/controller.md §7). */
export function stepMessage(kind: 'upgrade' | 'manual' | 'wait', stepIndex: number, stepCount: number, seconds = 0): string {
  const head = `Rollout is in step(${stepIndex}/${stepCount}), and `;
  if (kind === 'upgrade') return `${head}upgrade workload to new version`;
  if (kind === 'manual') return `${head}you need manually confirm to enter the next step`;
  return `${head}wait duration(${seconds} seconds) to enter the next step`;
}
