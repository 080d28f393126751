// `rollout undo` and `rollout history` through the real binary against the sandbox running the
// rollout controller: the rollback cancels the release and every pod goes back; --fast jumps back a
// step; --to-revision; conflicts re-read; bad inputs write nothing.

import { renderHistoryText } from '../../src/render/history-text.js';
import { toHistoryView } from '../../src/rollout/history.js';
import type { Rollout } from '../../src/rollout/types.js';
import { planFastUndo, UndoMessage } from '../../src/rollout/undo.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { Deployment } from '../../src/workload/types.js';
import { loadExample, send } from '../scenarios/helpers.js';
import {
  approveTo,
  condition,
  controllerSandbox,
  guide,
  kruise,
  quiet,
  readyPods,
  releaseTo,
  requests,
  rolloutOf,
  until,
} from './helpers.js';

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments/workload-demo';
const deploymentOf = (sb: Sandbox) => sb.store.get<Deployment>('deployments', 'default', 'workload-demo')!;
const version = (d: Deployment) => d.spec.template.spec?.containers?.[0]?.env?.find((e) => e.name === 'VERSION')?.value;

let sb: Sandbox;
beforeEach(async () => {
  sb = await controllerSandbox();
  await guide(sb);
});
afterEach(() => sb.close());

describe('rollout undo (real binary, sandbox)', () => {
  it('mid-release: the Deployment goes back to the stable template with one PUT; the release is cancelled and every pod is version-1', async () => {
    await releaseTo(sb, 'version-2', 1);
    await approveTo(sb, 2);
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'undo', 'rollout/rollouts-demo');
    expect(r).toEqual({ code: 0, stdout: 'deployment.apps/workload-demo rolled back (to revision 1)\n', stderr: '' });
    // The command's own requests come first: read the Rollout, the Deployment, its ReplicaSets; one update.
    expect(requests(sb, from).slice(0, 4)).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo',
      `GET ${DEPLOY}`,
      'GET /apis/apps/v1/namespaces/default/replicasets',
      `PUT ${DEPLOY}`,
    ]);
    await until(sb, 'cancelled and back to version-1', () => {
      const ro = rolloutOf(sb);
      return ro.status?.phase === 'Healthy' && condition(ro, 'Succeeded')?.status === 'False' && readyPods(sb, 'version-1') === 10;
    });
    expect(readyPods(sb, 'version-2')).toBe(0);
    expect(version(deploymentOf(sb))).toBe('version-1');
  });

  it('a 409 on the Deployment re-reads it and plans again', async () => {
    await releaseTo(sb, 'version-2', 1);
    const from = await quiet(sb);
    sb.faults.failNext('PUT', /deployments\/workload-demo$/, 409);
    const r = await kruise(sb, 'rollout', 'undo', 'rollouts-demo');
    expect(r.code).toBe(0);
    expect(requests(sb, from).slice(0, 7)).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo',
      `GET ${DEPLOY}`,
      'GET /apis/apps/v1/namespaces/default/replicasets',
      `PUT ${DEPLOY}`,
      `GET ${DEPLOY}`,
      'GET /apis/apps/v1/namespaces/default/replicasets',
      `PUT ${DEPLOY}`,
    ]);
    await until(sb, 'back to version-1', () => readyPods(sb, 'version-1') === 10);
  });

  it('--fast at step 2 jumps back to step 1 (nextStepIndex) without cancelling the release', async () => {
    await releaseTo(sb, 'version-2', 1);
    await approveTo(sb, 2);
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'undo', 'rollouts-demo', '--fast');
    expect(r).toEqual({ code: 0, stdout: 'rollout.rollouts.kruise.io/rollouts-demo rolled back (to step 1)\n', stderr: '' });
    expect(requests(sb, from).slice(0, 2)).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo',
      'PUT /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo/status',
    ]);
    await until(sb, 'step 1 again', () => {
      const s = rolloutOf(sb).status?.canaryStatus;
      return s?.currentStepIndex === 1 && s.currentStepState === 'StepPaused';
    });
    expect(rolloutOf(sb).status?.phase).toBe('Progressing');
  });

  it('--to-revision N takes that revision; at rest, plain undo goes to the previous one (kubectl)', async () => {
    await releaseTo(sb, 'version-2', 1);
    await approveTo(sb, 2);
    await kruise(sb, 'rollout', 'approve', 'rollouts-demo');
    await until(sb, 'release done', () => rolloutOf(sb).status?.phase === 'Healthy' && readyPods(sb, 'version-2') === 10);
    const h = await kruise(sb, 'rollout', 'history', 'rollouts-demo', '-o', 'json');
    const revs = JSON.parse(h.stdout).revisions as { revision: number; current: boolean }[];
    expect(revs.map((x) => [x.revision, x.current])).toEqual([
      [1, false],
      [2, true],
    ]);
    const r = await kruise(sb, 'rollout', 'undo', 'rollouts-demo', '--to-revision', '2');
    expect(r).toEqual({
      code: 0,
      stdout: 'deployment.apps/workload-demo skipped rollback (current template already matches revision 2)\n',
      stderr: '',
    });
    const back = await kruise(sb, 'rollout', 'undo', 'rollouts-demo');
    expect(back.stdout).toBe('deployment.apps/workload-demo rolled back (to revision 1)\n');
    expect(version(deploymentOf(sb))).toBe('version-1');
  });

  it.each([
    [['--to-revision', 'two'], 2, /^error: invalid --to-revision "two": use a revision number from 1 \(see rollout history\)\n$/, false],
    [
      ['--fast', '--to-revision', '1'],
      2,
      /^error: --fast goes back to an earlier step of the release; it takes no --to-revision\n$/,
      false,
    ],
    [['--to-revision', '9'], 1, /^error: deployments.apps "workload-demo" unable to find specified revision 9 in history\n$/, true],
    [
      ['--fast'],
      1,
      /^error: rollouts.rollouts.kruise.io "rollouts-demo" is already at the first step: --fast has no earlier step to go back to\n$/,
      true,
    ],
  ])('%j: exit %d, one error line, no write', async (args, code, stderr, reads) => {
    await releaseTo(sb, 'version-2', 1);
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'undo', 'rollouts-demo', ...args);
    expect(r).toEqual({ code, stdout: '', stderr: expect.stringMatching(stderr) });
    expect(requests(sb, from, true)).toEqual([]);
    if (!reads) expect(requests(sb, from)).toEqual([]);
  });

  it('a workload other than a Deployment: refused, exit 1, no write', async () => {
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'clones';
    ro.spec.workloadRef = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'web' };
    await send(sb, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', ro);
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'undo', 'clones');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: undo supports Deployment workloads; the workload is CloneSet "web"\n' });
    expect(requests(sb, from, true)).toEqual([]);
    const h = await kruise(sb, 'rollout', 'history', 'clones');
    expect(h).toEqual({ code: 1, stdout: '', stderr: 'error: history supports Deployment workloads; the workload is CloneSet "web"\n' });
  });

  it('a missing rollout: NotFound, exit 1, no write', async () => {
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'undo', 'nope');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n',
    });
    expect(requests(sb, from, true)).toEqual([]);
  });
});

describe('rollout history (real binary, sandbox)', () => {
  it('the revisions with images, release time, pods and roles; reads only', async () => {
    await releaseTo(sb, 'version-2', 1);
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'history', 'rollouts-demo');
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('rollout.rollouts.kruise.io/rollouts-demo: deployment.apps/workload-demo');
    expect(lines[1]).toMatch(/^REVISION +HASH +IMAGES +RELEASED +PODS +ROLE$/);
    expect(lines[2]).toMatch(/^1 +\w+ +busybox=busybox:latest +\d{4}-\d\d-\d\dT\S+Z \(\S+ ago\) +9\/9 +stable$/);
    expect(lines[3]).toMatch(/^2 +\w+ +busybox=busybox:latest +\S+ \(\S+ ago\) +1\/1 +current,canary$/);
    expect(lines).toHaveLength(4);
    expect(requests(sb, from, true)).toEqual([]);
  });

  it('a cluster without the RolloutHistory API (this sandbox: 404) still shows the revisions, and no records', async () => {
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'history', 'rollouts-demo', '-o', 'json');
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'RolloutHistoryView', records: [], revisions: [{ revision: 1, current: true }] });
    expect(requests(sb, from)).toContain('GET /apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouthistories');
  });

  it('RolloutHistory records of this rollout are shown after the revisions', () => {
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml') as Rollout;
    const d = loadExample('docs_basic-usage_deployment_workload-demo.yaml') as Deployment;
    const record = (name: string, rollout: string) => ({
      apiVersion: 'rollouts.kruise.io/v1alpha1',
      kind: 'RolloutHistory',
      metadata: { name, creationTimestamp: '2026-11-27T09:00:00Z' },
      spec: { rollout: { name: rollout, rolloutID: 'v2' } },
      status: { phase: 'completed', canarySteps: [{ canaryStepIndex: 1 }, { canaryStepIndex: 2 }] },
    });
    const view = toHistoryView(ro, d, [], [record('rollouts-demo-abc', 'rollouts-demo'), record('other-x', 'other')]);
    expect(view.records).toEqual([
      { name: 'rollouts-demo-abc', rolloutId: 'v2', phase: 'completed', steps: 2, created: '2026-11-27T09:00:00Z' },
    ]);
    expect(renderHistoryText(view, new Date('2026-11-27T10:00:00Z'))).toBe(
      [
        'rollout.rollouts.kruise.io/rollouts-demo: deployment.apps/workload-demo',
        'No revisions: the workload has no ReplicaSets yet.',
        '',
        'RolloutHistory records:',
        'RECORD              ROLLOUT-ID   PHASE       STEPS   AGE',
        'rollouts-demo-abc   v2           completed   2       60m',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['a', 'b'], 2, /^error: history takes one rollout\n$/],
    [['rollouts-demo', '-o', 'wide'], 2, /^error: unable to match a printer/],
    [['nope'], 1, /^Error from server \(NotFound\): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n$/],
  ])('%j: exit %d, one error line', async (args, code, stderr) => {
    const r = await kruise(sb, 'rollout', 'history', ...args);
    expect(r).toEqual({ code, stdout: '', stderr: expect.stringMatching(stderr) });
  });
});

describe('planFastUndo (pure): upstream DefaultFastRollbackFunc', () => {
  const at = (steps: unknown[], cur: number): Rollout => {
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml') as Rollout;
    ro.spec.strategy!.canary!.steps = steps as never;
    ro.status = { phase: 'Progressing', canaryStatus: { currentStepIndex: cur, nextStepIndex: cur + 1, currentStepState: 'StepPaused' } };
    return ro;
  };
  it('the earlier step with no traffic and the most replicas; ties go to the later step', () => {
    const steps = [{ replicas: 2 }, { replicas: '20%' }, { replicas: '50%', traffic: '50%' }, { replicas: '100%' }];
    expect(planFastUndo(at(steps, 4))).toMatchObject({ kind: 'write', step: 2 });
    expect(planFastUndo(at([{ replicas: '20%' }, { replicas: '20%' }, { replicas: '100%' }], 3))).toMatchObject({ step: 2 });
  });
  it('refuses the first step, a step past the plan, only-traffic steps, v1alpha1', () => {
    expect(planFastUndo(at([{ replicas: 1 }, { replicas: 2 }], 1))).toEqual({ kind: 'refuse', message: UndoMessage.fastFirst });
    expect(planFastUndo(at([{ replicas: 1 }, { replicas: 2 }], 5))).toEqual({ kind: 'refuse', message: UndoMessage.fastSteps(2, 5) });
    expect(planFastUndo(at([{ replicas: 1, traffic: '10%' }, { replicas: 2 }], 2))).toEqual({
      kind: 'refuse',
      message: UndoMessage.fastNoStep,
    });
    const alpha = at([{ replicas: 1 }, { replicas: 2 }], 2);
    alpha.apiVersion = 'rollouts.kruise.io/v1alpha1';
    expect(planFastUndo(alpha)).toEqual({ kind: 'refuse', message: UndoMessage.fastAlpha });
  });
});
