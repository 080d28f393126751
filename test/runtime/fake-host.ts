// Host timers driven by hand, with Node's rule for delays: outside 1 … 2^31 − 1 ms a timer is set
// to 1 ms (so an unchained 30-day timer would fire at once, as it does in Node).
import { type Clock, clockOn, type HostTimers } from '../../src/runtime/clock.js';

const NODE_MAX = 2 ** 31 - 1;

/** Fake setTimeout/clearTimeout over a fake time that only moves with advance(). */
export class FakeHost implements HostTimers {
  now = 0;
  /** Every delay asked of setTimeout, after Node's clamping. */
  readonly requested: number[] = [];
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  setTimeout(fn: () => void, ms: number): unknown {
    const delay = ms >= 1 && ms <= NODE_MAX ? ms : 1;
    this.requested.push(delay);
    const t = { at: this.now + delay, seq: this.seq++, fn };
    this.timers.push(t);
    return t;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Timers due within `ms` from now. */
  dueWithin(ms: number): number {
    return this.timers.filter((t) => t.at <= this.now + ms).length;
  }

  /** Moves the time on by `ms`, firing each timer due on the way at its own time, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }

  /** A Clock on these timers (the same chaining as the process' clock). */
  clock(): Clock {
    return clockOn(this, () => this.now);
  }
}
