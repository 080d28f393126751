import type { KubeObject } from '../../src/kube/types.js';
import type { Rollout } from '../../src/rollout/types.js';
import { evaluateWatch, type WatchMemory, type WatchOptions } from '../../src/rollout/watch-condition.js';
import { podTemplateHash } from '../../src/workload/hash.js';
import { scenario } from '../fixtures/load.js';

// biome-ignore lint/suspicious/noConfusingVoidType: a mutator edits in place (returns nothing) or returns a replacement workload
type Mutate = (ro: Rollout, wl: KubeObject | null) => KubeObject | null | void;
function variant(name: string, mutate: Mutate = () => undefined): { ro: Rollout; wl: KubeObject | null } {
  const { rollout, workload } = scenario(name);
  const out = mutate(rollout, workload);
  return { ro: rollout, wl: out === undefined ? workload : out };
}

const paused = 'canary-step-paused';
const completed = 'release-completed';
const setState =
  (index: number, state: string): Mutate =>
  (ro) => {
    ro.status!.canaryStatus!.currentStepIndex = index;
    ro.status!.canaryStatus!.currentStepState = state;
  };
const staleWorkload: Mutate = (_ro, wl) => void (wl!.metadata.generation = 3);

describe('evaluateWatch: one observation', () => {
  // scenario, mutation, options, verdict, reason (substring)
  const rows: [string, string, Mutate, Omit<WatchOptions, 'memory'>, 'holds' | 'waiting' | 'cannot-hold', string][] = [
    // --until paused
    ['paused: StepPaused, manual', paused, () => undefined, { until: 'paused' }, 'holds', 'step 1 is waiting for approval'],
    ['paused --step 1', paused, () => undefined, { until: 'paused', step: 1 }, 'holds', 'step 1'],
    ['paused --step 2 while at step 1', paused, () => undefined, { until: 'paused', step: 2 }, 'waiting', 'step 1 is StepPaused'],
    [
      'paused --step 1 while at step 2 upgrading',
      paused,
      setState(2, 'StepUpgrade'),
      { until: 'paused', step: 1 },
      'cannot-hold',
      'moved past step 1',
    ],
    [
      'paused --step 3 ("100%" last step never waits)',
      paused,
      () => undefined,
      { until: 'paused', step: 3 },
      'cannot-hold',
      'does not wait for approval',
    ],
    ['paused --step 4 of 3', paused, () => undefined, { until: 'paused', step: 4 }, 'cannot-hold', 'no step 4'],
    ['paused --step 0', paused, () => undefined, { until: 'paused', step: 0 }, 'cannot-hold', 'no step 0'],
    [
      'paused: timed pause (30 s) is not a manual pause',
      paused,
      (ro) => void (ro.spec.strategy!.canary!.steps![0]!.pause = { duration: 30 }),
      { until: 'paused' },
      'waiting',
      'StepPaused',
    ],
    [
      'paused --step 1 with duration 0',
      paused,
      (ro) => void (ro.spec.strategy!.canary!.steps![0]!.pause = { duration: 0 }),
      { until: 'paused', step: 1 },
      'cannot-hold',
      'does not wait',
    ],
    ['paused: StepUpgrade', paused, setState(1, 'StepUpgrade'), { until: 'paused' }, 'waiting', 'StepUpgrade'],
    [
      'paused: StepPaused from the previous release',
      paused,
      staleWorkload,
      { until: 'paused' },
      'waiting',
      'does not reflect the current workload',
    ],
    [
      'paused: rollout-id mismatch',
      paused,
      (_ro, wl) => void (wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = 'v9'),
      { until: 'paused' },
      'waiting',
      'does not reflect the current workload',
    ],
    [
      'paused: user-paused rollout',
      paused,
      (ro) => {
        ro.spec.strategy!.paused = true;
        ro.status!.conditions![0]!.reason = 'Paused';
      },
      { until: 'paused' },
      'waiting',
      'StepPaused',
    ],
    ['paused: release already completed', completed, () => undefined, { until: 'paused' }, 'cannot-hold', 'completed without pausing'],
    // --until ready
    ['ready: StepPaused is not ready', paused, () => undefined, { until: 'ready', step: 1 }, 'waiting', 'StepPaused'],
    ['ready: StepReady at 1', paused, setState(1, 'StepReady'), { until: 'ready', step: 1 }, 'holds', 'step 1 is ready'],
    ['ready: no --step, StepReady', paused, setState(1, 'StepReady'), { until: 'ready' }, 'holds', 'step 1 is ready'],
    ['ready: moved past step 1', paused, setState(2, 'BeforeStepUpgrade'), { until: 'ready', step: 1 }, 'holds', 'moved past step 1'],
    ['ready: step 2 while at 1', paused, setState(1, 'StepReady'), { until: 'ready', step: 2 }, 'waiting', 'step 1 is StepReady'],
    ['ready: Completed at 3', paused, setState(3, 'Completed'), { until: 'ready', step: 3 }, 'holds', 'step 3 is ready'],
    ['ready: release done', completed, () => undefined, { until: 'ready', step: 2 }, 'holds', 'completed'],
    [
      'ready: StepReady of the previous release',
      paused,
      (ro, wl) => {
        setState(1, 'StepReady')(ro, wl);
        wl!.metadata.generation = 3;
      },
      { until: 'ready', step: 1 },
      'waiting',
      'does not reflect the current workload',
    ],
    // --until completed
    ['completed: Healthy/Completed/Succeeded', completed, () => undefined, { until: 'completed' }, 'holds', 'completed'],
    ['completed: first-ever deploy', 'healthy-first-deploy', () => undefined, { until: 'completed' }, 'holds', 'completed'],
    ['completed: in progress', paused, () => undefined, { until: 'completed' }, 'waiting', 'in progress'],
    [
      'completed: stale Completed (workload generation moved on)',
      completed,
      staleWorkload,
      { until: 'completed' },
      'waiting',
      'does not reflect the current workload',
    ],
    [
      'completed: stale Completed (new rollout-id)',
      completed,
      (_ro, wl) => void (wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = 'next'),
      { until: 'completed' },
      'waiting',
      'does not reflect the current workload',
    ],
    [
      'completed: rollout spec change not observed',
      completed,
      (ro) => void (ro.metadata.generation = 2),
      { until: 'completed' },
      'waiting',
      'not observed',
    ],
    [
      'completed: Finalising',
      completed,
      (ro) => {
        ro.status!.phase = 'Progressing';
        ro.status!.conditions = [{ type: 'Progressing', status: 'True', reason: 'Finalising' }];
      },
      { until: 'completed' },
      'waiting',
      'in progress',
    ],
    [
      'completed: cancelled',
      completed,
      (ro) => {
        ro.status!.conditions = [
          { type: 'Progressing', status: 'False', reason: 'Completed', message: 'Rollout progressing has been canceled' },
          { type: 'Succeeded', status: 'False' },
        ];
      },
      { until: 'completed' },
      'cannot-hold',
      'cancelled',
    ],
    [
      'completed: Succeeded False only',
      completed,
      (ro) => void (ro.status!.conditions![1]!.status = 'False'),
      { until: 'completed' },
      'cannot-hold',
      'cancelled',
    ],
    [
      'completed: Cancelling',
      paused,
      (ro) => void (ro.status!.conditions![0]!.reason = 'Cancelling'),
      { until: 'completed' },
      'cannot-hold',
      'being cancelled',
    ],
    [
      'completed: stale cancellation of the previous release does not end the wait',
      completed,
      (ro, wl) => {
        ro.status!.conditions![1]!.status = 'False';
        wl!.metadata.generation = 3;
      },
      { until: 'completed' },
      'waiting',
      'does not reflect the current workload',
    ],
    ['completed: disabled', 'disabled', () => undefined, { until: 'completed' }, 'cannot-hold', 'disabled'],
    [
      'completed: spec.disabled before the controller saw it',
      paused,
      (ro) => void (ro.spec.disabled = true),
      { until: 'completed' },
      'cannot-hold',
      'disabled',
    ],
    [
      'completed: being deleted',
      paused,
      (ro) => void (ro.metadata.deletionTimestamp = '2026-11-27T10:00:00Z'),
      { until: 'completed' },
      'cannot-hold',
      'being deleted',
    ],
    [
      'completed: workload not found (never seen)',
      'workload-not-found',
      () => undefined,
      { until: 'completed' },
      'waiting',
      'workload not found',
    ],
    // --rollout-id
    ['rollout-id: matches', completed, () => undefined, { until: 'completed', rolloutId: '20261127' }, 'holds', 'completed'],
    [
      'rollout-id: another id completed, ours not seen yet',
      completed,
      () => undefined,
      { until: 'completed', rolloutId: '20261128' },
      'waiting',
      'rollout-id 20261128',
    ],
    [
      'rollout-id: workload carries ours, status still the old one',
      completed,
      (_ro, wl) => void (wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = '20261128'),
      { until: 'completed', rolloutId: '20261128' },
      'waiting',
      'does not reflect the current workload',
    ],
  ];
  test.each(rows)('%s', (_name, file, mutate, options, verdict, reason) => {
    const { ro, wl } = variant(file, mutate);
    const v = evaluateWatch(ro, wl, options);
    expect({ verdict: v.verdict, reason: v.reason }).toEqual({ verdict, reason: expect.stringContaining(reason) });
  });

  test('deleted rollout cannot hold', () => {
    expect(evaluateWatch(null, null, { until: 'completed' })).toMatchObject({ verdict: 'cannot-hold', reason: 'the rollout was deleted' });
  });
});

describe('evaluateWatch: a sequence of observations (memory)', () => {
  function run(steps: { ro: Rollout | null; wl: KubeObject | null }[], options: Omit<WatchOptions, 'memory'>): string[] {
    let memory: WatchMemory | undefined;
    return steps.map(({ ro, wl }) => {
      const v = evaluateWatch(ro, wl, { ...options, memory });
      memory = v.memory;
      return `${v.verdict}: ${v.reason}`;
    });
  }

  test('a new template supersedes the awaited release', () => {
    const first = variant(paused);
    const second = variant(paused, (_ro, wl) => {
      wl!.metadata.generation = 3;
      wl!.spec.template.spec.containers[0].env[0].value = 'version-3';
    });
    expect(run([first, second], { until: 'completed' })).toEqual([
      'waiting: the release is in progress',
      'cannot-hold: superseded by a newer release (the workload template changed)',
    ]);
  });

  test('--wait-for-release: a gate started after the last release completed waits for the next one', () => {
    const nextId: Mutate = (_ro, wl) => {
      wl!.metadata.generation = 3;
      wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = '20261128';
    };
    const done = variant(completed);
    const started = variant(completed, nextId);
    const pausedAt1 = variant(completed, (ro, wl) => {
      nextId(ro, wl);
      ro.status!.phase = 'Progressing';
      ro.status!.conditions = [{ type: 'Progressing', status: 'True', reason: 'InRolling' }];
      Object.assign(ro.status!.canaryStatus!, {
        currentStepIndex: 1,
        currentStepState: 'StepPaused',
        observedRolloutID: '20261128',
        observedWorkloadGeneration: 3,
      });
    });
    // Without the flag the completed release ends the gate (exit 4), as before.
    expect(run([done], { until: 'paused', step: 1 })).toEqual(['cannot-hold: the release completed without pausing at step 1']);
    expect(run([done, started, pausedAt1], { until: 'paused', step: 1, waitForRelease: true })).toEqual([
      'waiting: waiting for the next release to start (the last one is complete)',
      'waiting: the status does not reflect the current workload yet',
      'holds: step 1 is waiting for approval',
    ]);
    // The next release is the awaited one: a third release supersedes it as usual.
    const third = variant(completed, (_ro, wl) => {
      wl!.metadata.generation = 4;
      wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = '20261129';
    });
    expect(run([done, started, third], { until: 'completed', waitForRelease: true })).toEqual([
      'waiting: waiting for the next release to start (the last one is complete)',
      'waiting: the status does not reflect the current workload yet',
      'cannot-hold: superseded by a newer release (workload rollout-id 20261129, was 20261128)',
    ]);
    // A release in progress at first sight is the awaited one.
    expect(run([variant(paused)], { until: 'paused', waitForRelease: true })).toEqual(['holds: step 1 is waiting for approval']);
  });

  test('a scale (generation bump, same template) does not supersede', () => {
    const first = variant(paused);
    const scaled = variant(paused, (_ro, wl) => {
      wl!.metadata.generation = 3;
      wl!.spec.replicas = 20;
    });
    expect(run([first, scaled], { until: 'completed' })).toEqual([
      'waiting: the release is in progress',
      'waiting: the status does not reflect the current workload yet',
    ]);
  });

  test('going back to the stable template is reported as a rollback', () => {
    const first = variant(paused);
    const back = variant(paused, (ro, wl) => {
      wl!.metadata.generation = 3;
      wl!.spec.template.spec.containers[0].env[0].value = 'version-1';
      ro.status!.canaryStatus!.stableRevision = podTemplateHash(wl!.spec.template);
    });
    expect(run([first, back], { until: 'completed' })).toEqual([
      'waiting: the release is in progress',
      'cannot-hold: the workload was rolled back to the stable revision',
    ]);
  });

  test('a changed rollout-id supersedes; the template alone does not when an id is set', () => {
    const withId =
      (id: string, env: string): Mutate =>
      (_ro, wl) => {
        wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = id;
        wl!.spec.template.spec.containers[0].env[0].value = env;
      };
    expect(run([variant(paused, withId('a', 'version-2')), variant(paused, withId('a', 'version-9'))], { until: 'completed' })).toEqual([
      'waiting: the status does not reflect the current workload yet',
      'waiting: the status does not reflect the current workload yet',
    ]);
    expect(run([variant(paused, withId('a', 'version-2')), variant(paused, withId('b', 'version-2'))], { until: 'completed' })).toEqual([
      'waiting: the status does not reflect the current workload yet',
      'cannot-hold: superseded by a newer release (workload rollout-id b, was a)',
    ]);
  });

  test('--rollout-id: a different id after ours was seen is newer', () => {
    const ours = variant(completed, (ro, wl) => {
      wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = 'r2';
      ro.status!.canaryStatus!.observedRolloutID = 'r2';
      ro.status!.phase = 'Progressing';
      ro.status!.canaryStatus!.currentStepState = 'StepUpgrade';
    });
    const newer = variant(completed, (ro, wl) => {
      wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = 'r3';
      ro.status!.canaryStatus!.observedRolloutID = 'r3';
    });
    const before = variant(completed); // rollout-id 20261127: the previous release
    expect(run([before, ours, newer], { until: 'completed', rolloutId: 'r2' })).toEqual([
      'waiting: waiting for rollout-id r2',
      'waiting: the release is in progress',
      'cannot-hold: superseded by a newer release (workload rollout-id r3, awaited r2)',
    ]);
  });

  test('the workload disappearing after being seen cannot hold; the rollout disappearing neither', () => {
    const first = variant(paused);
    expect(run([first, { ro: first.ro, wl: null }], { until: 'completed' })).toEqual([
      'waiting: the release is in progress',
      'cannot-hold: the workload was deleted',
    ]);
    expect(run([first, { ro: null, wl: first.wl }], { until: 'completed' })).toEqual([
      'waiting: the release is in progress',
      'cannot-hold: the rollout was deleted',
    ]);
  });

  test('a walkthrough: stale Completed → Progressing → paused → … → Healthy', () => {
    const wlGen =
      (g: number): Mutate =>
      (_ro, wl) =>
        void (wl!.metadata.generation = g);
    const seq = [
      variant(completed, wlGen(3)), // the user just applied version-3: status is the previous release's
      variant(completed, (ro, wl) => {
        wl!.metadata.generation = 3;
        ro.status!.phase = 'Progressing';
        ro.status!.canaryStatus!.observedWorkloadGeneration = 3;
        ro.status!.conditions = [{ type: 'Progressing', status: 'True', reason: 'InRolling' }];
        setState(1, 'StepPaused')(ro, wl);
      }),
      variant(completed, (ro, wl) => {
        wl!.metadata.generation = 3;
        ro.status!.canaryStatus!.observedWorkloadGeneration = 3;
      }),
    ];
    expect(run(seq, { until: 'paused', step: 1 })).toEqual([
      'waiting: the status does not reflect the current workload yet',
      'holds: step 1 is waiting for approval',
      'cannot-hold: the release completed without pausing at step 1',
    ]);
    expect(run(seq, { until: 'completed' })).toEqual([
      'waiting: the status does not reflect the current workload yet',
      'waiting: the release is in progress',
      'holds: the release completed',
    ]);
  });
});
