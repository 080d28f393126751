import { parseLabelSelector } from '../../src/sandbox/selectors.js';
import { formatLabelSelector, matchesLabels, matchesSelector } from '../../src/workload/label-selector.js';
import type { LabelSelector } from '../../src/workload/types.js';

const selector: LabelSelector = {
  matchLabels: { app: 'web' },
  matchExpressions: [
    { key: 'tier', operator: 'In', values: ['a', 'b'] },
    { key: 'zone', operator: 'NotIn', values: ['x'] },
    { key: 'owner', operator: 'Exists' },
    { key: 'legacy', operator: 'DoesNotExist' },
  ],
};

describe('label selectors: one matcher for the object and the text form', () => {
  test('formats as metav1.FormatLabelSelector: Exists is the bare key, DoesNotExist is !key', () => {
    expect(formatLabelSelector(selector)).toBe('app=web,tier in (a,b),zone notin (x),owner,!legacy');
    expect(formatLabelSelector({})).toBe('');
  });

  test.each([
    [{ app: 'web', tier: 'a', owner: 'me' }, true],
    [{ app: 'web', tier: 'c', owner: 'me' }, false],
    [{ app: 'web', tier: 'a', zone: 'x', owner: 'me' }, false],
    [{ app: 'web', tier: 'a' }, false],
    [{ app: 'web', tier: 'a', owner: 'me', legacy: '' }, false],
    [{ app: 'api', tier: 'a', owner: 'me' }, false],
  ])('%p: the object and its text agree (%p)', (labels, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected);
    expect(matchesLabels(labels, parseLabelSelector(formatLabelSelector(selector)))).toBe(expected);
  });

  test('no selector selects nothing, an empty one everything, an unknown operator nothing', () => {
    expect(matchesSelector({ app: 'web' }, undefined)).toBe(false);
    expect(matchesSelector({ app: 'web' }, {})).toBe(true);
    expect(matchesSelector({ app: 'web' }, { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] })).toBe(false);
  });
});
