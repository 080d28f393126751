// The one controller work queue, as client-go's workqueue and controller-runtime use it: a key is
// queued once however often it is added; one key is never worked on twice at the same time (an add
// while it runs queues it again for after); the reconcile answers "look again after N ms" or
// throws (looked at again after errorRequeueMs). Level-based: a key says what to look at, not
// what changed. Time and timers come from an injected Clock.
import { type CancelTimer, type Clock, systemClock } from './clock.js';

/** How a queue works its keys. */
interface WorkQueueOptions {
  /** Reconciles one key: resolves to a delay to look at it again, or undefined for "only on the next add". */
  reconcile(key: string): Promise<number | undefined> | number | undefined;
  clock?: Clock;
  /** How many keys are reconciled at once (default 1). */
  workers?: number;
  /** When a reconcile that threw is tried again (default 1000 ms). */
  errorRequeueMs?: number;
  onError?: (key: string, err: unknown) => void;
}

/** Keys run back to back before the queue yields to I/O (so a storm cannot starve a server). */
const BURST = 500;

/** A deduplicating work queue with delayed adds. */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly order: string[] = [];
  /** Keys waiting: in `order`, or running and added again meanwhile. */
  private readonly dirty = new Set<string>();
  private readonly running = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly timers = new Map<string, { at: number; cancel: CancelTimer }>();
  private pumpPending = false;
  private ranSinceYield = 0;
  private stopped = false;

  constructor(private readonly opts: WorkQueueOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Queues `key` unless it is waiting already. Work starts on a later tick, never inside the caller. */
  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.running.has(key)) return; // queued again when the running reconcile ends
    this.order.push(key);
    this.schedulePump();
  }

  /** Queues `key` in `ms`; of two pending delays for one key the earlier wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.clock.setTimer(ms, () => {
      this.timers.delete(key);
      this.add(key);
    });
    this.timers.set(key, { at, cancel });
  }

  /** Drops the waiting keys and the timers; resolves when the running reconciles have ended. */
  async shutDown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.order.length = 0;
    this.dirty.clear();
    await Promise.allSettled([...this.inflight]);
  }

  private schedulePump(): void {
    if (this.pumpPending || this.stopped) return;
    this.pumpPending = true;
    this.clock.setTimer(0, () => {
      this.pumpPending = false;
      this.ranSinceYield = 0;
      this.pump();
    });
  }

  private pump(): void {
    const workers = this.opts.workers ?? 1;
    while (!this.stopped && this.running.size < workers && this.order.length > 0) {
      if (this.ranSinceYield++ >= BURST) {
        this.schedulePump();
        return;
      }
      const key = this.order.shift()!;
      const p = this.run(key);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  }

  private async run(key: string): Promise<void> {
    this.running.add(key);
    this.dirty.delete(key);
    let after: number | undefined;
    try {
      after = await this.opts.reconcile(key);
    } catch (err) {
      this.opts.onError?.(key, err);
      after = this.opts.errorRequeueMs ?? 1000;
    } finally {
      this.running.delete(key);
    }
    if (this.stopped) return;
    if (after !== undefined && after >= 0) this.addAfter(key, after);
    if (this.dirty.has(key)) this.order.push(key);
    this.pump();
  }
}
