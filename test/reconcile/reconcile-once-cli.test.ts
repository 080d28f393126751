import { completeReconcileOnce, renderPassLine } from '../../src/cli/rollout-reconcile-once.js';
import { UsageError } from '../../src/cli/errors.js';

describe('reconcile-once options', () => {
  it.each([
    [[], {}, /give ROLLOUT/],
    [['a'], { all: true }, /not both/],
    [['a'], { output: 'yaml' }, /supports -o json/],
    [['deployment/x'], {}, /only work on rollouts/],
  ])('%j %j is a usage error', (args, opts, message) => {
    expect(() => completeReconcileOnce(args as string[], opts)).toThrow(UsageError);
    expect(() => completeReconcileOnce(args as string[], opts)).toThrow(message);
  });

  it('accepts names, --all and -A', () => {
    expect(completeReconcileOnce(['rollout/a', 'b'], { dryRun: true })).toEqual({ names: ['a', 'b'], all: false, allNamespaces: false, dryRun: true, output: undefined });
    expect(completeReconcileOnce([], { allNamespaces: true, output: 'json' })).toMatchObject({ names: [], allNamespaces: true, output: 'json' });
  });
});

describe('renderPassLine', () => {
  const plan = { writes: [], transition: { from: 'StepUpgrade', to: 'StepPaused' }, summary: 'step 1/3 StepUpgrade -> StepPaused' };
  it('names the writes, compacting many pods', () => {
    const written = ['deployments/d', 'pods/p1', 'pods/p2', 'pods/p3', 'pods/p4', 'rollouts/status'];
    expect(renderPassLine({ key: { namespace: 'ns', name: 'ro' }, plan, written, attempts: 1 }, { qualify: true, dryRun: false })).toBe(
      'ns/ro: step 1/3 StepUpgrade -> StepPaused (writes: deployments/d, pods ×4, rollouts/status)',
    );
    expect(renderPassLine({ key: { namespace: 'ns', name: 'ro' }, plan, written: [], attempts: 1 }, { qualify: false, dryRun: false })).toBe('ro: step 1/3 StepUpgrade -> StepPaused (no writes)');
  });
  it('a dry run says what it would write', () => {
    const p = { ...plan, writes: [{ op: 'updateStatus' as const, resource: 'rollouts' as const, object: { apiVersion: 'v', kind: 'Rollout', metadata: { name: 'ro' } } }] };
    expect(renderPassLine({ key: { namespace: 'ns', name: 'ro' }, plan: p, written: [], attempts: 1 }, { qualify: false, dryRun: true })).toBe('ro: step 1/3 StepUpgrade -> StepPaused (would write: rollouts/status)');
  });
});
