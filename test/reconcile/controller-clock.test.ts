// The sandbox's rollout controller on an injected clock: a timed pause longer than Node's longest
// timer (2^31 - 1 ms) waits its whole time — no early step, no spinning — and then moves on. The
// fake time only moves when the test moves it; the real event loop only carries the HTTP.

import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { rolloutController } from '../../src/sandbox/wire-rollout-controller.js';
import type { Pod } from '../../src/workload/types.js';
import { example } from '../fixtures/load.js';
import { FakeHost } from '../runtime/fake-host.js';

const PAUSE_S = 30 * 24 * 3600; // 30 days
const GUIDE_PATCH = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';

let host: FakeHost;
let sb: Sandbox;

beforeEach(async () => {
  host = new FakeHost();
  host.now = Date.parse('2026-01-15T12:00:00Z');
  sb = await createSandbox({
    podReadyDelayMs: 0,
    workloadAdmission: { admitDeploymentUpdate },
    controllers: [rolloutController()],
    now: () => new Date(host.now),
    clock: host.clock(),
  });
});
afterEach(async () => {
  await sb.close();
});

const rollout = () => sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo')!;
const readyV2 = () =>
  sb.store
    .list<Pod>('pods', { namespace: 'default' })
    .filter(
      (p) => JSON.stringify(p.spec).includes('version-2') && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;

async function send(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<void> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** Moves the fake time on in 25 ms ticks (past the controller's debounce), letting the HTTP run between ticks, until `done`. */
async function drive(what: string, done: () => boolean, ticks = 20_000): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    if (done()) return;
    host.advance(25);
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error(`not reached: ${what}; status ${JSON.stringify(rollout()?.status)}`);
}

test('a 30-day pause: still paused after 30 days minus a second, with no request meanwhile; moves on after 30 days', async () => {
  await send('POST', '/apis/apps/v1/namespaces/default/deployments', example('docs_basic-usage_deployment_workload-demo.yaml')[0]);
  const ro = example('docs_basic-usage_rollout_v1beta1.yaml')[0] as Rollout;
  ro.spec!.strategy!.canary!.steps = [{ replicas: 1, pause: { duration: PAUSE_S } }, { replicas: '100%' }] as never;
  await send('POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', ro);
  await drive('Healthy', () => rollout().status?.phase === 'Healthy');
  await send('PATCH', '/apis/apps/v1/namespaces/default/deployments/workload-demo', GUIDE_PATCH, 'application/strategic-merge-patch+json');
  await drive(
    'waiting at step 1',
    () =>
      rollout().status?.message === `Rollout is in step(1/2), and wait duration(${PAUSE_S} seconds) to enter the next step` &&
      readyV2() === 1,
  );

  const since = Date.parse(rollout().status!.canaryStatus!.lastUpdateTime!);
  // Let the last changes' passes run (5 s of fake time), then count from a quiet start.
  let ticks = 0;
  await drive('settled', () => ++ticks > 200);
  sb.requests.length = 0;
  host.advance(since + PAUSE_S * 1000 - 1000 - host.now);
  for (let i = 0; i < 50; i++) await new Promise<void>((r) => setImmediate(r));
  // The requeue timer has not fired: no pass ran (an unchained timer would have fired at once, again and again).
  expect(sb.requests.filter((q) => q.path.includes('/rollouts/'))).toEqual([]);
  expect(rollout().status!.canaryStatus).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused' });

  await drive(
    'completed',
    () =>
      rollout().status?.phase === 'Healthy' &&
      rollout().status?.conditions?.some((c) => c.type === 'Succeeded' && c.status === 'True') === true,
  );
  expect(host.now).toBeGreaterThan(since + PAUSE_S * 1000);
  expect(rollout().status?.phase).toBe('Healthy');
});
