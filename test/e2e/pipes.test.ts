// What the real binary does when its output goes away: a reader that leaves (`watch … | head -1`)
// must not turn into exit 0 ("the condition holds") for a gate that never held, and a stdout that
// cannot be written (/dev/full) is one error line, not a stack trace.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read } from '../fixtures/seed.js';
import { EXECUTABLE, startBinary } from '../helpers/cli.js';

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

it('watch whose condition already holds exits 0 although its reader leaves early (`| head -c 1` under pipefail)', async () => {
  // The reader leaves after the first byte, while the watch still has its verdict line to write:
  // the condition held, so the gate holds. Several runs, since the reader's timing varies.
  const { workload } = scenario('canary-step-paused');
  const deployment = await create(sb.url, workload!);
  await putStatus(sb.url, deployment, workload!.status);
  const current = await read<Rollout>(sb.url, rollout);
  const status = structuredClone(current.status!);
  status.canaryStatus!.observedWorkloadGeneration = deployment.metadata.generation;
  await putStatus(sb.url, current, status);
  const codes: (number | null)[] = [];
  for (let run = 0; run < 5; run++) {
    const argv = ['rollout', 'watch', rollout.metadata.name!, '--until', 'paused', '--server', sb.url];
    const child = spawn(
      'bash',
      ['-o', 'pipefail', '-c', '"$@" | head -c 1 >/dev/null', 'bash', EXECUTABLE.file, ...EXECUTABLE.args, ...argv],
      {
        env,
        stdio: 'ignore',
      },
    );
    codes.push(await new Promise<number | null>((resolve) => child.on('close', resolve)));
  }
  expect(codes).toEqual([0, 0, 0, 0, 0]);
});

it('stdout on /dev/full is one error line and exit 1', async () => {
  const { stderr, exited } = startBinary(['rollout', 'status', rollout.metadata.name!, '-o', 'json', '--server', sb.url], {
    env,
    stdout: openSync('/dev/full', 'w'),
  });
  expect(await exited).toBe(1);
  expect(stderr()).toMatch(/^error: cannot write to standard output: ENOSPC\n$/);
});

describe('stdout as a pipe or a file (written synchronously, src/cli/stdio.ts)', () => {
  const names = Array.from({ length: 120 }, (_, i) => `many-${String(i).padStart(3, '0')}`);
  beforeAll(async () => {
    // One workload per Rollout (the sandbox's admission refuses two on one); none exists: shown as not found.
    for (const name of names) {
      const spec = { ...rollout.spec, workloadRef: { ...rollout.spec.workloadRef!, name } };
      await create(sb.url, { ...rollout, metadata: { name, namespace: rollout.metadata.namespace }, spec });
    }
  });
  const args = () => ['rollout', 'status', ...names, '-o', 'json', '--server', sb.url];

  it('a reader slower than the output gets all of it, in order, past the pipe buffer', async () => {
    const { child, stderr, exited } = startBinary(args(), { env });
    // Nobody reads for a while: the pipe fills, and the writer waits. The listener is there from
    // the start, paused: a child that exits with nobody listening has its output discarded by
    // node (flushStdio), which a late timer on a loaded machine would otherwise allow.
    let text = '';
    child.stdout!.on('data', (d) => (text += d));
    child.stdout!.pause();
    await new Promise((r) => setTimeout(r, 500));
    child.stdout!.resume();
    expect(await exited).toBe(0);
    expect(stderr()).toBe('');
    expect(text.length).toBeGreaterThan(128 * 1024);
    const list = JSON.parse(text) as { items: { name: string }[] };
    expect(list.items.map((v) => v.name)).toEqual(names);
  });

  it('a file gets the same bytes as a pipe', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kk-pipes-'));
    try {
      const file = path.join(dir, 'out.json');
      const toFile = startBinary(args(), { env, stdout: openSync(file, 'w') });
      expect(await toFile.exited).toBe(0);
      const toPipe = startBinary(args(), { env });
      let text = '';
      toPipe.child.stdout!.on('data', (d) => (text += d));
      expect(await toPipe.exited).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
