// Issue 7, part 2: the retry policy, checked over real HTTP against the sandbox. Arrival times come
// from the sandbox (a `before` hook stamps each request), never from timing the client; the client's
// own waits are checked with an injected sleep.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError, TransportError } from '../../src/kube/errors.js';
import { type ClientOptions, createKubeClient, DEFAULT_RETRY } from '../../src/kube/http-client.js';
import type { RestConfig } from '../../src/kube/kubeconfig.js';
import { Resources } from '../../src/kube/resources.js';
import { DefaultRetry } from '../../src/kube/retry.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { quietSandbox, seedPaused } from './helpers.js';

const DEMO = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo';

let sb: Sandbox;
/** performance.now() at which each request reached the sandbox, in order. */
let arrivals: { method: string; path: string; at: number }[];

beforeEach(async () => {
  sb = await quietSandbox();
  seedPaused(sb, 'demo');
  arrivals = [];
  sb.faults.before(
    (req) => void arrivals.push({ method: req.method!, path: new URL(req.url!, 'http://x').pathname, at: performance.now() }),
  );
  sb.requests.length = 0;
});
afterEach(async () => {
  await sb.close();
});

const approve = (...extra: string[]) => runCli(['rollout', 'approve', 'demo', '--server', sb.url, ...extra]);
const log = () =>
  sb.requests.map((r) => `${r.method} ${r.path === DEMO ? 'RO' : r.path === `${DEMO}/status` ? 'RO/status' : r.path} ${r.status}`);
const gaps = (method: string) => {
  const at = arrivals.filter((a) => a.method === method).map((a) => a.at);
  return at.slice(1).map((t, i) => t - at[i]!);
};
// Timer granularity: a wait of N ms may fire a hair early relative to another clock.
const SLACK = 15;

function restConfig(): RestConfig {
  return { server: sb.url, namespace: 'default', source: 'test', insecureSkipTlsVerify: false, timeoutMs: 0, timeoutText: '0' };
}

/** A client whose waits are recorded instead of slept. */
function recordingClient(opts: ClientOptions = {}) {
  const slept: number[] = [];
  const client = createKubeClient(restConfig(), { sleep: async (ms) => void slept.push(ms), ...opts });
  return { client, slept };
}

describe('retries (CLI against the sandbox)', () => {
  it('429 with Retry-After: 1 on the read is honoured: the retry arrives at least 1 s later, then approve succeeds', async () => {
    sb.faults.failNext({ method: 'GET', path: DEMO, status: 429, retryAfterSeconds: 1 });
    const r = await approve();
    expect(r).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
    expect(log()).toEqual(['GET RO 429', 'GET RO 200', 'PUT RO/status 200']);
    expect(gaps('GET')[0]).toBeGreaterThanOrEqual(1000 - SLACK);
  });

  it('429 on the write (the server did not process it) is retried after Retry-After', async () => {
    sb.faults.failNext({ method: 'PUT', status: 429, retryAfterSeconds: 0 });
    const r = await approve();
    expect(r.code).toBe(0);
    expect(log()).toEqual(['GET RO 200', 'PUT RO/status 429', 'PUT RO/status 200']);
  });

  it('503 on every read: retried up to the budget with growing jittered backoff, then one error line', async () => {
    sb.faults.failNext({ method: 'GET', status: 503, times: 100 });
    const r = await approve();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error from server \(ServiceUnavailable\): [^\n]+\n$/);
    expect(log()).toEqual(Array(DEFAULT_RETRY.attempts).fill('GET RO 503'));
    // n-th wait is base × 2^(n-1) × [0.5, 1]: at least 100, 200, 400 ms.
    const g = gaps('GET');
    expect(g).toHaveLength(DEFAULT_RETRY.attempts - 1);
    for (const [i, ms] of g.entries()) expect(ms).toBeGreaterThanOrEqual(DEFAULT_RETRY.baseMs * 2 ** i * 0.5 - SLACK);
  });

  it('503 twice, then an answer: the read succeeds and approve goes on', async () => {
    sb.faults.failNext({ method: 'GET', status: 503, times: 2 });
    const r = await approve();
    expect(r.code).toBe(0);
    expect(log()).toEqual(['GET RO 503', 'GET RO 503', 'GET RO 200', 'PUT RO/status 200']);
  });

  it('a connection reset on the read is retried', async () => {
    sb.faults.next({ action: 'reset', method: 'GET' });
    const r = await approve();
    expect(r.code).toBe(0);
    expect(log()).toEqual(['GET RO 0', 'GET RO 200', 'PUT RO/status 200']);
  });

  it('a 500 on the PUT is not blindly retried: the rollout is re-read and re-planned before the one resend', async () => {
    sb.faults.failNext({ method: 'PUT', status: 500 });
    const r = await approve();
    expect(r.code).toBe(0);
    expect(log()).toEqual(['GET RO 200', 'PUT RO/status 500', 'GET RO 200', 'PUT RO/status 200']);
  });

  it('a 500 on a PUT that did land (the re-read shows it): no second PUT', async () => {
    // The server applies the write, then answers 500 (e.g. a timeout after commit).
    sb.faults.before(
      async () => {
        const cur = sb.store.get<KubeObject>('rollouts', 'default', 'demo')!;
        const status = structuredClone(cur.status) as any;
        status.canaryStatus.currentStepState = 'StepReady';
        status.currentStepState = 'StepReady';
        sb.store.update('rollouts', { ...cur, status }, { subresource: 'status' });
      },
      { method: 'PUT', times: 1 },
    );
    sb.faults.failNext({ method: 'PUT', status: 500 });
    const r = await approve();
    expect(r.code).toBe(0);
    expect(log()).toEqual(['GET RO 200', 'PUT RO/status 500', 'GET RO 200']);
  });

  it('a 409 storm is bounded by the conflict budget (client-go RetryOnConflict: 5 tries)', async () => {
    sb.faults.failNext({ method: 'PUT', status: 409, times: 100 });
    const r = await approve();
    expect(r.code).toBe(1);
    expect(sb.requests.filter((q) => q.method === 'PUT')).toHaveLength(DefaultRetry.steps);
    // Every retry re-reads first: GET, PUT, GET, PUT, …
    expect(log()).toEqual(Array.from({ length: DefaultRetry.steps }, () => ['GET RO 200', 'PUT RO/status 409']).flat());
  });
});

describe('retry policy of the HTTP client (injected sleep)', () => {
  it('documents its budgets', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 4, baseMs: 200, capMs: 2000, maxRetryAfterMs: 10_000 });
    expect(DefaultRetry).toEqual({ steps: 5, durationMs: 10, factor: 1, jitter: 0.1 });
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Retries'));
    expect(section).toBeDefined();
    for (const fact of ['4 attempts', '200 ms', '2 s', 'Retry-After', '10 s', '5 tries', 'never retried']) expect(section).toContain(fact);
  });

  it('Retry-After is capped at maxRetryAfterMs', async () => {
    sb.faults.failNext({ method: 'GET', status: 429, retryAfterSeconds: 3600, times: 2 });
    const { client, slept } = recordingClient();
    await client.get(Resources.rolloutsV1beta1, 'default', 'demo');
    expect(slept).toEqual([DEFAULT_RETRY.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs]);
    client.close();
  });

  it.each([
    ['no jitter draw (random 0): half the exponential step', () => 0, [100, 200, 400]],
    ['full draw (random → 1): the whole exponential step', () => 0.999999, [200, 400, 800]],
  ])('backoff on 5xx reads, %s', async (_what, random, want) => {
    sb.faults.failNext({ method: 'GET', status: 500, times: 100 });
    const { client, slept } = recordingClient({ random });
    await expect(client.get(Resources.rolloutsV1beta1, 'default', 'demo')).rejects.toBeInstanceOf(ApiError);
    expect(slept).toEqual(want);
    client.close();
  });

  it('backoff is capped at capMs', async () => {
    sb.faults.failNext({ method: 'GET', status: 503, times: 100 });
    const { client, slept } = recordingClient({ random: () => 0.999999, retry: { attempts: 6, baseMs: 1000 } });
    await expect(client.get(Resources.rolloutsV1beta1, 'default', 'demo')).rejects.toBeInstanceOf(ApiError);
    expect(slept).toEqual([1000, 2000, 2000, 2000, 2000]);
    client.close();
  });

  it.each([
    ['a 500', () => sb.faults.failNext({ method: 'PUT', status: 500, times: 10 }), ApiError],
    ['a 503', () => sb.faults.failNext({ method: 'PUT', status: 503, times: 10 }), ApiError],
    ['a reset', () => sb.faults.next({ action: 'reset', method: 'PUT', times: 10 }), TransportError],
  ])('%s on a write is surfaced after one request (only the caller can re-read and decide)', async (_what, arm, type) => {
    const { client, slept } = recordingClient();
    const ro = await client.get<KubeObject>(Resources.rolloutsV1beta1, 'default', 'demo');
    arm();
    sb.requests.length = 0;
    await expect(client.update(Resources.rolloutsV1beta1, 'default', ro)).rejects.toBeInstanceOf(type);
    expect(sb.requests.map((q) => q.method)).toEqual(['PUT']);
    expect(slept).toEqual([]);
    client.close();
  });

  it('a 409 on a write is surfaced at once (RetryOnConflict above it re-reads)', async () => {
    const { client, slept } = recordingClient();
    const ro = await client.get<KubeObject>(Resources.rolloutsV1beta1, 'default', 'demo');
    sb.faults.failNext({ method: 'PUT', status: 409 });
    sb.requests.length = 0;
    await expect(client.update(Resources.rolloutsV1beta1, 'default', ro)).rejects.toMatchObject({ code: 409 });
    expect(sb.requests).toHaveLength(1);
    expect(slept).toEqual([]);
    client.close();
  });

  it('a reset on a read is retried up to the budget, then surfaced', async () => {
    sb.faults.next({ action: 'reset', method: 'GET', times: 100 });
    const { client, slept } = recordingClient({ random: () => 0 });
    await expect(client.get(Resources.rolloutsV1beta1, 'default', 'demo')).rejects.toMatchObject({ failure: 'reset' });
    expect(sb.requests).toHaveLength(DEFAULT_RETRY.attempts);
    expect(slept).toEqual([100, 200, 400]);
    client.close();
  });

  it('a 4xx other than 429 is never retried', async () => {
    sb.faults.failNext({ method: 'GET', status: 403, times: 10 });
    const { client, slept } = recordingClient();
    await expect(client.get(Resources.rolloutsV1beta1, 'default', 'demo')).rejects.toMatchObject({ code: 403 });
    expect(sb.requests).toHaveLength(1);
    expect(slept).toEqual([]);
    client.close();
  });
});
