// What the real binary does when its output goes away: a reader that leaves (`watch … | head -1`)
// must not turn into exit 0 ("the condition holds") for a gate that never held, and a stdout that
// cannot be written (/dev/full) is one error line, not a stack trace.
import { openSync } from 'node:fs';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read } from '../fixtures/seed.js';
import { startBinary } from '../helpers/cli.js';

let sb: Sandbox;
let rollout: Rollout;
beforeAll(async () => {
  sb = await createSandbox({ builtinControllers: false, podReadyDelayMs: 0 });
  rollout = scenario('canary-step-paused').rollout;
  await create(sb.url, rollout);
  await putStatus(sb.url, rollout, rollout.status);
});
afterAll(async () => {
  await sb.close();
});

const env = { HOME: '/nonexistent', PATH: process.env.PATH, NO_COLOR: '1' };

it('watch whose reader goes away before the condition holds exits 141, as a shell reports SIGPIPE', async () => {
  const { child, stderr, exited } = startBinary(
    ['rollout', 'watch', rollout.metadata.name!, '--until', 'completed', '-o', 'json', '--server', sb.url],
    {
      env,
    },
  );
  // `head -1`: read the first line, then close the pipe.
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  child.stdout!.destroy();
  // The next change makes the watch write into the closed pipe.
  const current = await read<Rollout>(sb.url, rollout);
  await putStatus(sb.url, current, { ...current.status, message: 'something changed' });
  expect(await exited).toBe(141);
  expect(stderr()).toBe('');
});

it('stdout on /dev/full is one error line and exit 1', async () => {
  const { stderr, exited } = startBinary(['rollout', 'status', rollout.metadata.name!, '-o', 'json', '--server', sb.url], {
    env,
    stdout: openSync('/dev/full', 'w'),
  });
  expect(await exited).toBe(1);
  expect(stderr()).toMatch(/^error: cannot write to standard output: ENOSPC\n$/);
});
