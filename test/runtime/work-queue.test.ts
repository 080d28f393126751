// The work queue on fake timers: dedup, one reconcile per key at a time, requeue after N ms, errors
// retried, shut down. Nothing here waits for real time.
import { WorkQueue } from '../../src/runtime/work-queue.js';
import { FakeHost } from './fake-host.js';

/** Lets pending promise callbacks run (no time passes on the fake clock). */
const settle = () => new Promise<void>((r) => setImmediate(r));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Advances the fake time and lets the reconciles it started run. */
async function step(host: FakeHost, ms = 1) {
  host.advance(ms);
  await settle();
}

describe('WorkQueue', () => {
  it('runs a key once however often it was added, on a later tick, not inside add', async () => {
    const host = new FakeHost();
    const seen: string[] = [];
    const q = new WorkQueue({ reconcile: (k) => void seen.push(k), clock: host.clock() });
    q.add('a');
    q.add('b');
    q.add('a');
    expect(seen).toEqual([]);
    await step(host);
    expect(seen).toEqual(['a', 'b']);
    await step(host, 60_000);
    expect(seen).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once: adds during a run make one more run after it', async () => {
    const host = new FakeHost();
    const gate = deferred();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const q = new WorkQueue({
      workers: 4,
      clock: host.clock(),
      reconcile: async () => {
        runs++;
        maxActive = Math.max(maxActive, ++active);
        if (runs === 1) await gate.promise;
        active--;
        return undefined;
      },
    });
    q.add('a');
    await step(host);
    q.add('a');
    q.add('a');
    await step(host);
    expect(runs).toBe(1);
    gate.resolve();
    await settle();
    await step(host);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('different keys run side by side, up to `workers`', async () => {
    const host = new FakeHost();
    const gate = deferred();
    const started: string[] = [];
    const q = new WorkQueue({
      workers: 2,
      clock: host.clock(),
      reconcile: async (k) => {
        started.push(k);
        await gate.promise;
        return undefined;
      },
    });
    for (const k of ['a', 'b', 'c']) q.add(k);
    await step(host);
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await settle();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('requeue after: the key comes back when the fake time reaches it, not before', async () => {
    const host = new FakeHost();
    const at: number[] = [];
    const q = new WorkQueue({
      clock: host.clock(),
      reconcile: () => {
        at.push(host.now);
        return at.length === 1 ? 30_000 : undefined;
      },
    });
    q.add('paused');
    await step(host);
    expect(at).toEqual([1]);
    await step(host, 29_999);
    expect(at).toEqual([1]);
    await step(host, 1);
    await step(host);
    expect(at).toEqual([1, 30_002]);
    await step(host, 3600_000);
    expect(at).toHaveLength(2);
  });

  it('a requeue longer than 2^31 ms waits its whole time (30 days)', async () => {
    const host = new FakeHost();
    const DAYS_30 = 30 * 24 * 3600_000;
    let runs = 0;
    const q = new WorkQueue({ clock: host.clock(), reconcile: () => (++runs === 1 ? DAYS_30 : undefined) });
    q.add('k');
    await step(host);
    await step(host, DAYS_30 - 10);
    expect(runs).toBe(1);
    await step(host, 10);
    await step(host);
    expect(runs).toBe(2);
  });

  it('of two delayed adds for one key the earlier wins; a later one does not postpone it', async () => {
    const host = new FakeHost();
    const at: number[] = [];
    const q = new WorkQueue({ clock: host.clock(), reconcile: () => void at.push(host.now) });
    q.addAfter('k', 5000);
    q.addAfter('k', 1000);
    q.addAfter('k', 9000);
    await step(host, 1000);
    await step(host);
    expect(at).toEqual([1001]);
    await step(host, 20_000);
    expect(at).toEqual([1001]);
  });

  it('a reconcile that throws is reported and tried again after errorRequeueMs', async () => {
    const host = new FakeHost();
    const errors: string[] = [];
    let runs = 0;
    const q = new WorkQueue({
      clock: host.clock(),
      errorRequeueMs: 1000,
      onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`),
      reconcile: () => {
        if (++runs === 1) throw new Error('boom');
        return undefined;
      },
    });
    q.add('k');
    await step(host);
    expect(errors).toEqual(['k: boom']);
    await step(host, 999);
    expect(runs).toBe(1);
    await step(host, 1);
    await step(host, 1);
    expect(runs).toBe(2);
  });

  it('shutDown waits for the running reconcile, then nothing runs: no adds, no timers', async () => {
    const host = new FakeHost();
    const gate = deferred();
    let runs = 0;
    let finished = false;
    const q = new WorkQueue({
      clock: host.clock(),
      reconcile: async () => {
        ++runs;
        await gate.promise;
        finished = true;
        return 10;
      },
    });
    q.add('a');
    q.addAfter('b', 500);
    await step(host);
    const down = q.shutDown();
    let done = false;
    void down.then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    gate.resolve();
    await down;
    expect(finished).toBe(true);
    q.add('c');
    await step(host, 10_000);
    expect(runs).toBe(1);
    expect(host.pending).toBe(0);
  });
});
