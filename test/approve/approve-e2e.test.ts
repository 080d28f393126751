// `rollout approve` against the sandbox over real HTTP: the request count, the race with the
// controller's status writes, concurrent approvers, dry-run, v1alpha1, blue-green and -o.
import { parse as parseYaml } from 'yaml';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read } from '../fixtures/seed.js';
import { runBinary, runCli } from '../helpers/cli.js';

const RO = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
const NOW = '2026-11-27T10:00:00Z'; // runCli's fixed clock

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false, podReadyDelayMs: 0 });
});
afterEach(async () => {
  await sb.close();
});

/** Seeds the canary scenario paused at step 1 (optionally renamed) and clears the request log. */
async function seedPaused(name = 'rollouts-demo', file = 'canary-step-paused'): Promise<Rollout> {
  const { rollout } = scenario(file);
  rollout.metadata.name = name;
  rollout.spec.workloadRef!.name = `${name}-workload`;
  await create(sb.url, rollout);
  const stored = await putStatus<Rollout>(sb.url, rollout, rollout.status);
  sb.requests.length = 0;
  return stored;
}

const approve = (...args: string[]) => runCli(['rollout', 'approve', ...args, '--server', sb.url]);
const log = () => sb.requests.map((r) => `${r.method} ${r.path.replace(RO, 'RO')} ${r.status}`);

/** Status as written by the controller, i.e. what a stale writer could clobber. */
function controllerWrite(ro: Rollout, change: (s: NonNullable<Rollout['status']>) => void): NonNullable<Rollout['status']> {
  const status = structuredClone(ro.status!);
  change(status);
  return status;
}

describe('rollout approve (sandbox)', () => {
  it('uncontended: exactly GET + PUT /status, StepReady in the sub-status and the mirror, every other field kept', async () => {
    const before = await seedPaused();
    const r = await approve('rollout/rollouts-demo');
    expect(r).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
    expect(log()).toEqual(['GET RO/rollouts-demo 200', 'PUT RO/rollouts-demo/status 200']);
    const after = await read<Rollout>(sb.url, before);
    const expected = structuredClone(before.status!);
    expected.canaryStatus!.currentStepState = 'StepReady';
    expected.canaryStatus!.lastUpdateTime = NOW;
    expected.currentStepState = 'StepReady';
    expect(after.status).toEqual(expected);
    expect(after.spec).toEqual(before.spec);
  });

  it("a controller status write between GET and PUT: 409, re-read, approve on top — the controller's fields survive", async () => {
    const before = await seedPaused();
    let injected = false;
    sb.faults.before(
      async () => {
        if (injected) return;
        injected = true;
        await putStatus(
          sb.url,
          before,
          controllerWrite(before, (s) => {
            s.canaryStatus!.message = 'BatchRelease is at state Ready, rollout-id 6d8f7c9b54, step 1 (re-observed)';
            s.canaryStatus!.canaryReadyReplicas = 1;
            s.observedGeneration = 1;
            s.conditions![0]!.lastUpdateTime = '2026-11-27T09:59:59Z';
          }),
        );
      },
      { method: 'PUT', path: 'rollouts-demo/status', times: 1 },
    );
    const r = await approve('rollouts-demo');
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n');
    expect(r.code).toBe(0);
    // The log records a request when it arrives, so approve's stale PUT comes before the hook's GET + PUT.
    expect(log()).toEqual([
      'GET RO/rollouts-demo 200',
      'PUT RO/rollouts-demo/status 409', // approve's PUT, made stale by the hook
      'GET RO/rollouts-demo 200', // the controller (hook) reading
      'PUT RO/rollouts-demo/status 200', // the controller's write
      'GET RO/rollouts-demo 200', // approve re-reads
      'PUT RO/rollouts-demo/status 200', // and approves on top
    ]);
    const after = await read<Rollout>(sb.url, before);
    expect(after.status!.canaryStatus!.message).toBe('BatchRelease is at state Ready, rollout-id 6d8f7c9b54, step 1 (re-observed)');
    expect(after.status!.conditions![0]!.lastUpdateTime).toBe('2026-11-27T09:59:59Z');
    expect(after.status!.canaryStatus!.currentStepState).toBe('StepReady');
    expect(after.status!.currentStepState).toBe('StepReady');
  });

  it('the step moved on between GET and PUT: with --step it is "already approved" and nothing is written', async () => {
    const before = await seedPaused();
    const moved = controllerWrite(before, (s) => {
      s.currentStepIndex = s.canaryStatus!.currentStepIndex = 2;
      s.currentStepState = s.canaryStatus!.currentStepState = 'StepUpgrade';
      s.canaryStatus!.nextStepIndex = 3;
    });
    // The sandbox awaits the hook before it handles approve's PUT.
    sb.faults.before(async () => void (await putStatus(sb.url, before, moved)), { method: 'PUT', path: 'rollouts-demo/status', times: 1 });
    const r = await approve('rollouts-demo', '--step', '1');
    expect(r).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo already approved step 1/3 (the rollout is at step 2/3, StepUpgrade)\n',
      stderr: '',
    });
    const after = await read<Rollout>(sb.url, before);
    expect(after.status).toEqual({ ...moved });
    expect(log().filter((l) => l.startsWith('PUT RO/rollouts-demo/status 200'))).toHaveLength(1); // only the controller's
  });

  it('the step moved on between GET and PUT: without --step it refuses and writes nothing', async () => {
    const before = await seedPaused();
    const moved = controllerWrite(before, (s) => {
      s.currentStepIndex = s.canaryStatus!.currentStepIndex = 2;
      s.currentStepState = s.canaryStatus!.currentStepState = 'StepPaused';
    });
    sb.faults.before(async () => void (await putStatus(sb.url, before, moved)), { method: 'PUT', path: 'rollouts-demo/status', times: 1 });
    const r = await approve('rollouts-demo');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: rollouts.rollouts.kruise.io "rollouts-demo" the rollout moved on to step 2 while approving; nothing was written\n',
    );
    expect((await read<Rollout>(sb.url, before)).status).toEqual(moved);
  });

  it('16 concurrent approvers with --step 1: exactly one approves, the others report already approved; nothing is lost', async () => {
    const before = await seedPaused();
    const results = await Promise.all(Array.from({ length: 16 }, () => approve('rollouts-demo', '--step', '1')));
    const lines = results.map((r) => r.stdout.trim().replace('rollout.rollouts.kruise.io/rollouts-demo ', ''));
    expect(lines.filter((l) => l === 'approved step 1/3 (releasing step 2: 50% of the pods)')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('already approved step 1/3 (the rollout is at step '))).toHaveLength(15);
    expect(results.every((r) => r.code === 0 && r.stderr === '')).toBe(true);
    const after = await read<Rollout>(sb.url, before);
    expect(after.status).toEqual({
      ...before.status,
      currentStepState: 'StepReady',
      canaryStatus: { ...before.status!.canaryStatus, currentStepState: 'StepReady', lastUpdateTime: NOW },
    });
    expect(sb.requests.filter((r) => r.method === 'PUT' && r.status === 200)).toHaveLength(1);
  });

  it('16 concurrent approvers without --step: one approves, the others are refused (exit 1)', async () => {
    await seedPaused();
    const results = await Promise.all(Array.from({ length: 16 }, () => approve('rollouts-demo')));
    expect(
      results.filter(
        (r) =>
          r.code === 0 && r.stdout === 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      ),
    ).toHaveLength(1);
    const refused = results.filter((r) => r.code === 1);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.stderr).toBe(
        'error: rollouts.rollouts.kruise.io "rollouts-demo" does not allow to approve, because current canary state is not \'StepPaused\': step 1/3 is StepReady (updated 1, ready 1); wait with: kubectl-kruise rollout watch rollouts-demo --until paused --step 2\n',
      );
    }
  });

  it('--dry-run sends no write; with -o json it prints the object that would be written', async () => {
    const before = await seedPaused();
    const plain = await approve('rollouts-demo', '--dry-run');
    expect(plain).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods) (dry run)\n',
      stderr: '',
    });
    const asJson = await approve('rollouts-demo', '--dry-run', '-o', 'json');
    const obj = JSON.parse(asJson.stdout) as Rollout;
    expect(obj.status!.canaryStatus!.currentStepState).toBe('StepReady');
    expect(obj.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(sb.requests.every((r) => r.method === 'GET')).toBe(true);
    expect((await read<Rollout>(sb.url, before)).status).toEqual(before.status);
  });

  it('-o json|yaml|name print the object as written (the PUT response)', async () => {
    await seedPaused('a');
    await seedPaused('b');
    await seedPaused('c');
    const j = await approve('a', '-o', 'json');
    const written = JSON.parse(j.stdout) as Rollout;
    expect(written.status!.canaryStatus!.currentStepState).toBe('StepReady');
    expect(written.metadata.resourceVersion).toBe((await read<Rollout>(sb.url, written)).metadata.resourceVersion);
    expect(j.stdout.split('\n')[1]).toMatch(/^ {4}"/); // kubectl indents JSON by 4
    const y = await approve('b', '-o', 'yaml');
    expect((parseYaml(y.stdout) as Rollout).status!.currentStepState).toBe('StepReady');
    const n = await approve('c', '-o', 'name');
    expect(n.stdout).toBe('rollout.rollouts.kruise.io/c\n');
  });

  it('several rollouts per call: each is processed; a missing one fails the call (exit 1)', async () => {
    await seedPaused('a');
    await seedPaused('b');
    const r = await approve('rollout', 'a', 'missing', 'b');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'rollout.rollouts.kruise.io/a approved step 1/3 (releasing step 2: 50% of the pods)\nrollout.rollouts.kruise.io/b approved step 1/3 (releasing step 2: 50% of the pods)\n',
    );
    expect(r.stderr).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "missing" not found in namespace "default"\n');
  });

  it('not paused: the upstream refusal, exit 1, no write', async () => {
    const before = await seedPaused();
    await putStatus(
      sb.url,
      before,
      controllerWrite(before, (s) => (s.currentStepState = s.canaryStatus!.currentStepState = 'StepUpgrade')),
    );
    sb.requests.length = 0;
    const r = await approve('rollouts-demo');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: rollouts.rollouts.kruise.io "rollouts-demo" does not allow to approve, because current canary state is not \'StepPaused\': step 1/3 is StepUpgrade (updated 1, ready 1); wait with: kubectl-kruise rollout watch rollouts-demo --until paused --step 1\n',
    });
    // A refusal (and only a refusal) reads the workload too, for the planned pods; nothing is written.
    expect(log()).toEqual(['GET RO/rollouts-demo 200', 'GET /apis/apps/v1/namespaces/default/deployments/rollouts-demo-workload 404']);
  });

  it('blue-green: approves blueGreenStatus', async () => {
    const before = await seedPaused('rollouts-demo', 'bluegreen-paused');
    const r = await approve('rollouts-demo', '--step', '1');
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/rollouts-demo approved step 1/4 (releasing step 2: 100% of the pods)\n');
    const after = await read<Rollout>(sb.url, before);
    expect(after.status!.blueGreenStatus!.currentStepState).toBe('StepReady');
    expect(after.status!.currentStepState).toBe('StepReady');
    expect(after.status!.canaryStatus).toBeUndefined();
  });

  it('falls back to v1alpha1 when the server does not serve v1beta1, and writes there', async () => {
    const before = await seedPaused();
    sb.faults.failNext({ method: 'GET', path: 'rollouts.kruise.io/v1beta1/', status: 404, body: '404 page not found' });
    const r = await approve('rollouts-demo');
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n');
    expect(sb.requests.map((q) => `${q.method} ${q.path} ${q.status}`)).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo 404',
      'GET /apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts/rollouts-demo 200',
      'PUT /apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts/rollouts-demo/status 200',
    ]);
    expect((await read<Rollout>(sb.url, before)).status!.canaryStatus!.currentStepState).toBe('StepReady');
  });

  it('a PUT answered by a reset is re-read once and sent again', async () => {
    const before = await seedPaused();
    sb.faults.next({ method: 'PUT', path: 'rollouts-demo/status', action: 'reset' });
    const r = await approve('rollouts-demo');
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n');
    expect(log()).toEqual([
      'GET RO/rollouts-demo 200',
      'PUT RO/rollouts-demo/status 0',
      'GET RO/rollouts-demo 200',
      'PUT RO/rollouts-demo/status 200',
    ]);
    expect((await read<Rollout>(sb.url, before)).status!.currentStepState).toBe('StepReady');
  });

  it('a few real binaries race in-process approvers: still exactly one approval', async () => {
    await seedPaused();
    const kids = Array.from({ length: 3 }, () => runBinary(['rollout', 'approve', 'rollouts-demo', '--step', '1', '--server', sb.url]));
    const inProc = Array.from({ length: 5 }, () => approve('rollouts-demo', '--step', '1'));
    const all = await Promise.all([...kids, ...inProc]);
    const out = all.map((r) => `${r.code} ${r.stdout.trim()}`);
    expect(
      out.filter((l) => l === '0 rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)'),
    ).toHaveLength(1);
    expect(out.filter((l) => l.startsWith('0 rollout.rollouts.kruise.io/rollouts-demo already approved step 1/3 ('))).toHaveLength(7);
  });
});
