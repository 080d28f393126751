// `rollout pause` / `rollout resume` against the sandbox: GET + PUT with resourceVersion, re-planned on 409.

import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read, update } from '../fixtures/seed.js';
import { runCli } from '../helpers/cli.js';

const RO = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false, podReadyDelayMs: 0 });
});
afterEach(async () => {
  await sb.close();
});

async function seedPaused(): Promise<Rollout> {
  const { rollout } = scenario('canary-step-paused');
  await create(sb.url, rollout);
  const stored = await putStatus<Rollout>(sb.url, rollout, rollout.status);
  sb.requests.length = 0;
  return stored;
}

const cli = (...args: string[]) => runCli(['rollout', ...args, '--server', sb.url]);
const log = () => sb.requests.map((r) => `${r.method} ${r.path.replace(RO, 'RO')} ${r.status}`);

describe('rollout pause / resume (sandbox)', () => {
  it('pause sets spec.strategy.paused with GET + PUT; pausing again is refused', async () => {
    const before = await seedPaused();
    const r = await cli('pause', 'rollout/rollouts-demo');
    expect(r).toEqual({ code: 0, stdout: 'rollout.rollouts.kruise.io/rollouts-demo paused\n', stderr: '' });
    expect(log()).toEqual(['GET RO/rollouts-demo 200', 'PUT RO/rollouts-demo 200']);
    const after = await read<Rollout>(sb.url, before);
    expect(after.spec.strategy!.paused).toBe(true);
    expect(after.spec.strategy!.canary).toEqual(before.spec.strategy!.canary);
    expect(after.status).toEqual(before.status);
    const again = await cli('pause', 'rollouts-demo');
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'error: rollouts.rollouts.kruise.io "rollouts-demo" is already paused\n' });
  });

  it('resume clears the flag and leaves a StepPaused step alone; resuming again is refused', async () => {
    const before = await seedPaused();
    await update<Rollout>(sb.url, before, (o) => (o.spec.strategy!.paused = true));
    const r = await cli('resume', 'rollouts-demo', '-o', 'json');
    expect(r.code).toBe(0);
    const written = JSON.parse(r.stdout) as Rollout;
    expect('paused' in written.spec.strategy!).toBe(false);
    const after = await read<Rollout>(sb.url, before);
    expect(after.spec.strategy!.paused).toBeUndefined();
    expect(after.status!.canaryStatus!.currentStepState).toBe('StepPaused');
    expect(after.status).toEqual(before.status);
    const again = await cli('resume', 'rollouts-demo');
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'error: rollouts.rollouts.kruise.io "rollouts-demo" is not paused\n' });
  });

  it('a concurrent spec change makes the PUT stale: 409, re-read, re-plan, keep the other change', async () => {
    const before = await seedPaused();
    sb.faults.before(
      async () => {
        await update<Rollout>(sb.url, before, (o) => (o.metadata.labels = { ...o.metadata.labels, team: 'checkout' }));
      },
      { method: 'PUT', path: /rollouts\/rollouts-demo$/, times: 1 },
    );
    const r = await cli('pause', 'rollouts-demo');
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/rollouts-demo paused\n');
    const after = await read<Rollout>(sb.url, before);
    expect(after.spec.strategy!.paused).toBe(true);
    expect(after.metadata.labels).toMatchObject({ team: 'checkout' });
    expect(sb.requests.filter((q) => q.method === 'PUT').map((q) => q.status)).toEqual([409, 200, 200]);
  });

  it('someone else pauses it between our GET and PUT: the re-check refuses (is already paused)', async () => {
    const before = await seedPaused();
    sb.faults.before(async () => void (await update<Rollout>(sb.url, before, (o) => (o.spec.strategy!.paused = true))), {
      method: 'PUT',
      path: /rollouts\/rollouts-demo$/,
      times: 1,
    });
    const r = await cli('pause', 'rollouts-demo');
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'error: rollouts.rollouts.kruise.io "rollouts-demo" is already paused\n' });
  });

  it('-o name and several rollouts; a missing one fails the call', async () => {
    await seedPaused();
    const r = await cli('pause', 'rollouts-demo', 'ro/nope', '-o', 'name');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/rollouts-demo\n');
    expect(r.stderr).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
  });
});
