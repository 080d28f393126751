// The tables of list, plan and history (pure): kubectl's layout and age, and server text escaped.

import { escapeTerminal } from '../../src/render/escape.js';
import { listCells, listHeader } from '../../src/render/list-text.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { age, renderTable } from '../../src/render/table.js';
import { toRolloutListRow } from '../../src/rollout/list.js';
import { planRollout } from '../../src/rollout/plan.js';
import type { Rollout } from '../../src/rollout/types.js';
import { scenario } from '../fixtures/load.js';

const NOW = new Date('2026-11-27T10:00:00Z');

describe('table helpers', () => {
  it.each([
    ['2026-11-27T09:59:15Z', '45s'],
    ['2026-11-27T09:56:40Z', '3m20s'],
    ['2026-11-27T09:30:00Z', '30m'],
    ['2026-11-27T05:00:00Z', '5h'],
    ['2026-11-25T07:00:00Z', '2d3h'],
    ['2026-01-01T00:00:00Z', '330d'],
    [null, '<unknown>'],
  ])("age(%j) is kubectl's %s", (from, want) => {
    expect(age(from, NOW)).toBe(want);
  });

  it('escapes control characters: a message cannot set the title, clear the screen or fake a line', () => {
    expect(escapeTerminal('ok\u001b]0;pwned\u0007\u001b[2J\r\nfake')).toBe('ok^[]0;pwned\\x07^[[2J\\r\\nfake');
  });

  it('aligns columns three spaces apart with no trailing blanks', () => {
    expect(
      renderTable([
        ['A', 'BB', 'C'],
        ['xxx', 'y', ''],
      ]),
    ).toBe('A     BB   C\nxxx   y\n');
  });
});

describe('list rows', () => {
  it('the paused canary scenario: waiting for approval, message escaped in -o wide', () => {
    const { rollout } = scenario('canary-step-paused');
    rollout.status!.message = 'step 1\u001b[32m completed';
    const row = toRolloutListRow(rollout);
    const columns = { allNamespaces: true, wide: true };
    const cells = listCells(row, columns, NOW);
    expect(listHeader(columns)).toEqual([
      'NAMESPACE',
      'NAME',
      'PHASE',
      'STEP',
      'STATE',
      'APPROVAL',
      'AGE',
      'STYLE',
      'WORKLOAD',
      'STABLE',
      'CANARY',
      'MESSAGE',
    ]);
    expect(cells.slice(1, 6)).toEqual([rollout.metadata.name, 'Progressing', '1/3', 'StepPaused', 'waiting']);
    expect(cells.at(-1)).toBe('step 1^[[32m completed');
  });
});

describe('plan text', () => {
  it('adds a TRAFFIC column when the Rollout routes traffic', () => {
    const { rollout } = scenario('canary-step-paused');
    const ro = structuredClone(rollout) as Rollout;
    ro.spec.strategy!.canary!.trafficRoutings = [{ service: 'svc', ingress: { name: 'ing' } }];
    ro.spec.strategy!.canary!.steps = [
      { replicas: 1, traffic: '5%' },
      { replicas: '50%', traffic: '50%', pause: { duration: 0 } },
      { replicas: '100%' },
    ];
    expect(
      renderPlanText(planRollout(ro, 10, 'workload'))
        .split('\n')
        .slice(1),
    ).toEqual([
      'STEP   REPLICAS   UPDATED   STABLE   TRAFFIC   PAUSE',
      '1      1          1         9        5%        wait for approval',
      '2      50%        5         5        50%       none',
      '3      100%       10        0        -         none (release completes)',
      '',
    ]);
  });
});
