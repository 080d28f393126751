// The release plan's hash (status.canaryStatus.rolloutHash): a change mid-release means the steps
// were edited, and the step machine re-targets (docs/controller.md §10).
import { createHash } from 'node:crypto';
import type { CanaryStrategy } from '../rollout/types.js';
import { canonicalJson, SAFE_ALPHABET } from '../workload/hash.js';

/** The hash of the release plan: the canary strategy without pauses and failureThreshold. */
export function computeRolloutHash(canary: CanaryStrategy | undefined): string {
  const plan: Record<string, unknown> = { ...(canary ?? {}) };
  delete plan.failureThreshold;
  plan.steps = (canary?.steps ?? []).map((step) => {
    const withoutPause = { ...step };
    delete withoutPause.pause;
    return withoutPause;
  });
  const hex = createHash('sha256').update(canonicalJson(plan)).digest('hex');
  // Same alphabet as pod-template-hash, so it reads like upstream's value.
  return [...hex].map((digit) => SAFE_ALPHABET[parseInt(digit, 16) % SAFE_ALPHABET.length]).join('');
}
