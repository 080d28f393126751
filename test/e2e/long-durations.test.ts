// Durations past 2^31 ms (about 24.8 days), where Node's setTimeout fires at once: `--timeout 600h`
// ("practically forever"), `--request-timeout 9999h`, a watch's `timeoutSeconds` and the sandbox's
// `--pod-ready-delay 600h` must wait, not end (or re-arm) at once. All of them run on the one timer
// helper (src/runtime/clock.ts), which chains timers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus } from '../fixtures/seed.js';
import { runBinary, startBinary } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox({ builtinControllers: false, podReadyDelayMs: 0 });
  const { rollout } = scenario('canary-step-paused');
  await create(sb.url, rollout);
  await putStatus(sb.url, rollout, rollout.status);
});
afterAll(async () => {
  await sb.close();
});

const env = { HOME: '/nonexistent', PATH: process.env.PATH, NO_COLOR: '1' };

it('watch --timeout 600h keeps waiting, and Ctrl-C still ends it with 130', async () => {
  const { rollout } = scenario('canary-step-paused');
  const { child, stderr, exited } = startBinary(
    ['rollout', 'watch', rollout.metadata.name!, '--until', 'completed', '--timeout', '600h', '--server', sb.url],
    { env },
  );
  const early = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 1500))]);
  expect(early).toBe('running');
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr()).not.toMatch(/TimeoutOverflowWarning/);
});

it('--request-timeout 9999h is a long timeout, not an immediate one', async () => {
  const { rollout } = scenario('canary-step-paused');
  const r = await runBinary(['rollout', 'status', rollout.metadata.name!, '--request-timeout', '9999h', '--server', sb.url, '-o', 'json'], {
    env,
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).name).toBe(rollout.metadata.name);
});

it("the sandbox's watch with timeoutSeconds=2147484 stays open", async () => {
  const ctl = new AbortController();
  const res = await fetch(`${sb.url}/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts?watch=true&timeoutSeconds=2147484`, {
    signal: ctl.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read(); // the initial ADDED event
  expect(first.done).toBe(false);
  const next = await Promise.race([reader.read(), new Promise<'open'>((r) => setTimeout(() => r('open'), 500))]);
  expect(next).toBe('open');
  ctl.abort();
});

it('watch --timeout 0.0001ms is a timeout (exit 3), not "no timeout"', async () => {
  const { rollout } = scenario('canary-step-paused');
  const r = await runBinary(
    ['rollout', 'watch', rollout.metadata.name!, '--until', 'completed', '--timeout', '0.0001ms', '--server', sb.url],
    {
      env,
      timeoutMs: 10_000,
    },
  );
  expect(r.code).toBe(3);
});

it('sandbox --pod-ready-delay 600h: a new pod stays not ready, and no timer fires early or warns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kk-long-delay-'));
  const kubeconfig = join(dir, 'kc');
  const { child, stderr, exited } = startBinary(
    ['sandbox', '--port', '0', '--kubeconfig-out', kubeconfig, '--pod-ready-delay', '600h', '--no-rollout-controller'],
    { env },
  );
  try {
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    for (let i = 0; i < 200 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toBe(`export KUBECONFIG=${kubeconfig}\n`);
    const server = /server: (\S+)/.exec(readFileSync(kubeconfig, 'utf8'))![1];
    const pods = `${server}/api/v1/namespaces/default/pods`;
    const created = await fetch(pods, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'slow' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      }),
    });
    expect(created.status).toBe(201);
    // Long enough for a timer that fires at once (and re-arms) to have done so thousands of times.
    await new Promise((r) => setTimeout(r, 1500));
    const pod = (await (await fetch(`${pods}/slow`)).json()) as { status?: { conditions?: { type: string; status: string }[] } };
    const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
    expect(ready?.status).not.toBe('True');
    expect(stderr()).not.toMatch(/TimeoutOverflowWarning/);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
