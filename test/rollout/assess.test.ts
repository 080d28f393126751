import type { KubeObject } from '../../src/kube/types.js';
import { assessRollout, rollingStyleOf } from '../../src/rollout/assess.js';
import { isCurrentRelease } from '../../src/rollout/release.js';
import type { Rollout } from '../../src/rollout/types.js';
import { example, scenario } from '../fixtures/load.js';

// biome-ignore lint/suspicious/noConfusingVoidType: a mutator edits in place (returns nothing) or returns a replacement workload
type Mutate = (ro: Rollout, wl: KubeObject | null) => KubeObject | null | void;
function variant(name: string, mutate: Mutate = () => undefined): { ro: Rollout; wl: KubeObject | null } {
  const { rollout, workload } = scenario(name);
  const out = mutate(rollout, workload);
  return { ro: rollout, wl: out === undefined ? workload : out };
}

describe('rollingStyleOf (GetRollingStyle)', () => {
  const base = (spec: object, apiVersion = 'rollouts.kruise.io/v1beta1', annotations?: Record<string, string>): Rollout =>
    ({ apiVersion, kind: 'Rollout', metadata: { name: 'x', annotations }, spec }) as Rollout;
  test.each([
    ['canary without extra workload', base({ strategy: { canary: { steps: [] } } }), 'Partition'],
    ['canary with extra workload', base({ strategy: { canary: { enableExtraWorkloadForCanary: true } } }), 'Canary'],
    ['blueGreen', base({ strategy: { blueGreen: { steps: [] } } }), 'BlueGreen'],
    [
      'v1alpha1 Deployment default',
      base({ objectRef: { workloadRef: { kind: 'Deployment' } }, strategy: { canary: {} } }, 'rollouts.kruise.io/v1alpha1'),
      'Canary',
    ],
    [
      'v1alpha1 partition annotation',
      base({ objectRef: { workloadRef: { kind: 'Deployment' } }, strategy: { canary: {} } }, 'rollouts.kruise.io/v1alpha1', {
        'rollouts.kruise.io/rolling-style': 'partition',
      }),
      'Partition',
    ],
    [
      'v1alpha1 CloneSet',
      base({ objectRef: { workloadRef: { kind: 'CloneSet' } }, strategy: { canary: {} } }, 'rollouts.kruise.io/v1alpha1'),
      'Partition',
    ],
  ])('%s', (_name, ro, style) => {
    expect(rollingStyleOf(ro)).toBe(style);
  });
});

describe('assessRollout', () => {
  test('canary step paused: waiting for approval, current release, batch 1/1/1', () => {
    const { ro, wl } = variant('canary-step-paused');
    const a = assessRollout(ro, wl);
    expect(a).toMatchObject({
      style: 'Partition',
      phase: 'Progressing',
      currentStepIndex: 1,
      currentStepState: 'StepPaused',
      nextStepIndex: 2,
      planned: 1,
      updated: 1,
      ready: 1,
      stableRevision: '5b7c9f8d6',
      canaryRevision: '6d8f7c9b54',
      observedRolloutID: '6d8f7c9b54',
      workloadRolloutID: undefined,
      currentRelease: true,
      waitingForApproval: true,
      done: false,
      cancelled: false,
      paused: false,
      disabled: false,
    });
    expect(a.steps.map((s) => [s.index, s.replicas, s.planned, s.pause.kind])).toEqual([
      [1, 1, 1, 'manual'],
      [2, '50%', 5, 'manual'],
      [3, '100%', 10, 'none'],
    ]);
  });

  // Each row: scenario, mutation, expected derived fields.
  const rows: [
    string,
    string,
    Mutate,
    Partial<Record<'waitingForApproval' | 'done' | 'currentRelease' | 'cancelled' | 'paused' | 'disabled', boolean>>,
  ][] = [
    [
      'paused step, duration 0',
      'canary-step-paused',
      (ro) => void (ro.spec.strategy!.canary!.steps![0]!.pause = { duration: 0 }),
      { waitingForApproval: false },
    ],
    [
      'paused step, duration 30',
      'canary-step-paused',
      (ro) => void (ro.spec.strategy!.canary!.steps![0]!.pause = { duration: 30 }),
      { waitingForApproval: false },
    ],
    [
      'paused step, pause: {}',
      'canary-step-paused',
      (ro) => void (ro.spec.strategy!.canary!.steps![0]!.pause = {}),
      { waitingForApproval: true },
    ],
    [
      'paused step, duration null',
      'canary-step-paused',
      (ro) => void (ro.spec.strategy!.canary!.steps![0]!.pause = { duration: null }),
      { waitingForApproval: true },
    ],
    [
      'last step "100%" never waits',
      'canary-step-paused',
      (ro) => {
        ro.status!.canaryStatus!.currentStepIndex = 3;
      },
      { waitingForApproval: false },
    ],
    [
      'last step integer 10 does wait',
      'canary-step-paused',
      (ro) => {
        ro.spec.strategy!.canary!.steps![2]!.replicas = 10;
        ro.status!.canaryStatus!.currentStepIndex = 3;
      },
      { waitingForApproval: true },
    ],
    [
      'last step "100%" in blue-green does wait',
      'bluegreen-paused',
      (ro) => {
        ro.status!.blueGreenStatus!.currentStepIndex = 4;
      },
      { waitingForApproval: true },
    ],
    [
      'StepUpgrade is not waiting',
      'canary-step-paused',
      (ro) => void (ro.status!.canaryStatus!.currentStepState = 'StepUpgrade'),
      { waitingForApproval: false },
    ],
    [
      'user-paused (reason Paused) is not waiting for approval',
      'canary-step-paused',
      (ro) => {
        ro.spec.strategy!.paused = true;
        ro.status!.conditions![0]!.reason = 'Paused';
      },
      { waitingForApproval: false, paused: true },
    ],
    [
      'Initializing is not waiting',
      'canary-step-paused',
      (ro) => void (ro.status!.conditions![0]!.reason = 'Initializing'),
      { waitingForApproval: false },
    ],
    [
      'previous-release status: workload generation moved on',
      'canary-step-paused',
      (_ro, wl) => void (wl!.metadata.generation = 3),
      { currentRelease: false },
    ],
    [
      'rollout-id label matches',
      'canary-step-paused',
      (_ro, wl) => void (wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = '6d8f7c9b54'),
      { currentRelease: true },
    ],
    [
      'rollout-id label differs',
      'canary-step-paused',
      (_ro, wl) => void (wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = 'v3'),
      { currentRelease: false },
    ],
    [
      // The annotation only asks the webhook for a release; the controller names it by the label.
      'a rollout-id annotation that differs does not make the status stale',
      'canary-step-paused',
      (_ro, wl) => void (wl!.metadata.annotations!['rollouts.kruise.io/rollout-id'] = 'v3'),
      { currentRelease: true },
    ],
    ['no workload', 'canary-step-paused', () => null, { currentRelease: false }],
    ['first deploy is done', 'healthy-first-deploy', () => undefined, { done: true, currentRelease: true }],
    ['completed release is done', 'release-completed', () => undefined, { done: true, currentRelease: true, cancelled: false }],
    [
      'completed but workload changed since: not done',
      'release-completed',
      (_ro, wl) => void (wl!.metadata.generation = 3),
      { done: false, currentRelease: false },
    ],
    [
      'completed but new rollout-id: not done',
      'release-completed',
      (_ro, wl) => void (wl!.metadata.labels!['rollouts.kruise.io/rollout-id'] = '20261128'),
      { done: false, currentRelease: false },
    ],
    ['completed but rollout spec not observed: not done', 'release-completed', (ro) => void (ro.metadata.generation = 2), { done: false }],
    [
      'cancelled release',
      'release-completed',
      (ro) => {
        ro.status!.conditions = [
          { type: 'Progressing', status: 'False', reason: 'Completed', message: 'Rollout progressing has been canceled' },
          { type: 'Succeeded', status: 'False' },
        ];
        ro.status!.canaryStatus!.currentStepState = 'StepPaused'; // rollouts#339: stale fields
      },
      { done: false, cancelled: true, waitingForApproval: false },
    ],
    [
      'cancelled with Completed state is not done',
      'release-completed',
      (ro) => void (ro.status!.conditions![1]!.status = 'False'),
      { done: false, cancelled: true },
    ],
    ['disabled', 'disabled', () => undefined, { disabled: true, done: false }],
    [
      'disabling',
      'disabled',
      (ro) => {
        ro.spec.disabled = false;
        ro.status!.phase = 'Disabling';
      },
      { disabled: true },
    ],
    ['blue-green paused', 'bluegreen-paused', () => undefined, { waitingForApproval: true, currentRelease: true }],
  ];
  test.each(rows)('%s', (_name, file, mutate, expected) => {
    const { ro, wl } = variant(file, mutate);
    expect(assessRollout(ro, wl)).toMatchObject(expected);
  });

  test('blue-green reads updatedReplicas / updatedRevision', () => {
    const { ro, wl } = variant('bluegreen-paused');
    expect(assessRollout(ro, wl)).toMatchObject({
      style: 'BlueGreen',
      updated: 10,
      ready: 10,
      planned: 5,
      canaryRevision: '64448b955c',
      stableRevision: '65f957664d',
    });
  });

  test('workload not found: no sub-status, nothing derived', () => {
    const { ro } = variant('workload-not-found');
    expect(assessRollout(ro, null)).toMatchObject({
      phase: 'Initial',
      subStatusKind: undefined,
      currentStepIndex: 0,
      planned: undefined,
      updated: undefined,
      currentRelease: false,
      done: false,
      waitingForApproval: false,
    });
  });

  test('no status at all', () => {
    const [ro] = example('docs_basic-usage_rollout_v1beta1.yaml') as Rollout[];
    const [wl] = example('docs_basic-usage_deployment_workload-demo.yaml');
    const a = assessRollout(ro!, wl!);
    expect(a).toMatchObject({ phase: undefined, currentStepIndex: undefined, done: false, currentRelease: false, workloadReplicas: 10 });
    expect(a.steps.map((s) => s.planned)).toEqual([1, 5, 10]);
  });

  test('a step without replicas, or with malformed ones, has no planned batch', () => {
    const [ro] = example('docs_basic-usage_rollout_v1beta1.yaml') as Rollout[];
    const [wl] = example('docs_basic-usage_deployment_workload-demo.yaml');
    ro!.spec.strategy!.canary!.steps![0]!.replicas = 'bogus';
    delete ro!.spec.strategy!.canary!.steps![1]!.replicas;
    expect(assessRollout(ro!, wl!).steps.map((s) => s.planned)).toEqual([undefined, undefined, 10]);
  });

  test('docs status examples: canary Healthy/Completed, blue-green StepPaused', () => {
    const [canary, blueGreen] = example('docs_api-specifications_status_examples.yaml') as Rollout[];
    const wl = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w', generation: 20, labels: { 'rollouts.kruise.io/rollout-id': '20230313093823' } },
      spec: { replicas: 10 },
    };
    expect(assessRollout(canary!, wl)).toMatchObject({
      phase: 'Healthy',
      currentStepIndex: 3,
      currentStepState: 'Completed',
      updated: 10,
      ready: 10,
      currentRelease: true,
      done: true,
    });
    expect(isCurrentRelease(canary!, { ...wl, metadata: { ...wl.metadata, generation: 21 } })).toBe(false);
    expect(assessRollout(blueGreen!, null)).toMatchObject({
      subStatusKind: 'blueGreenStatus',
      currentStepIndex: 1,
      currentStepState: 'StepPaused',
      updated: 10,
      canaryRevision: '64448b955c',
    });
  });

  test('v1alpha1 object dump: canaryStatus only, weight steps become percentages', () => {
    const [ro] = example('rollouts-demo-object-dump-v1alpha1.yaml') as Rollout[];
    const wl = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'echoserver', generation: 1 }, spec: { replicas: 2 } };
    const a = assessRollout(ro!, wl);
    expect(a).toMatchObject({
      style: 'Canary',
      phase: 'Progressing',
      currentStepIndex: 2,
      currentStepState: 'Completed',
      statusObserved: false,
      deleting: true,
      currentRelease: true,
      done: false,
    });
    expect(a.steps.map((s) => [s.replicas, s.traffic, s.planned, s.pause.kind])).toEqual([
      [1, undefined, 1, 'manual'],
      ['50%', '50%', 1, 'manual'],
    ]);
  });
});
