// What the embedded controller refuses to handle (docs/controller.md §1): it never touches the
// workload of such a Rollout rather than half-handle it; workload admission lets the workload roll
// natively, and the refusal is written on the Rollout's status (unless the status itself is malformed).
import { stepStrategyOf, workloadRefOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { isAdvancedDaemonSet } from '../workload/daemonset.js';
import { scaledValue } from '../workload/intstr.js';
import { isStatefulSetLike } from '../workload/statefulset.js';
import { unsupportedTraffic } from './traffic/support.js';

const NOTHING_WRITTEN = '; nothing was written';
/** The ending of a refusal whose reason is written on the Rollout (the style or steps are not supported). */
export const ROLLS_NATIVELY = '; its workload rolls natively';

/** Why the embedded controller will not handle this Rollout (nothing is written), if it will not. */
export function refusalOf(rollout: Rollout): string | undefined {
  return malformedPart(rollout) ?? unsupportedStyle(rollout) ?? unusableSteps(rollout);
}

// A malformed object (the CRD schema would reject it; a hand-made server may not) is refused
// rather than planned on: the plan would write a status built from garbage.
function malformedPart(rollout: Rollout): string | undefined {
  const parts = [
    ['spec', rollout.spec],
    ['status', rollout.status],
    ['status.canaryStatus', rollout.status?.canaryStatus],
    ['status.blueGreenStatus', rollout.status?.blueGreenStatus],
  ] as const;
  for (const [field, value] of parts) {
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      const edit = field.startsWith('status') ? 'kubectl edit --subresource=status' : 'kubectl edit';
      return `${field} is ${JSON.stringify(value).slice(0, 40)}, not an object; fix it (${edit})${NOTHING_WRITTEN}`;
    }
  }
  return undefined;
}

function unsupportedStyle(rollout: Rollout): string | undefined {
  const strategy = rollout.spec?.strategy;
  if (strategy?.blueGreen) return unsupportedBlueGreen(rollout);
  const canary = strategy?.canary;
  if (!canary) return `the rollout has no canary strategy${ROLLS_NATIVELY}`;
  const traffic = unsupportedTraffic(canary, workloadRefOf(rollout)?.kind);
  if (traffic) return `${traffic}${ROLLS_NATIVELY}`;
  const ref = workloadRefOf(rollout);
  if (!ref) return `the rollout has no workloadRef${ROLLS_NATIVELY}`;
  const deployment = ref.kind === 'Deployment' && /^apps\//.test(ref.apiVersion ?? '');
  // Upstream runs canary style (an extra canary workload) for Deployments only.
  if (canary.enableExtraWorkloadForCanary && !deployment)
    return `canary style (enableExtraWorkloadForCanary: true) is run for apps/v1 Deployments only, not ${ref.apiVersion}/${ref.kind}${ROLLS_NATIVELY}`;
  const cloneSet = ref.kind === 'CloneSet' && /^apps\.kruise\.io\//.test(ref.apiVersion ?? '');
  // Upstream releases OpenKruise's Advanced DaemonSet only; its controller finder has no native one.
  if (ref.kind === 'DaemonSet' && !isAdvancedDaemonSet(ref))
    return `workload ${ref.apiVersion}/${ref.kind} is not supported, as by Kruise Rollouts: only an apps.kruise.io (Advanced) DaemonSet is released${ROLLS_NATIVELY}`;
  if (!deployment && !cloneSet && !isStatefulSetLike(ref) && !isAdvancedDaemonSet(ref))
    return `workload ${ref.apiVersion}/${ref.kind} is not supported by the embedded controller yet; only apps/v1 Deployment and StatefulSet, and apps.kruise.io CloneSet, StatefulSet and DaemonSet are${ROLLS_NATIVELY}`;
  return undefined;
}

/** Blue-green is run for an apps/v1 Deployment and an apps.kruise.io CloneSet, as upstream (docs/controller.md §19). */
function unsupportedBlueGreen(rollout: Rollout): string | undefined {
  const ref = workloadRefOf(rollout);
  if (!ref) return `the rollout has no workloadRef${ROLLS_NATIVELY}`;
  const deployment = ref.kind === 'Deployment' && /^apps\//.test(ref.apiVersion ?? '');
  const cloneSet = ref.kind === 'CloneSet' && /^apps\.kruise\.io\//.test(ref.apiVersion ?? '');
  if (!deployment && !cloneSet)
    return `blue-green for ${ref.apiVersion}/${ref.kind} is not supported; only apps/v1 Deployment and apps.kruise.io CloneSet are${ROLLS_NATIVELY}`;
  const traffic = unsupportedTraffic(rollout.spec.strategy!.blueGreen!, ref.kind);
  return traffic ? `${traffic}${ROLLS_NATIVELY}` : undefined;
}

function unusableSteps(rollout: Rollout): string | undefined {
  const canary = stepStrategyOf(rollout)!;
  if ((canary.steps?.length ?? 0) === 0)
    return `the rollout has no ${rollout.spec.strategy?.blueGreen ? 'blue-green' : 'canary'} steps${ROLLS_NATIVELY}`;
  for (const [i, step] of canary.steps!.entries()) {
    if (!isIntOrPercent(step.replicas))
      return `steps[${i}].replicas ${JSON.stringify(step.replicas ?? null)} is not a number or a percentage${ROLLS_NATIVELY}`;
  }
  const threshold = canary.failureThreshold;
  if (threshold !== undefined && threshold !== null && !isIntOrPercent(threshold)) {
    return `failureThreshold ${JSON.stringify(threshold)} is not a number or a percentage${ROLLS_NATIVELY}`;
  }
  return undefined;
}

function isIntOrPercent(value: unknown): boolean {
  try {
    scaledValue(value as never, 100);
    return true;
  } catch {
    return false;
  }
}
