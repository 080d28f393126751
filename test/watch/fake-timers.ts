// Manual timers for the watch's Timers interface: nothing fires until the test advances time.
import type { Timers } from '../../src/kube/follow.js';

/** A queue of timers run by advance(); `pending` tells what is scheduled. */
export class FakeTimers implements Timers {
  private queue: { id: number; at: number; fn: () => void }[] = [];
  private nextId = 1;
  now = 0;

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ id, at: this.now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }

  /** How many timers are scheduled. */
  get pending(): number {
    return this.queue.length;
  }

  /** How many timers are due within `ms` from now (0: the ones the next advance(0) runs). */
  dueWithin(ms: number): number {
    return this.queue.filter((t) => t.at <= this.now + ms).length;
  }

  /** Moves time forward by `ms`, running every timer due (also ones scheduled while running), in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = this.queue.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.queue = this.queue.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = target;
  }
}
