import { Chalk } from 'chalk';
import type { Deps } from '../../src/cli/deps.js';
import { runWatch } from '../../src/cli/rollout-watch.js';
import { completeWatch } from '../../src/cli/rollout-watch-options.js';
import { clientFromGlobals } from '../../src/kube/from-flags.js';
import type { KubeObject } from '../../src/kube/types.js';
import { ENTER_ALT_SCREEN, HIDE_CURSOR, LEAVE_ALT_SCREEN, SHOW_CURSOR, screenFrame } from '../../src/render/live.js';
import { renderLiveFrame } from '../../src/render/live-frame.js';
import type { Rollout } from '../../src/rollout/types.js';
import { toRolloutView } from '../../src/rollout/view.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { putStatus, read, seedScenario } from '../fixtures/seed.js';
import { captureStream } from '../helpers/cli.js';
import { FakeHost } from '../runtime/fake-host.js';
import { waitFor } from './harness.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ port: 0, podReadyDelayMs: 0, builtinControllers: false });
});
afterEach(async () => {
  await sb.close();
});

const plain = new Chalk({ level: 0 });

async function setup(clock: { now: Date }, signal?: AbortSignal) {
  const seeded = await seedScenario(sb.url, scenario('canary-step-paused'));
  const out = captureStream(true);
  const err = captureStream();
  const deps: Deps = { io: { out, err }, env: {}, now: () => clock.now, invokedAs: 'kubectl-kruise', signal };
  const client = await clientFromGlobals({ server: sb.url }, deps);
  const timers = new FakeHost();
  return { ...seeded, out, err, deps, client, timers };
}

/** The frame the live view shows for the rollout as stored now (a 24-row terminal, 100 columns). */
async function expectedFrame(rollout: KubeObject, workload: KubeObject, now: Date, waiting: string, elapsed: number): Promise<string[]> {
  const ro = await read<Rollout>(sb.url, rollout);
  const wl = await read<KubeObject>(sb.url, workload);
  return renderLiveFrame({
    entries: [{ name: 'rollouts-demo', view: toRolloutView(ro, wl, now), reason: waiting }],
    waitingLabel: 'Waiting for completed:',
    elapsedSeconds: elapsed,
    reconnectingSeconds: null,
    rows: 24,
    columns: 100,
    chalk: plain,
  });
}

describe('rollout watch on a TTY: live view', () => {
  test('redrawn in place, throttled, with the elapsed time; cursor hidden then restored', async () => {
    const start = new Date('2026-11-27T10:00:00Z');
    const clock = { now: start };
    const { rollout, workload, out, deps, client, timers } = await setup(clock);
    const code = runWatch(completeWatch(['rollouts-demo'], {}), client, deps, {
      clock: timers.clock(),
      chalk: plain,
      live: true,
      frameMs: 100,
      listPods: false,
    });

    // The first state is drawn on the next timer turn, not before. (Waiting for "2 pending" alone
    // would race: each stream's watch-list grace timer is pending until its first event.)
    await waitFor(() => timers.dueWithin(1) === 1, 'the first frame to be scheduled');
    expect(timers.pending).toBe(2); // the frame + the elapsed ticker; the grace timers are cleared
    expect(out.text()).toBe('');
    timers.advance(1);
    const frame1 = await expectedFrame(rollout, workload!, start, 'the release is in progress', 0);
    const first = screenFrame(frame1, 100);
    expect(out.text()).toBe(`${ENTER_ALT_SCREEN}${HIDE_CURSOR}${first}`);

    // A change within the frame interval waits for it (at most 10 frames a second).
    const st = (await read<Rollout>(sb.url, rollout)).status!;
    st.canaryStatus!.currentStepState = 'StepReady';
    st.message = 'step ready';
    await putStatus(sb.url, rollout, st);
    await waitFor(() => timers.pending === 2, 'the second frame to be scheduled');
    timers.advance(99);
    expect(out.text()).toBe(`${ENTER_ALT_SCREEN}${HIDE_CURSOR}${first}`);
    timers.advance(1);
    const frame2 = await expectedFrame(rollout, workload!, start, 'the release is in progress', 0);
    const second = screenFrame(frame2, 100);
    expect(out.text()).toBe(`${ENTER_ALT_SCREEN}${HIDE_CURSOR}${first}${second}`);
    // Never more rows than the terminal has (24 by default).
    expect(frame2.length).toBeLessThanOrEqual(24);

    // Without events the elapsed time still moves.
    clock.now = new Date('2026-11-27T10:00:01Z');
    timers.advance(900);
    const third = screenFrame(
      frame2.map((l) => l.replace('Elapsed: 0s', 'Elapsed: 1s')),
      100,
    );
    expect(out.text()).toBe(`${ENTER_ALT_SCREEN}${HIDE_CURSOR}${first}${second}${third}`);

    // Completion: a final frame at once, the cursor back, and the result line.
    const done = (await read<Rollout>(sb.url, rollout)).status!;
    done.phase = 'Healthy';
    done.message = 'Rollout progressing has been completed';
    done.conditions = [{ type: 'Succeeded', status: 'True' }];
    done.canaryStatus!.currentStepState = 'Completed';
    done.canaryStatus!.currentStepIndex = 3;
    await putStatus(sb.url, rollout, done);
    expect(await code).toBe(0);
    const frame4 = await expectedFrame(rollout, workload!, clock.now, 'the release completed', 1);
    // The last frame is printed once on the normal screen, then the result line.
    expect(out.text()).toBe(
      `${ENTER_ALT_SCREEN}${HIDE_CURSOR}${first}${second}${third}${LEAVE_ALT_SCREEN}${SHOW_CURSOR}${frame4.join('\n')}\nrollout/rollouts-demo is completed: the release completed\n`,
    );
    client.close();
  });

  test('Ctrl-C: exit 130 and the cursor is restored', async () => {
    const clock = { now: new Date('2026-11-27T10:00:00Z') };
    const ctl = new AbortController();
    const { out, err, deps, client, timers } = await setup(clock, ctl.signal);
    const code = runWatch(completeWatch(['rollouts-demo'], {}), client, deps, { clock: timers.clock(), chalk: plain, live: true });
    await waitFor(() => timers.dueWithin(1) === 1, 'the first frame to be scheduled');
    timers.advance(1);
    ctl.abort();
    expect(await code).toBe(130);
    expect(out.text().startsWith(`${ENTER_ALT_SCREEN}${HIDE_CURSOR}`)).toBe(true);
    expect(out.text()).toContain(`${LEAVE_ALT_SCREEN}${SHOW_CURSOR}`);
    expect(err.text()).toBe('');
    client.close();
  });
});
