// The timer helper: one-shot timers on injected host timers, chained past Node's 2^31 − 1 ms limit.
import { MAX_TIMER_MS } from '../../src/runtime/clock.js';
import { FakeHost } from './fake-host.js';

describe('clock timers', () => {
  it('fires once, at its time, not before', () => {
    const host = new FakeHost();
    const fired: number[] = [];
    host.clock().setTimer(1500, () => fired.push(host.now));
    host.advance(1499);
    expect(fired).toEqual([]);
    host.advance(10_000);
    expect(fired).toEqual([1500]);
  });

  it.each([
    ['2^31 ms', 2 ** 31],
    ['30 days', 30 * 24 * 3600_000],
    ['a year', 365 * 24 * 3600_000],
  ])('a delay of %s is chained, and fires at its time, not at once', (_what, ms) => {
    const host = new FakeHost();
    const fired: number[] = [];
    host.clock().setTimer(ms, () => fired.push(host.now));
    expect(host.requested[0]).toBe(MAX_TIMER_MS);
    host.advance(1);
    host.advance(ms - 2);
    expect(fired).toEqual([]);
    host.advance(1);
    expect(fired).toEqual([ms]);
    expect(host.requested.every((d) => d <= MAX_TIMER_MS)).toBe(true);
    expect(host.pending).toBe(0);
  });

  it('cancel stops a chained timer between links, and is idempotent', () => {
    const host = new FakeHost();
    let fired = 0;
    const cancel = host.clock().setTimer(MAX_TIMER_MS * 3, () => fired++);
    host.advance(MAX_TIMER_MS + 5); // into the second link
    cancel();
    cancel();
    host.advance(MAX_TIMER_MS * 5);
    expect(fired).toBe(0);
    expect(host.pending).toBe(0);
  });

  it('0, negative and NaN fire on the next timer tick; Infinity never', () => {
    const host = new FakeHost();
    const fired: string[] = [];
    const clock = host.clock();
    clock.setTimer(0, () => fired.push('0'));
    clock.setTimer(-5, () => fired.push('-5'));
    clock.setTimer(NaN, () => fired.push('NaN'));
    clock.setTimer(Infinity, () => fired.push('Infinity'));
    expect(fired).toEqual([]);
    host.advance(1);
    expect(fired).toEqual(['0', '-5', 'NaN']);
    expect(host.pending).toBe(0);
  });
});
