import { completeWatch } from '../../src/cli/rollout-watch.js';
import { completeStatus } from '../../src/cli/rollout-status.js';
import { UsageError } from '../../src/cli/errors.js';

describe('completeWatch', () => {
  test.each([
    [['rollout/a'], {}, { names: ['a'], until: 'completed', output: 'text', timeoutMs: undefined, step: undefined, rolloutId: undefined }],
    [['a', 'ro/b'], { until: 'paused', step: '2', timeout: '1m30s', output: 'json', rolloutId: 'r1' }, { names: ['a', 'b'], until: 'paused', step: 2, timeoutMs: 90_000, output: 'json', rolloutId: 'r1' }],
    [['a'], { until: 'ready', step: '1', timeout: '0' }, { until: 'ready', step: 1, timeoutMs: undefined }],
  ])('%p %p', (args, opts, expected) => {
    expect(completeWatch(args, opts)).toMatchObject(expected);
  });
  test.each([
    [[], {}, 'required resource not specified'],
    [['a'], { until: 'done' }, '--until must be one of'],
    [['a'], { until: 'paused', step: '0' }, '--step must be a step index'],
    [['a'], { until: 'paused', step: 'x' }, '--step must be a step index'],
    [['a'], { step: '1' }, '--step applies to --until paused or --until ready'],
    [['a'], { timeout: 'soon' }, 'invalid --timeout "soon"'],
    [['a'], { output: 'yaml' }, 'allowed formats are: json'],
    [['deployment/a'], {}, 'only work on rollouts'],
  ])('%p %p → usage error', (args, opts, message) => {
    expect(() => completeWatch(args as string[], opts)).toThrow(UsageError);
    expect(() => completeWatch(args as string[], opts)).toThrow(message);
  });
});

describe('completeStatus', () => {
  test('names and output', () => {
    expect(completeStatus(['rollout', 'a', 'b'], { output: 'yaml' })).toEqual({ names: ['a', 'b'], output: 'yaml' });
    expect(completeStatus(['a'], {})).toEqual({ names: ['a'], output: 'text' });
  });
  test.each([
    [{ output: 'wide' }, 'allowed formats are: json, yaml'],
    [{ timeout: '1m' }, '--timeout applies to --watch'],
  ])('%p → usage error', (opts, message) => {
    expect(() => completeStatus(['a'], opts)).toThrow(message);
  });
});
