// Table tests for the pure plans: planApprove, recheckAfterConflict, planPause, planResume, parseRolloutArgs.

import { UsageError } from '../../src/cli/errors.js';
import { parseRolloutArgs } from '../../src/cli/resource-args.js';
import { type ApproveGuards, planApprove, recheckAfterConflict } from '../../src/rollout/approve.js';
import { planPause, planResume } from '../../src/rollout/pause.js';
import type { Rollout, StepStatus } from '../../src/rollout/types.js';

const NOW = new Date('2026-11-27T10:00:00.123Z');

function rollout(sub: Partial<StepStatus> | undefined, opts: { blueGreen?: boolean; apiVersion?: string; paused?: boolean } = {}): Rollout {
  const full: StepStatus | undefined = sub && {
    observedWorkloadGeneration: 3,
    observedRolloutID: 'r1',
    canaryRevision: 'rev2',
    podTemplateHash: 'rev2',
    currentStepIndex: 1,
    nextStepIndex: 2,
    finalisingStep: '',
    currentStepState: 'StepPaused',
    message: 'BatchRelease is at state Ready, rollout-id r1, step 1',
    lastUpdateTime: '2026-11-27T09:00:00Z',
    canaryReplicas: 1,
    canaryReadyReplicas: 1,
    ...sub,
  };
  return {
    apiVersion: opts.apiVersion ?? 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name: 'demo', namespace: 'default', resourceVersion: '5' },
    spec: { strategy: { paused: opts.paused, canary: { steps: [{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }] } } },
    status: {
      phase: 'Progressing',
      message: 'Rollout is in step(1/3), and you need manually confirm to enter the next step',
      ...(full ? { currentStepIndex: full.currentStepIndex, currentStepState: full.currentStepState } : {}),
      ...(full ? (opts.blueGreen ? { blueGreenStatus: full } : { canaryStatus: full }) : {}),
    },
  };
}

describe('planApprove', () => {
  const NOT_PAUSED = "does not allow to approve, because current canary state is not 'StepPaused'";
  const cases: [string, Rollout, ApproveGuards, string][] = [
    ['paused canary, no guards', rollout({}), {}, 'write'],
    ['paused canary, --step matches', rollout({}), { step: 1 }, 'write'],
    ['paused canary, --rollout-id matches', rollout({}), { rolloutId: 'r1' }, 'write'],
    ['no sub-status', rollout(undefined), {}, 'refuse:no need to approve: not in canary or blue-green progress'],
    // The refusal says the real state and the command that waits for the step to pause.
    [
      'StepUpgrade',
      rollout({ currentStepState: 'StepUpgrade' }),
      {},
      `refuse:${NOT_PAUSED}: step 1/3 is StepUpgrade (updated 1, ready 1); wait with: kubectl kruise rollout watch demo --until paused --step 1`,
    ],
    [
      'StepReady without --step',
      rollout({ currentStepState: 'StepReady' }),
      {},
      `refuse:${NOT_PAUSED}: step 1/3 is StepReady (updated 1, ready 1); wait with: kubectl kruise rollout watch demo --until paused --step 2`,
    ],
    [
      '--step past the last step',
      rollout({}),
      { step: 9 },
      'refuse:does not allow to approve step 9: step 9 does not exist (the rollout has 3 steps)',
    ],
    [
      'completed: nothing to approve, no command to wait with',
      rollout({ currentStepIndex: 3, currentStepState: 'Completed' }),
      {},
      `refuse:${NOT_PAUSED}: step 3/3 is Completed (updated 1, ready 1): the release is complete, there is nothing to approve`,
    ],
    [
      'blue-green StepUpgrade',
      rollout({ currentStepState: 'StepUpgrade' }, { blueGreen: true }),
      {},
      "refuse:does not allow to approve, because current blue-green state is not 'StepPaused': step 1/3 is StepUpgrade (updated 0, ready 0); wait with: kubectl kruise rollout watch demo --until paused --step 1",
    ],
    ['StepReady at --step N', rollout({ currentStepState: 'StepReady' }), { step: 1 }, 'noop'],
    ['past --step N', rollout({ currentStepIndex: 2, currentStepState: 'StepPaused' }), { step: 1 }, 'noop'],
    ['Completed at the last step', rollout({ currentStepIndex: 3, currentStepState: 'Completed' }), { step: 3 }, 'noop'],
    [
      'before --step N',
      rollout({ currentStepIndex: 1 }),
      { step: 2 },
      'refuse:does not allow to approve step 2: the rollout is at step 1 (StepPaused)',
    ],
    [
      'upgrading at --step N',
      rollout({ currentStepIndex: 2, currentStepState: 'StepUpgrade' }),
      { step: 2 },
      `refuse:${NOT_PAUSED}: step 2/3 is StepUpgrade (updated 1, ready 1); wait with: kubectl kruise rollout watch demo --until paused --step 2`,
    ],
    [
      'wrong --rollout-id',
      rollout({}),
      { rolloutId: 'r2' },
      'refuse:does not allow to approve: the status belongs to "r1", not rollout-id "r2"',
    ],
    [
      'wrong --rollout-id beats --step noop',
      rollout({ currentStepIndex: 3 }),
      { rolloutId: 'r2', step: 1 },
      'refuse:does not allow to approve: the status belongs to "r1", not rollout-id "r2"',
    ],
  ];
  it.each(cases)('%s', (_what, ro, guards, want) => {
    const plan = planApprove(ro, guards, NOW);
    const got = plan.kind === 'refuse' ? `refuse:${plan.message}` : plan.kind;
    expect(got).toBe(want);
  });

  it('changes exactly the state, the lastUpdateTime and the v1beta1 mirror', () => {
    const ro = rollout({});
    const before = structuredClone(ro);
    const plan = planApprove(ro, {}, NOW);
    if (plan.kind !== 'write') throw new Error(plan.kind);
    expect(ro).toEqual(before); // the input is not mutated
    const expected = structuredClone(before);
    expected.status!.canaryStatus!.currentStepState = 'StepReady';
    expected.status!.canaryStatus!.lastUpdateTime = '2026-11-27T10:00:00Z';
    expected.status!.currentStepState = 'StepReady';
    expect(plan.object).toEqual(expected);
    expect(plan.target).toEqual({ stepIndex: 1, rolloutId: 'r1' });
  });

  it('writes blueGreenStatus for blue-green, and no top-level mirror for v1alpha1', () => {
    const bg = planApprove(rollout({}, { blueGreen: true }), {}, NOW);
    if (bg.kind !== 'write') throw new Error(bg.kind);
    expect(bg.object.status!.blueGreenStatus!.currentStepState).toBe('StepReady');
    expect(bg.object.status!.canaryStatus).toBeUndefined();
    const alphaIn = rollout({}, { apiVersion: 'rollouts.kruise.io/v1alpha1' });
    delete alphaIn.status!.currentStepIndex;
    delete alphaIn.status!.currentStepState;
    const alpha = planApprove(alphaIn, {}, NOW);
    if (alpha.kind !== 'write') throw new Error(alpha.kind);
    expect(alpha.object.status!.canaryStatus!.currentStepState).toBe('StepReady');
    expect('currentStepState' in alpha.object.status!).toBe(false);
  });
});

describe('recheckAfterConflict: a retry never approves a step the user did not see', () => {
  const first = { stepIndex: 1, rolloutId: 'r1' };
  it.each([
    ['same step, still paused: go ahead', rollout({}), {}, 'write'],
    [
      'moved on, paused at the next step: refuse',
      rollout({ currentStepIndex: 2 }),
      {},
      'refuse:the rollout moved on to step 2 while approving; nothing was written',
    ],
    [
      'moved on, upgrading: refuse with the move',
      rollout({ currentStepIndex: 2, currentStepState: 'StepUpgrade' }),
      {},
      'refuse:the rollout moved on to step 2 while approving; nothing was written',
    ],
    ['moved on with --step: already approved', rollout({ currentStepIndex: 2 }), { step: 1 }, 'noop'],
    ['approved by someone else with --step: already approved', rollout({ currentStepState: 'StepReady' }), { step: 1 }, 'noop'],
    [
      'approved by someone else: the usual refusal',
      rollout({ currentStepState: 'StepReady' }),
      {},
      "refuse:does not allow to approve, because current canary state is not 'StepPaused': step 1/3 is StepReady (updated 1, ready 1); wait with: kubectl kruise rollout watch demo --until paused --step 2",
    ],
    [
      'a new release paused at the same index: refuse',
      rollout({ observedRolloutID: 'r2' }),
      {},
      'refuse:the rollout started another release (rollout-id "r2") while approving; nothing was written',
    ],
  ])('%s', (_what, fresh, guards, want) => {
    const plan = recheckAfterConflict(first, planApprove(fresh, guards as ApproveGuards, NOW));
    expect(plan.kind === 'refuse' ? `refuse:${plan.message}` : plan.kind).toBe(want);
  });
});

describe('planPause / planResume', () => {
  it.each([
    ['pause a running rollout', planPause(rollout({})), 'write', true],
    ['pause a paused rollout', planPause(rollout({}, { paused: true })), 'refuse:is already paused', undefined],
    ['pause v1alpha1', planPause(rollout({}, { apiVersion: 'rollouts.kruise.io/v1alpha1' })), 'refuse:pausing is not supported', undefined],
    ['resume a paused rollout', planResume(rollout({}, { paused: true })), 'write', undefined],
    ['resume a running rollout', planResume(rollout({})), 'refuse:is not paused', undefined],
  ])('%s', (_what, plan, want, paused) => {
    expect(plan.kind === 'refuse' ? `refuse:${plan.message}` : plan.kind).toBe(want);
    if (plan.kind === 'write') expect(plan.object.spec.strategy!.paused).toBe(paused);
  });

  it('resume removes the field and leaves status (a StepPaused step) alone', () => {
    const ro = rollout({}, { paused: true });
    const plan = planResume(ro);
    if (plan.kind !== 'write') throw new Error(plan.kind);
    expect('paused' in plan.object.spec.strategy!).toBe(false);
    expect(plan.object.status).toEqual(ro.status);
    expect(plan.object.spec.strategy!.canary).toEqual(ro.spec.strategy!.canary);
  });
});

describe('parseRolloutArgs', () => {
  it.each([
    [['rollout/a'], ['a']],
    [
      ['rollouts/a', 'ro/b', 'rollout.rollouts.kruise.io/c', 'rollouts.rollouts.kruise.io/d'],
      ['a', 'b', 'c', 'd'],
    ],
    [['Rollout/a'], ['a']],
    [
      ['rollout', 'a', 'b'],
      ['a', 'b'],
    ],
    [['ro', 'a'], ['a']],
    [['a'], ['a']],
    [
      ['a', 'b', 'rollout/a', 'a'],
      ['a', 'b'],
    ],
    [['rollouts.v1alpha1.rollouts.kruise.io/x'], ['x']],
  ])('%j → %j', (args, names) => {
    expect(parseRolloutArgs(args)).toEqual(names);
  });

  it.each([
    [[], 'required resource not specified: give rollout/NAME (or NAME)'],
    [['deployment/x'], 'rollout commands only work on rollouts.rollouts.kruise.io, not "deployment"'],
    [['deployment', 'x'], 'rollout commands only work on rollouts.rollouts.kruise.io, not "deployment"'],
    [['rollout/'], '"rollout/": the rollout name is empty; use rollout/NAME'],
    [['/x'], 'the resource type is empty; use rollout/NAME'],
    [['rollout'], '"rollout" must be followed by a rollout name: rollout NAME, or rollout/NAME'],
    [['rollout/a/b'], '"rollout/a/b": use TYPE/NAME with a single \'/\''],
    [['Bad_Name'], '"Bad_Name": "Bad_Name" is not a valid rollout name (lower-case letters, digits, \'-\' and \'.\')'],
  ])('%j is a usage error', (args, message) => {
    let err: unknown;
    try {
      parseRolloutArgs(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe(message);
  });
});
