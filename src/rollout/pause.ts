// PURE: what `rollout pause` / `rollout resume` should write (spec.strategy.paused), decided from the Rollout as read.

import { isV1alpha1 } from './approve.js';
import type { Rollout } from './types.js';

/** Write this object, or not allowed (exit 1, as upstream). */
type PausePlan = { kind: 'write'; object: Rollout } | { kind: 'refuse'; message: string };

/** Plans `pause`: set spec.strategy.paused; already paused is refused (`is already paused`). */
export function planPause(ro: Rollout): PausePlan {
  if (isV1alpha1(ro)) return { kind: 'refuse', message: 'pausing is not supported' };
  if (!ro.spec || typeof ro.spec !== 'object')
    return { kind: 'refuse', message: 'has no spec.strategy to pause; check the Rollout object' };
  if (ro.spec?.strategy?.paused === true) return { kind: 'refuse', message: 'is already paused' };
  const object = structuredClone(ro);
  object.spec.strategy = { ...(object.spec.strategy ?? {}), paused: true };
  return { kind: 'write', object };
}

/** Plans `resume`: clear spec.strategy.paused (the field is omitempty, so it is removed); never touches status. */
export function planResume(ro: Rollout): PausePlan {
  if (isV1alpha1(ro)) return { kind: 'refuse', message: 'resuming is not supported' };
  if (ro.spec?.strategy?.paused !== true) return { kind: 'refuse', message: 'is not paused' };
  const object = structuredClone(ro);
  delete object.spec.strategy!.paused;
  return { kind: 'write', object };
}
