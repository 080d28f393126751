import { Chalk } from 'chalk';
import type { KubeObject } from '../../src/kube/types.js';
import {
  ENTER_ALT_SCREEN,
  fitLine,
  HIDE_CURSOR,
  LEAVE_ALT_SCREEN,
  LiveRegion,
  SHOW_CURSOR,
  screenFrame,
  visibleLength,
} from '../../src/render/live.js';
import { foldToRows, renderLiveFrame } from '../../src/render/live-frame.js';
import { toRolloutView } from '../../src/rollout/view.js';
import { scenario } from '../fixtures/load.js';

const plain = new Chalk({ level: 0 });
const NOW = new Date('2026-11-27T10:00:00Z');

describe('screenFrame', () => {
  test('from the top-left corner, each line cleared to its end, the rest of the screen cleared; no newline after the last row', () => {
    expect(screenFrame(['a', 'b'])).toBe('\x1b[Ha\x1b[K\r\nb\x1b[K\x1b[J');
  });
  test('long lines are cut to the terminal width so one line stays one row', () => {
    expect(fitLine('abcdefghij', 6)).toBe('abcd…');
    expect(fitLine('abc', 6)).toBe('abc');
    expect(fitLine('\x1b[32mabcdefghij\x1b[39m', 6)).toBe('abcd…');
    expect(visibleLength('\x1b[32m✔\x1b[39m ok')).toBe(4);
  });
});

describe('LiveRegion', () => {
  test('draws on the alternate screen; at the end the normal screen comes back with the last frame printed once', () => {
    let out = '';
    const region = new LiveRegion({ write: (s: string) => (out += s), columns: 80, rows: 24 });
    region.draw(['one', 'two']);
    region.draw(['three']);
    region.end(['three']);
    expect(out).toBe(
      `${ENTER_ALT_SCREEN}${HIDE_CURSOR}${screenFrame(['one', 'two'])}${screenFrame(['three'])}${LEAVE_ALT_SCREEN}${SHOW_CURSOR}three\n`,
    );
  });
});

describe('foldToRows', () => {
  const body = [
    { lines: ['s1', 's2', 's3'], noun: 'steps' },
    { lines: ['p1', 'p2', 'p3', 'p4', 'p5'], noun: 'pods' },
    { lines: ['c1', 'c2'], noun: 'conditions' },
  ];
  test('everything when it fits', () => {
    expect(foldToRows(['h'], body, ['f'], 20)).toEqual(['h', 's1', 's2', 's3', 'p1', 'p2', 'p3', 'p4', 'p5', 'c1', 'c2', 'f']);
  });
  test('header and footer stay, the middle folds with a count of what was left out', () => {
    expect(foldToRows(['h1', 'h2'], body, ['f'], 8)).toEqual(['h1', 'h2', 's1', 's2', 's3', 'p1', '… 4 more pods, 2 more lines', 'f']);
    expect(foldToRows(['h1', 'h2'], body, ['f'], 3)).toEqual(['h1', 'h2', 'f']);
    expect(foldToRows(['h1', 'h2'], body, ['f'], 2)).toEqual(['h1', 'f']);
    expect(foldToRows(['h1', 'h2'], body, ['f1', 'f2'], 1)).toEqual(['f2']);
  });
  test('blocks that fill the space exactly leave room for the note of what follows', () => {
    expect(foldToRows(['h'], body, ['f'], 10)).toEqual(['h', 's1', 's2', 's3', 'p1', 'p2', 'p3', 'p4', '… 3 more lines', 'f']);
  });
  test('never more lines than asked, whatever the size', () => {
    for (let max = 1; max <= 20; max++) expect(foldToRows(['h1', 'h2'], body, ['f1', 'f2'], max).length).toBeLessThanOrEqual(max);
  });
});

describe('renderLiveFrame', () => {
  const { rollout, workload } = scenario('canary-step-paused');
  const view = toRolloutView(rollout, workload, NOW);
  const base = { waitingLabel: 'Waiting for completed:', elapsedSeconds: 7, reconnectingSeconds: null, chalk: plain, columns: 60 };

  test.each([
    [20, 60],
    [24, 80],
    [10, 40],
  ])('never more lines than the terminal has rows (%i rows), header and footer kept', (rows, columns) => {
    const lines = renderLiveFrame({
      ...base,
      rows,
      columns,
      entries: [{ name: 'rollouts-demo', view, reason: 'the release is in progress' }],
    });
    expect(lines.length).toBeLessThanOrEqual(rows);
    expect(lines[0]).toBe('Name:         rollouts-demo');
    expect(lines.at(-2)).toBe('Waiting for completed: the release is in progress');
    expect(lines.at(-1)).toBe('Elapsed: 7s');
  });

  test('a lost connection is shown with its duration', () => {
    const lines = renderLiveFrame({ ...base, rows: 24, reconnectingSeconds: 4, entries: [{ name: 'rollouts-demo', view, reason: 'x' }] });
    expect(lines.at(-1)).toBe('Elapsed: 7s  ⚠ reconnecting (4s)');
  });

  test('several rollouts: one summary line each, the one asked for in full below', () => {
    const entries = ['a', 'b', 'c'].map((name) => ({ name, view: { ...view, name }, reason: 'the release is in progress' }));
    const summary = renderLiveFrame({ ...base, rows: 24, entries });
    expect(summary).toHaveLength(5);
    expect(summary[0]).toMatch(/^ {2}a Progressing step 1\/3 StepPaused/);
    expect(summary.at(-2)).toBe('Waiting for completed: 3 rollouts, 3 waiting for approval');
    const detailed = renderLiveFrame({ ...base, rows: 20, entries, detail: 'b' });
    expect(detailed.length).toBeLessThanOrEqual(20);
    expect(detailed[1]).toMatch(/^▸ b /);
    expect(detailed).toContain('Name:         b');
  });

  test('the timed-pause countdown moves with the clock', () => {
    const r = structuredClone(rollout);
    r.spec.strategy!.canary!.steps![0]!.pause = { duration: 60 };
    const at = (iso: string) =>
      renderLiveFrame({
        ...base,
        rows: 24,
        entries: [{ name: 'x', view: toRolloutView(r, workload as KubeObject, new Date(iso)), reason: '' }],
      }).find((l) => l.startsWith('Release:'));
    expect(at('2026-11-27T10:00:00Z')).toBe('Release:      next step in 30s');
    expect(at('2026-11-27T10:00:11Z')).toBe('Release:      next step in 19s');
  });
});
