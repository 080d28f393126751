// The one retry-on-conflict policy, for every writer (approve/pause/resume and the rollout
// controller): client-go's retry.RetryOnConflict with its wait.Backoff, step for step. The wait and
// the jitter draw are injected so tests count attempts and delays without sleeping.

import { commandClock, sleep } from '../runtime/clock.js';
import { isConflict } from './errors.js';

/** client-go's wait.Backoff without Cap: `steps` attempts in all, waits of durationMs × factorⁿ plus up to jitter × that. */
export interface Backoff {
  readonly steps: number;
  readonly durationMs: number;
  readonly factor: number;
  readonly jitter: number;
}

/** client-go's retry.DefaultRetry: 5 attempts, 10 ms apart, +0–10 % jitter. For a client changing an object. */
export const DefaultRetry: Backoff = Object.freeze({ steps: 5, durationMs: 10, factor: 1.0, jitter: 0.1 });

/** client-go's retry.DefaultBackoff: 4 attempts, waits of 10, 50, 250 ms, +0–10 % jitter. For a controller's writes. */
export const DefaultBackoff: Backoff = Object.freeze({ steps: 4, durationMs: 10, factor: 5.0, jitter: 0.1 });

/** How the waits happen; real timers and Math.random by default. */
export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const realSleep = (ms: number) => sleep(commandClock, ms);

/**
 * Runs `attempt` (numbered from 1) until it returns or throws something other than a 409; a 409
 * is retried after the backoff's wait, at most `backoff.steps` attempts in all, and the last 409 is
 * thrown when they run out (client-go's RetryOnConflict). Each attempt must re-read what it
 * writes: a retry with the old resourceVersion would only conflict again.
 */
export async function retryOnConflict<T>(backoff: Backoff, attempt: (n: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  const sleep = hooks.sleep ?? realSleep;
  const random = hooks.random ?? Math.random;
  let d = backoff.durationMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isConflict(err) || n >= backoff.steps) throw err;
    }
    await sleep(backoff.jitter > 0 ? d + random() * backoff.jitter * d : d);
    if (backoff.factor !== 0) d *= backoff.factor;
  }
}
