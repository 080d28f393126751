import { UsageError } from '../../src/cli/errors.js';
import { FlagError } from '../../src/cli/flags.js';
import { completeStatus, StatusError, type StatusFlags, validateStatus } from '../../src/cli/rollout-status-options.js';
import { completeWatch, validateWatch, WatchError, type WatchFlags } from '../../src/cli/rollout-watch-options.js';

const watchOptions = (args: string[], flags: WatchFlags) => {
  const o = completeWatch(args, flags);
  validateWatch(o);
  return o;
};
const statusOptions = (args: string[], flags: StatusFlags) => {
  const o = completeStatus(args, flags);
  validateStatus(o);
  return o;
};

describe('completeWatch', () => {
  test.each([
    [['rollout/a'], {}, { names: ['a'], until: 'completed', output: 'text', timeoutMs: undefined, step: undefined, rolloutId: undefined }],
    [
      ['a', 'ro/b'],
      { until: 'paused', step: '2', timeout: '1m30s', output: 'json', rolloutId: 'r1' },
      { names: ['a', 'b'], until: 'paused', step: 2, timeoutMs: 90_000, output: 'json', rolloutId: 'r1' },
    ],
    [['a'], { until: 'ready', step: '1', timeout: '0' }, { until: 'ready', step: 1, timeoutMs: undefined }],
  ])('%p %p', (args, flags, expected) => {
    expect(watchOptions(args, flags)).toMatchObject(expected);
  });
  test.each([
    [[], {}, 'required resource not specified: give rollout/NAME (or NAME)'],
    [['a'], { until: 'done' }, FlagError.choice('--until <condition>', 'done', ['completed', 'paused', 'ready'])],
    [['a'], { until: 'paused', step: '0' }, FlagError.step('0')],
    [['a'], { until: 'paused', step: 'x' }, FlagError.step('x')],
    [['a'], { step: '1' }, WatchError.stepWithCompleted],
    [['a'], { timeout: 'soon' }, FlagError.duration('--timeout', 'soon')],
    [['a'], { output: 'yaml' }, FlagError.output('yaml', ['json'])],
    [['a'], { rolloutId: '' }, FlagError.rolloutIdEmpty],
    [['deployment/a'], {}, 'rollout commands only work on rollouts.rollouts.kruise.io, not "deployment"'],
  ])('%p %p → usage error', (args, flags, message) => {
    expect(() => watchOptions(args as string[], flags)).toThrow(UsageError);
    expect(() => watchOptions(args as string[], flags)).toThrow(message);
  });
});

describe('completeStatus', () => {
  test('names and output', () => {
    expect(statusOptions(['rollout', 'a', 'b'], { output: 'yaml' })).toMatchObject({ names: ['a', 'b'], output: 'yaml' });
    expect(statusOptions(['a'], {})).toMatchObject({ names: ['a'], output: 'text' });
    expect(statusOptions(['a'], {}).watch).toBeUndefined();
  });
  test('-w is a watch until completed', () => {
    expect(statusOptions(['a'], { watch: true, timeout: '1m', output: 'json' }).watch).toMatchObject({
      names: ['a'],
      until: 'completed',
      timeoutMs: 60_000,
      output: 'json',
    });
  });
  test.each([
    [{ output: 'wide' }, FlagError.output('wide', ['json', 'yaml'])],
    [{ timeout: '1m' }, StatusError.timeoutWithoutWatch],
    [{ watch: true, output: 'yaml' }, StatusError.watchYaml],
    [{ watch: true, timeout: 'soon' }, FlagError.duration('--timeout', 'soon')],
  ])('%p → usage error', (flags, message) => {
    expect(() => statusOptions(['a'], flags)).toThrow(UsageError);
    expect(() => statusOptions(['a'], flags)).toThrow(message);
  });
});
