import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import type { KubeObject } from '../../src/kube/types.js';
import { renderRolloutLine, renderRolloutText } from '../../src/render/rollout-text.js';
import type { Rollout } from '../../src/rollout/types.js';
import { toRolloutView } from '../../src/rollout/view.js';
import { example, scenario } from '../fixtures/load.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const NOW = new Date('2026-11-27T10:00:00Z');
const plain = new Chalk({ level: 0 });
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal colour codes is the point
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

type Case = { rollout: Rollout; workload: KubeObject | null; pods?: KubeObject[] };

/** A pod of workload-demo at a revision (pod-template-hash), in a batch, with a container state. */
function pod(name: string, hash: string, batch: string | null, state: 'ready' | 'crash' | 'pending' | 'pull', restarts = 0): KubeObject {
  const ready = state === 'ready';
  const waiting = { crash: 'CrashLoopBackOff', pending: 'ContainerCreating', pull: 'ImagePullBackOff', ready: '' }[state];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      creationTimestamp: '2026-11-27T09:55:00Z',
      labels: { app: 'demo', 'pod-template-hash': hash, ...(batch ? { 'rollouts.kruise.io/rollout-batch-id': batch } : {}) },
    },
    spec: { containers: [{ name: 'busybox', image: hash === '6d8f7c9b54' ? 'busybox:1.37' : 'busybox:1.36' }] },
    status: {
      phase: state === 'pending' ? 'Pending' : 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        { name: 'busybox', ready, restartCount: restarts, state: ready ? { running: {} } : { waiting: { reason: waiting } } },
      ],
    },
  };
}

/** The guide's release at step 1 with one canary pod crash-looping, another pulling, nine stable pods. */
function podsCase(): Case {
  const c = scenario('canary-step-paused') as Case;
  c.workload!.spec.template.spec.containers[0].image = 'busybox:1.37';
  c.pods = [
    pod('workload-demo-6d8f7c9b54-aaaaa', '6d8f7c9b54', '1', 'crash', 5),
    pod('workload-demo-6d8f7c9b54-bbbbb', '6d8f7c9b54', '1', 'pull'),
    ...Array.from({ length: 9 }, (_, i) => pod(`workload-demo-5b7c9f8d6-s${i}`, '5b7c9f8d6', null, i === 8 ? 'pending' : 'ready')),
  ];
  return c;
}
function from(name: string, mutate: (c: Case) => void = () => undefined): () => Case {
  return () => {
    const c = scenario(name);
    mutate(c);
    return c;
  };
}

const cases: [string, () => Case][] = [
  ['canary-step-paused', from('canary-step-paused')],
  ['healthy-first-deploy', from('healthy-first-deploy')],
  ['release-completed', from('release-completed')],
  ['workload-not-found', from('workload-not-found', (c) => void (c.workload = null))],
  ['disabled', from('disabled')],
  ['bluegreen-paused', from('bluegreen-paused')],
  [
    'no-status',
    () => ({
      rollout: example('docs_basic-usage_rollout_v1beta1.yaml')[0] as Rollout,
      workload: example('docs_basic-usage_deployment_workload-demo.yaml')[0]!,
    }),
  ],
  ['v1alpha1-dump', () => ({ rollout: example('rollouts-demo-object-dump-v1alpha1.yaml')[0] as Rollout, workload: null })],
  [
    'previous-release',
    from('release-completed', (c) => {
      c.workload!.metadata.generation = 3;
      c.workload!.metadata.labels!['rollouts.kruise.io/rollout-id'] = '20261128';
    }),
  ],
  ['stale-generation', from('canary-step-paused', (c) => void (c.workload!.metadata.generation = 3))],
  [
    'timed-pause',
    from('canary-step-paused', (c) => {
      c.rollout.spec.strategy!.canary!.steps![0]!.pause = { duration: 60 };
      c.rollout.status!.message = 'Rollout is in step(1/3), and wait duration(60 seconds) to enter the next step';
    }),
  ],
  [
    'user-paused',
    from('canary-step-paused', (c) => {
      c.rollout.spec.strategy!.paused = true;
      c.rollout.status!.conditions![0]!.reason = 'Paused';
      c.rollout.status!.conditions![0]!.message = 'Rollout has been paused, you can resume it by kube-cli';
      c.rollout.status!.message = 'Rollout has been paused, you can resume it by kube-cli';
    }),
  ],
  ['pods', podsCase],
  [
    'traffic',
    from('canary-step-paused', (c) => {
      const canary = c.rollout.spec.strategy!.canary!;
      canary.trafficRoutings = [{ service: 'demo', ingress: { classType: 'nginx', name: 'demo' } }];
      canary.steps![0]!.traffic = '5%';
      canary.steps![0]!.matches = [{ headers: [{ name: 'user-agent', value: 'Android', type: 'Exact' }] }];
    }),
  ],
  [
    'hostile-text',
    from('canary-step-paused', (c) => {
      // A message that would set the window title, clear the screen and print a green "completed".
      c.rollout.status!.message = '\x1b]0;pwned\x07\x1b[2J\x1b[32m✔ completed\x1b[0m\r\nfake line\u009b31m';
      c.rollout.status!.conditions![0]!.message = 'cond \x1b[1mbold';
      c.workload!.metadata.labels!['rollouts.kruise.io/rollout-id'] = 'id\x1b[5m';
    }),
  ],
  [
    'cancelled',
    from('release-completed', (c) => {
      c.rollout.status!.message = 'Rollout progressing has been canceled';
      c.rollout.status!.conditions = [
        { type: 'Progressing', status: 'False', reason: 'Completed', message: 'Rollout progressing has been canceled' },
        { type: 'Succeeded', status: 'False' },
      ];
      c.rollout.status!.canaryStatus!.currentStepState = 'StepPaused';
      c.rollout.status!.canaryStatus!.currentStepIndex = 2;
    }),
  ],
];

describe('renderRolloutText: golden files (test/render/golden/*.txt)', () => {
  test.each(cases)('%s', (name, make) => {
    const { rollout, workload, pods } = make();
    const view = toRolloutView(rollout, workload, NOW, null, pods ?? null);
    const text = `${renderRolloutText(view, { chalk: plain })}\n---\n${renderRolloutLine(view)}\n`;
    // Nothing from the server reaches the terminal as a control character.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence is the point
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    const file = `${GOLDEN}${name}.txt`;
    // Goldens are written only on request (UPDATE_GOLDEN=1 npm test -- test/render), never because one is missing.
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(GOLDEN, { recursive: true });
      writeFileSync(file, text);
    }
    if (!existsSync(file)) throw new Error(`missing golden file ${file} (UPDATE_GOLDEN=1 writes it)`);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('colour', () => {
  test('colour only adds ANSI codes: stripped, it is the plain text; icons are kept without colour', () => {
    const { rollout, workload } = scenario('canary-step-paused');
    const view = toRolloutView(rollout, workload, NOW);
    const coloured = renderRolloutText(view, { chalk: new Chalk({ level: 1 }) });
    expect(coloured).toContain('\x1b[');
    expect(stripAnsi(coloured)).toBe(renderRolloutText(view, { chalk: plain }));
    expect(renderRolloutText(view, { chalk: plain })).toContain('Status:       ⚠ Progressing');
    expect(renderRolloutText(view, { chalk: plain })).not.toContain('\x1b[');
  });
});

describe('timed pause countdown and time format', () => {
  test('the remaining seconds come from lastUpdateTime and now', () => {
    const { rollout, workload } = scenario('canary-step-paused');
    rollout.spec.strategy!.canary!.steps![0]!.pause = { duration: 60 };
    // lastUpdateTime 09:59:30 + 60 s = 10:00:30
    expect(toRolloutView(rollout, workload, new Date('2026-11-27T10:00:00Z')).pauseRemainingSeconds).toBe(30);
    expect(toRolloutView(rollout, workload, new Date('2026-11-27T10:00:29.5Z')).pauseRemainingSeconds).toBe(1);
    expect(toRolloutView(rollout, workload, new Date('2026-11-27T10:05:00Z')).pauseRemainingSeconds).toBe(0);
    rollout.spec.strategy!.canary!.steps![0]!.pause = {};
    expect(toRolloutView(rollout, workload, NOW).pauseRemainingSeconds).toBeNull();
  });
});

describe('JSON view', () => {
  test('stable shape: derived and raw fields, nulls for missing values', () => {
    const { rollout, workload } = scenario('canary-step-paused');
    const view = toRolloutView(rollout, workload, NOW);
    expect(JSON.parse(JSON.stringify(view))).toEqual({
      kind: 'RolloutStatusView',
      apiVersion: 'kruise.cli/v1',
      name: 'rollouts-demo',
      namespace: 'default',
      rolloutApiVersion: 'rollouts.kruise.io/v1beta1',
      generation: 1,
      observedGeneration: 1,
      phase: 'Progressing',
      message: 'Rollout is in step(1/3), and you need manually confirm to enter the next step',
      style: 'Partition',
      currentStepIndex: 1,
      currentStepState: 'StepPaused',
      nextStepIndex: 2,
      totalSteps: 3,
      lastUpdateTime: '2026-11-27T09:59:30Z',
      finalisingStep: null,
      subStatus: 'canaryStatus',
      subStatusMessage: 'BatchRelease is at state Ready, rollout-id 6d8f7c9b54, step 1',
      pauseRemainingSeconds: null,
      steps: [
        { index: 1, replicas: '1', traffic: null, planned: 1, pause: 'manual', pauseSeconds: null, current: true },
        { index: 2, replicas: '50%', traffic: null, planned: 5, pause: 'manual', pauseSeconds: null, current: false },
        { index: 3, replicas: '100%', traffic: null, planned: 10, pause: 'none', pauseSeconds: null, current: false },
      ],
      batch: { planned: 1, updated: 1, ready: 1 },
      revisions: { stable: '5b7c9f8d6', canary: '6d8f7c9b54' },
      rolloutId: { observed: '6d8f7c9b54', workload: null },
      workload: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'workload-demo', found: true, generation: 2, replicas: 10 },
      observedWorkloadGeneration: 2,
      paused: false,
      disabled: false,
      deleting: false,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'InRolling',
          message: 'Rollout is in Progressing',
          lastTransitionTime: '2026-11-27T09:59:00Z',
        },
      ],
      done: false,
      waitingForApproval: true,
      currentRelease: true,
      cancelled: false,
      images: { stable: null, canary: ['busybox:latest'] },
      pods: null,
      podGroups: null,
      traffic: null,
      blueGreen: null,
    });
  });

  test('pods, images and traffic as data (fields added, none renamed)', () => {
    const c = podsCase();
    const view = toRolloutView(c.rollout, c.workload, NOW, null, c.pods);
    expect(view.images).toEqual({ stable: ['busybox:1.36'], canary: ['busybox:1.37'] });
    expect(view.podGroups).toEqual([
      { revision: 'canary', batch: '1', ready: 0, total: 2 },
      { revision: 'stable', batch: null, ready: 8, total: 9 },
    ]);
    expect(view.pods![0]).toEqual({
      name: 'workload-demo-6d8f7c9b54-aaaaa',
      ready: '0/1',
      isReady: false,
      status: 'CrashLoopBackOff',
      restarts: 5,
      batch: '1',
      revision: 'canary',
      revisionHash: '6d8f7c9b54',
      creationTimestamp: '2026-11-27T09:55:00Z',
      ageSeconds: 300,
    });
    expect(view.pods!.map((p) => p.status)).toContain('ImagePullBackOff');
    expect(view.pods!.map((p) => p.status)).toContain('ContainerCreating');
  });
});

describe('--pods', () => {
  test('lists every pod in kubectl columns, not only those not ready', () => {
    const c = podsCase();
    const view = toRolloutView(c.rollout, c.workload, NOW, null, c.pods);
    const text = renderRolloutText(view, { chalk: plain, allPods: true });
    expect(text).toContain('  NAME                            READY  BATCH  REVISION  AGE  RESTARTS  STATUS');
    expect(text).toContain('  workload-demo-5b7c9f8d6-s0      1/1    -      stable    5m   0         Running');
    expect(text.split('\n').filter((l) => l.includes('workload-demo-'))).toHaveLength(11);
    expect(
      renderRolloutText(view, { chalk: plain })
        .split('\n')
        .filter((l) => l.includes('workload-demo-')),
    ).toHaveLength(3);
  });
});
