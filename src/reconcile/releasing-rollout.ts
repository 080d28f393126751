// Which Rollout a workload's admission (the workload webhook, docs/controller.md §5) acts for: the
// same rule for every kind of workload.
import { workloadRefOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { refusalOf } from './refusal.js';

const groupOf = (apiVersion: string | undefined): string => {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
};

/**
 * The Rollout (not disabled, with a strategy) whose workloadRef names this workload of `kind`
 * (and, with `sameGroup`, of its API group), if any. A Rollout the controller refuses
 * (docs/controller.md §1) does not count: its workload rolls natively rather than being held for
 * a release nothing would carry out.
 */
export function rolloutReleasing(
  workload: { apiVersion?: string; metadata: { name?: string; namespace?: string } },
  rollouts: Rollout[],
  match: { kind: string; sameGroup?: boolean },
): Rollout | undefined {
  const ns = workload.metadata.namespace ?? 'default';
  const found = rollouts.find((ro) => {
    const ref = workloadRefOf(ro);
    const strategy = ro.spec?.strategy;
    return (
      ref?.kind === match.kind &&
      (!match.sameGroup || groupOf(ref.apiVersion) === groupOf(workload.apiVersion)) &&
      ref.name === workload.metadata.name &&
      (ro.metadata.namespace ?? 'default') === ns &&
      !ro.spec.disabled &&
      !ro.metadata.deletionTimestamp &&
      Boolean(strategy?.canary || strategy?.blueGreen)
    );
  });
  return found && !refusalOf(found) ? found : undefined;
}
