import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/kube/types.js';
import type { RolloutStatus } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { podTemplateHash } from '../../src/workload/hash.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read, remove, seedScenario, update } from '../fixtures/seed.js';
import { startWatch, stopAll, waitFor, watchesOpened, watchKind, watchRequests } from './harness.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ port: 0, podReadyDelayMs: 0, builtinControllers: false });
});
afterEach(async () => {
  await stopAll();
  await sb.close();
});

const MANUAL = 'and you need manually confirm to enter the next step';
const UPGRADE = 'and upgrade workload to new version';

/** The status of a release at generation `gen` that completed (Healthy, Succeeded), with `message`. */
const completed = (gen: number, message = 'done'): RolloutStatus =>
  status(gen, { phase: 'Healthy', step: 3, state: 'Completed', updated: 10, ready: 10, reason: 'Completed', succeeded: 'True', message });

/** A v1beta1 status of the release at workload generation `gen`. */
function status(
  gen: number,
  s: {
    phase?: string;
    step: number;
    state: string;
    updated: number;
    ready: number;
    message?: string;
    reason?: string;
    succeeded?: 'True' | 'False';
  },
): RolloutStatus {
  const conditions: RolloutStatus['conditions'] = [
    {
      type: 'Progressing',
      status: s.reason === 'Completed' ? 'False' : 'True',
      reason: s.reason ?? 'InRolling',
      message: 'Rollout is in Progressing',
    },
  ];
  if (s.succeeded) conditions.push({ type: 'Succeeded', status: s.succeeded });
  return {
    observedGeneration: 1,
    phase: s.phase ?? 'Progressing',
    message: s.message ?? `Rollout is in step(${s.step}/3), ${s.state === 'StepPaused' ? MANUAL : UPGRADE}`,
    currentStepIndex: s.step,
    currentStepState: s.state,
    conditions,
    canaryStatus: {
      observedWorkloadGeneration: gen,
      observedRolloutID: 'r',
      stableRevision: 'stable1',
      podTemplateHash: 'canary2',
      canaryRevision: 'canary2',
      currentStepIndex: s.step,
      nextStepIndex: s.step < 3 ? s.step + 1 : -1,
      finalisingStep: '',
      currentStepState: s.state,
      canaryReplicas: s.updated,
      canaryReadyReplicas: s.ready,
    },
  };
}

/** The guide's objects: workload-demo (10 replicas) at version-1 and rollouts-demo, first deploy done. */
async function seedFirstDeploy(): Promise<{ rollout: KubeObject; workload: KubeObject }> {
  const seeded = await seedScenario(sb.url, scenario('healthy-first-deploy'));
  return { rollout: seeded.rollout, workload: seeded.workload! };
}

/** Changes the workload's VERSION env (a new template: a new release); returns the new generation. */
async function setVersion(workload: KubeObject, version: string): Promise<number> {
  const updated = await update<KubeObject>(sb.url, workload, (d) => {
    d.spec.template.spec.containers[0].env[0].value = version;
  });
  return updated.metadata.generation!;
}

describe('rollout watch: non-TTY transcript', () => {
  test('the guide walkthrough, watched from start to end (--until completed)', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo']);
    await watchesOpened(sb, 2);
    await waitFor(() => w.lines().length === 1, 'the first line');
    const steps: [string, RolloutStatus][] = [
      [
        '10:00:01',
        status(gen, {
          step: 1,
          state: 'BeforeStepUpgrade',
          updated: 0,
          ready: 0,
          reason: 'Initializing',
          message: 'Rollout is in Progressing',
        }),
      ],
      ['10:00:02', status(gen, { step: 1, state: 'StepUpgrade', updated: 0, ready: 0 })],
      ['10:00:03', status(gen, { step: 1, state: 'StepUpgrade', updated: 1, ready: 0 })],
      ['10:00:04', status(gen, { step: 1, state: 'StepPaused', updated: 1, ready: 1 })],
      ['10:00:05', status(gen, { step: 2, state: 'StepUpgrade', updated: 5, ready: 1 })],
      ['10:00:06', status(gen, { step: 2, state: 'StepPaused', updated: 5, ready: 5 })],
      ['10:00:07', status(gen, { step: 3, state: 'StepUpgrade', updated: 10, ready: 10 })],
      [
        '10:00:08',
        status(gen, {
          step: 3,
          state: 'Completed',
          updated: 10,
          ready: 10,
          reason: 'Finalising',
          message: 'Rollout has been completed and some closing work is being done',
        }),
      ],
      ['10:00:09', completed(gen, 'Rollout progressing has been completed')],
    ];
    for (const [i, [time, st]] of steps.entries()) {
      w.setNow(`2026-11-27T${time}Z`);
      await putStatus(sb.url, rollout, st);
      // A repeated write of the same status must not print a line (deduplicated).
      if (i === 3) await putStatus(sb.url, rollout, st);
      await waitFor(() => w.lines().length >= i + 2, `line ${i + 2}`);
    }
    expect(await w.code).toBe(0);
    expect(w.stderr()).toBe('');
    expect(w.stdout()).toBe(
      [
        '2026-11-27T10:00:00Z rollouts-demo Healthy step 3/3 Completed (planned 10, updated 0, ready 0) (the controller has not seen the new template yet) — workload deployment is completed',
        '2026-11-27T10:00:01Z rollouts-demo Progressing step 1/3 BeforeStepUpgrade (planned 1, updated 0, ready 0) — Rollout is in Progressing',
        '2026-11-27T10:00:02Z rollouts-demo Progressing step 1/3 StepUpgrade (planned 1, updated 0, ready 0) — Rollout is in step(1/3), and upgrade workload to new version',
        '2026-11-27T10:00:03Z rollouts-demo Progressing step 1/3 StepUpgrade (planned 1, updated 1, ready 0) — Rollout is in step(1/3), and upgrade workload to new version',
        '2026-11-27T10:00:04Z rollouts-demo Progressing step 1/3 StepPaused (planned 1, updated 1, ready 1) — Rollout is in step(1/3), and you need manually confirm to enter the next step',
        '2026-11-27T10:00:05Z rollouts-demo Progressing step 2/3 StepUpgrade (planned 5, updated 5, ready 1) — Rollout is in step(2/3), and upgrade workload to new version',
        '2026-11-27T10:00:06Z rollouts-demo Progressing step 2/3 StepPaused (planned 5, updated 5, ready 5) — Rollout is in step(2/3), and you need manually confirm to enter the next step',
        '2026-11-27T10:00:07Z rollouts-demo Progressing step 3/3 StepUpgrade (planned 10, updated 10, ready 10) — Rollout is in step(3/3), and upgrade workload to new version',
        '2026-11-27T10:00:08Z rollouts-demo Progressing step 3/3 Completed (planned 10, updated 10, ready 10) — Rollout has been completed and some closing work is being done',
        '2026-11-27T10:00:09Z rollouts-demo Healthy step 3/3 Completed (planned 10, updated 10, ready 10) — Rollout progressing has been completed',
        '2026-11-27T10:00:09Z rollout/rollouts-demo is completed: the release completed',
        '',
      ].join('\n'),
    );
    // No polling, one request per stream: a watch list for the Rollout, one for its Deployment.
    const streams = sb.requests.filter((r) => r.method === 'GET' && (r.path.endsWith('/rollouts') || r.path.endsWith('/deployments')));
    expect(streams.map((r) => `${r.path} ${watchKind(r.query)}`)).toEqual([
      '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts watch-list',
      '/apis/apps/v1/namespaces/default/deployments watch-list',
    ]);
    expect(watchRequests(sb)).toHaveLength(2);
  });

  test('-o json: one JSON object per change (NDJSON) with time', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '-o', 'json']);
    await watchesOpened(sb, 2);
    await waitFor(() => w.lines().length === 1, 'the first object');
    w.setNow('2026-11-27T10:00:01Z');
    await putStatus(sb.url, rollout, status(gen, { step: 1, state: 'StepUpgrade', updated: 1, ready: 0 }));
    await waitFor(() => w.lines().length === 2, 'the second object');
    w.setNow('2026-11-27T10:00:02Z');
    await putStatus(sb.url, rollout, status(gen, { step: 1, state: 'StepPaused', updated: 1, ready: 1 }));
    expect(await w.code).toBe(0);
    const objects = w.lines().map((l) => JSON.parse(l));
    expect(
      objects.map((o) => [
        o.time,
        o.kind,
        o.phase,
        o.currentStepIndex,
        o.currentStepState,
        o.batch.updated,
        o.currentRelease,
        o.waitingForApproval,
        o.done,
      ]),
    ).toEqual([
      ['2026-11-27T10:00:00Z', 'RolloutStatusView', 'Healthy', 3, 'Completed', 0, false, false, false],
      ['2026-11-27T10:00:01Z', 'RolloutStatusView', 'Progressing', 1, 'StepUpgrade', 1, true, false, false],
      ['2026-11-27T10:00:02Z', 'RolloutStatusView', 'Progressing', 1, 'StepPaused', 1, true, true, false],
    ]);
    expect(w.stderr()).toBe('');
  });

  test('a stale Completed status from the previous release does not end the wait', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--until', 'completed']);
    await watchesOpened(sb, 2);
    // The controller re-writes the old status (e.g. a resync): still the previous release.
    const old = (await read<KubeObject>(sb.url, rollout)).status;
    await putStatus(sb.url, rollout, { ...old, message: 'rollout is healthy' });
    await waitFor(() => w.lines().length === 2, 'two lines');
    expect(w.lines()[1]).toContain('(the controller has not seen the new template yet) — rollout is healthy');
    // Now the controller reports the new generation as completed.
    await putStatus(sb.url, rollout, completed(gen));
    expect(await w.code).toBe(0);
    expect(w.lines()).toHaveLength(4);
  });
});

describe('rollout watch: cannot hold (exit 4)', () => {
  test('rollback during --until completed: the workload returns to the stable template', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const v1 = (await read<KubeObject>(sb.url, workload)).spec.template;
    const gen = await setVersion(workload, 'version-2');
    const st = status(gen, { step: 1, state: 'StepPaused', updated: 1, ready: 1 });
    st.canaryStatus!.stableRevision = podTemplateHash(v1);
    await putStatus(sb.url, rollout, st);
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo']);
    await watchesOpened(sb, 2);
    await waitFor(() => w.lines().length === 1, 'the first line');
    await setVersion(workload, 'version-1');
    expect(await w.code).toBe(4);
    expect(w.stderr()).toBe('error: rollout/rollouts-demo cannot be completed: the workload was rolled back to the stable revision\n');
  });

  test('the controller cancels the release (Progressing False, "canceled", Succeeded False)', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    await putStatus(sb.url, rollout, status(gen, { step: 2, state: 'StepUpgrade', updated: 3, ready: 3 }));
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo']);
    await watchesOpened(sb, 2);
    const cancelled = status(gen, {
      phase: 'Healthy',
      step: 2,
      state: 'StepPaused',
      updated: 3,
      ready: 3,
      reason: 'Completed',
      succeeded: 'False',
      message: 'Rollout progressing has been canceled',
    });
    cancelled.conditions![0]!.message = 'Rollout progressing has been canceled';
    await putStatus(sb.url, rollout, cancelled);
    expect(await w.code).toBe(4);
    expect(w.stderr()).toBe('error: rollout/rollouts-demo cannot be completed: the release was cancelled (rolled back)\n');
  });

  test('a newer release supersedes the awaited one; disabling and deleting end the wait', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    await putStatus(sb.url, rollout, status(gen, { step: 1, state: 'StepUpgrade', updated: 0, ready: 0 }));
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--until', 'paused']);
    await watchesOpened(sb, 2);
    await setVersion(workload, 'version-3');
    expect(await w.code).toBe(4);
    expect(w.stderr()).toBe(
      'error: rollout/rollouts-demo cannot be paused: superseded by a newer release (the workload template changed)\n',
    );

    const before = watchRequests(sb).length;
    const d = startWatch(sb, ['rollout', 'watch', 'rollouts-demo']);
    await watchesOpened(sb, before + 2);
    await update<KubeObject>(sb.url, rollout, (r) => void (r.spec.disabled = true));
    expect(await d.code).toBe(4);
    expect(d.stderr()).toBe('error: rollout/rollouts-demo cannot be completed: the rollout is disabled\n');

    await update<KubeObject>(sb.url, rollout, (r) => void (r.spec.disabled = false));
    const gone = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '-o', 'json']);
    await watchesOpened(sb, before + 4);
    await remove(sb.url, rollout);
    expect(await gone.code).toBe(4);
    expect(gone.stderr()).toBe('error: rollout/rollouts-demo cannot be completed: the rollout was deleted\n');
    expect(JSON.parse(gone.lines().at(-1)!)).toEqual({
      time: '2026-11-27T10:00:00Z',
      kind: 'RolloutStatusView',
      apiVersion: 'kruise.cli/v1',
      name: 'rollouts-demo',
      deleted: true,
    });
  });
});

describe('rollout watch: connections', () => {
  test('survives a server restart: connection refused for a while, then resumes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kruise-watch-'));
    await sb.close();
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, builtinControllers: false, dataDir });
    const port = sb.port;
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--timeout', '20s']);
    await watchesOpened(sb, 2);
    await sb.close();
    await new Promise((r) => setTimeout(r, 300)); // the watcher meets ECONNREFUSED meanwhile
    sb = await createSandbox({ port, podReadyDelayMs: 0, builtinControllers: false, dataDir });
    await putStatus(sb.url, rollout, completed(gen));
    expect(await w.code).toBe(0);
    expect(w.stderr()).toBe('');
    expect(w.lines().at(-1)).toBe('2026-11-27T10:00:00Z rollout/rollouts-demo is completed: the release completed');
  });

  test('a dropped watch resumes from the last resourceVersion', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--until', 'paused']);
    await watchesOpened(sb, 2);
    const written = await putStatus<KubeObject>(sb.url, rollout, status(gen, { step: 1, state: 'StepUpgrade', updated: 1, ready: 0 }));
    await waitFor(() => w.lines().length === 2, 'the StepUpgrade line');
    expect(sb.dropWatches()).toBe(2);
    await watchesOpened(sb, 4);
    const resumed = watchRequests(sb).filter((r) => r.path.endsWith('/rollouts'));
    expect(resumed.map((r) => r.resourceVersion)).toHaveLength(2);
    expect(resumed[1]!.resourceVersion).toBe(written.metadata.resourceVersion);
    await putStatus(sb.url, rollout, status(gen, { step: 1, state: 'StepPaused', updated: 1, ready: 1 }));
    expect(await w.code).toBe(0);
    expect(w.lines().map((l) => l.replace(/ — .*/, ''))).toEqual([
      '2026-11-27T10:00:00Z rollouts-demo Healthy step 3/3 Completed (planned 10, updated 0, ready 0) (the controller has not seen the new template yet)',
      '2026-11-27T10:00:00Z rollouts-demo Progressing step 1/3 StepUpgrade (planned 1, updated 1, ready 0)',
      '2026-11-27T10:00:00Z rollouts-demo Progressing step 1/3 StepPaused (planned 1, updated 1, ready 1)',
      '2026-11-27T10:00:00Z rollout/rollouts-demo is paused: step 1 is waiting for approval',
    ]);
  });

  test('410 Gone as an HTTP answer to the resumed watch: start again with a watch list', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--until', 'paused']);
    await watchesOpened(sb, 2);
    const rollouts = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
    sb.faults.failNext('GET', rollouts, 410);
    const before = sb.requests.length;
    sb.dropWatches();
    await waitFor(
      () => sb.requests.slice(before).filter((r) => r.path === rollouts && r.query.watch === 'true').length === 2,
      'a second rollout watch',
    );
    // A streaming watch has no final status until it ends (0).
    // One request again: a new watch list, no separate list.
    expect(
      sb.requests
        .slice(before)
        .filter((r) => r.path === rollouts)
        .map((r) => `${watchKind(r.query)} ${r.status}`),
    ).toEqual(['watch 410', 'watch-list 0']);
    await putStatus(sb.url, rollout, status(gen, { step: 1, state: 'StepPaused', updated: 1, ready: 1 }));
    expect(await w.code).toBe(0);
  });

  test('410 Gone as an ERROR event (history compacted while disconnected): start again with a watch list', async () => {
    await sb.close();
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, builtinControllers: false, historyLimit: 4 });
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const filler = scenario('healthy-first-deploy').workload!;
    filler.metadata.name = 'filler';
    await create(sb.url, filler);
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--until', 'paused']);
    await watchesOpened(sb, 2);
    const rollouts = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
    // Before the resumed watch is served, enough writes elsewhere push its resourceVersion out of the history.
    sb.faults.before(
      async () => {
        for (let i = 0; i < 8; i++) await update<KubeObject>(sb.url, filler, (d) => void (d.metadata.annotations = { n: String(i) }));
      },
      { method: 'GET', path: rollouts, times: 1 },
    );
    const before = sb.requests.length;
    sb.dropWatches();
    await waitFor(
      () => sb.requests.slice(before).filter((r) => r.path === rollouts && r.query.watch === 'true').length === 2,
      'a second rollout watch',
    );
    expect(
      sb.requests
        .slice(before)
        .filter((r) => r.path === rollouts)
        .map((r) => watchKind(r.query)),
    ).toEqual(['watch', 'watch-list']);
    await putStatus(sb.url, rollout, status(gen, { step: 1, state: 'StepPaused', updated: 1, ready: 1 }));
    expect(await w.code).toBe(0);
  });

  test('--timeout: exit 3 (total, not per object), several rollouts exit with the worst code', async () => {
    const { workload } = await seedFirstDeploy();
    await setVersion(workload, 'version-2'); // the status stays the previous release's: waiting
    const other = scenario('healthy-first-deploy');
    other.rollout.metadata.name = 'other';
    other.rollout.spec.workloadRef!.name = 'other-workload';
    other.workload!.metadata.name = 'other-workload';
    await seedScenario(sb.url, other); // first deploy done: holds at once
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--timeout', '300ms']);
    expect(await w.code).toBe(3);
    expect(w.stderr()).toMatch(/^error: timed out after \d+ms waiting for rollout\/rollouts-demo to be completed(: .*)?\n$/);
    const both = startWatch(sb, ['rollout', 'watch', 'other', 'rollouts-demo', '--timeout', '300ms']);
    expect(await both.code).toBe(3);
    expect(both.stderr()).toMatch(/^error: timed out after \d+ms waiting for rollout\/rollouts-demo to be completed(: .*)?\n$/);
    expect(both.lines().at(-1)).toBe('2026-11-27T10:00:00Z rollout/other is completed: the release completed');
  });

  test('a rollout that does not exist: exit 1, like kubectl', async () => {
    const w = startWatch(sb, ['rollout', 'watch', 'nope']);
    expect(await w.code).toBe(1);
    expect(w.stderr()).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
  });
});

describe('rollout status -w', () => {
  test('is watch --until completed', async () => {
    const { rollout, workload } = await seedFirstDeploy();
    const gen = await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'status', 'rollouts-demo', '-w', '--timeout', '20s']);
    await watchesOpened(sb, 2);
    await putStatus(sb.url, rollout, completed(gen));
    expect(await w.code).toBe(0);
    expect(w.lines()).toEqual([
      '2026-11-27T10:00:00Z rollouts-demo Healthy step 3/3 Completed (planned 10, updated 0, ready 0) (the controller has not seen the new template yet) — workload deployment is completed',
      '2026-11-27T10:00:00Z rollouts-demo Healthy step 3/3 Completed (planned 10, updated 10, ready 10) — done',
      '2026-11-27T10:00:00Z rollout/rollouts-demo is completed: the release completed',
    ]);
  });

  test('-w --timeout: exit 3', async () => {
    const { workload } = await seedFirstDeploy();
    await setVersion(workload, 'version-2');
    const w = startWatch(sb, ['rollout', 'status', 'rollouts-demo', '-w', '--timeout', '200ms']);
    expect(await w.code).toBe(3);
    expect(w.stderr()).toMatch(/^error: timed out after \d+ms waiting for rollout\/rollouts-demo to be completed(: .*)?\n$/);
  });
});
