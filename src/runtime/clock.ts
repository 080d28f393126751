// The one timer helper: the time and the timers that controllers and queues run on, behind a small
// interface so tests drive them by hand. Delays of 2^31 ms and more are chained, because Node's
// setTimeout fires such a timer at once.

/** Stops a timer; calling it after the timer fired, or twice, does nothing. */
export type CancelTimer = () => void;

/** The time in ms (Date.now() scale) and one-shot timers. */
export interface Clock {
  now(): number;
  /** Calls `fn` once, `ms` from now (at once for 0, negative or NaN; never for Infinity). */
  setTimer(ms: number, fn: () => void): CancelTimer;
}

/** The longest delay one host timer honours (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** setTimeout/clearTimeout as the host provides them. */
export interface HostTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A Clock on host timers: a long delay becomes a chain of timers of at most MAX_TIMER_MS each. */
export function clockOn(host: HostTimers, now: () => number): Clock {
  return {
    now,
    setTimer(ms, fn) {
      let handle: unknown;
      let live = true;
      const arm = (left: number): void => {
        const step = Math.min(left, MAX_TIMER_MS);
        handle = host.setTimeout(() => {
          if (!live) return;
          if (left > MAX_TIMER_MS) return arm(left - MAX_TIMER_MS);
          live = false;
          fn();
        }, step);
      };
      if (ms === Infinity) return () => undefined;
      arm(Number.isNaN(ms) || ms < 0 ? 0 : ms);
      return () => {
        if (!live) return;
        live = false;
        host.clearTimeout(handle);
      };
    },
  };
}

/** The process' clock. Its timers do not keep the process alive (a server or a command does). */
export const systemClock: Clock = clockOn(
  {
    setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  },
  () => Date.now(),
);

/**
 * The process' clock for a command that waits: its timers keep the process alive, so a command
 * between two retries, or waiting for its --timeout, is not ended by an empty event loop.
 */
export const commandClock: Clock = clockOn(
  {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  },
  () => Date.now(),
);

/** Waits `ms` on `clock`, or less when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(ms, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
