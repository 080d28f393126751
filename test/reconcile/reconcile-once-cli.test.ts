import { UsageError } from '../../src/cli/errors.js';
import { FlagError } from '../../src/cli/flags.js';
import { renderPassLine } from '../../src/cli/rollout-reconcile-once.js';
import {
  completeReconcileOnce,
  ReconcileOnceError,
  type ReconcileOnceFlags,
  validateReconcileOnce,
} from '../../src/cli/rollout-reconcile-once-options.js';

const options = (args: string[], flags: ReconcileOnceFlags) => {
  const o = completeReconcileOnce(args, flags);
  validateReconcileOnce(o);
  return o;
};

describe('reconcile-once options', () => {
  it.each([
    [[], {}, ReconcileOnceError.nothingSelected],
    [['a'], { all: true }, ReconcileOnceError.namesAndAll],
    [['a'], { output: 'yaml' }, FlagError.output('yaml', ['json'])],
    [['deployment/x'], {}, /only work on rollouts/],
  ])('%j %j is a usage error', (args, flags, message) => {
    expect(() => options(args as string[], flags)).toThrow(UsageError);
    expect(() => options(args as string[], flags)).toThrow(message);
  });

  it('accepts names, --all and -A', () => {
    expect(options(['rollout/a', 'b'], { dryRun: true })).toMatchObject({
      names: ['a', 'b'],
      all: false,
      allNamespaces: false,
      dryRun: true,
      output: undefined,
    });
    expect(options([], { allNamespaces: true, output: 'json' })).toMatchObject({ names: [], allNamespaces: true, output: 'json' });
  });
});

describe('renderPassLine', () => {
  const plan = { writes: [], transition: { from: 'StepUpgrade', to: 'StepPaused' }, summary: 'step 1/3 StepUpgrade -> StepPaused' };
  it('names the writes, compacting many pods', () => {
    const written = ['deployments/d', 'pods/p1', 'pods/p2', 'pods/p3', 'pods/p4', 'rollouts/status'];
    expect(renderPassLine({ key: { namespace: 'ns', name: 'ro' }, plan, written, attempts: 1 }, { qualify: true, dryRun: false })).toBe(
      'ns/ro: step 1/3 StepUpgrade -> StepPaused (writes: deployments/d, pods ×4, rollouts/status)',
    );
    expect(
      renderPassLine({ key: { namespace: 'ns', name: 'ro' }, plan, written: [], attempts: 1 }, { qualify: false, dryRun: false }),
    ).toBe('ro: step 1/3 StepUpgrade -> StepPaused (no writes)');
  });
  it('a dry run says what it would write', () => {
    const p = {
      ...plan,
      writes: [
        {
          op: 'updateStatus' as const,
          resource: 'rollouts' as const,
          object: { apiVersion: 'v', kind: 'Rollout', metadata: { name: 'ro' } },
        },
      ],
    };
    expect(
      renderPassLine({ key: { namespace: 'ns', name: 'ro' }, plan: p, written: [], attempts: 1 }, { qualify: false, dryRun: true }),
    ).toBe('ro: step 1/3 StepUpgrade -> StepPaused (would write: rollouts/status)');
  });
});
