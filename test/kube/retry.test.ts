// The one retry-on-conflict policy: client-go's RetryOnConflict and its two backoffs, step for step.
// Waits go through an injected sleep (recorded, never slept); conflicts come from a real server.

import { ApiError, TransportError } from '../../src/kube/errors.js';
import { createKubeClient } from '../../src/kube/http-client.js';
import { Resources } from '../../src/kube/resources.js';
import { type Backoff, DefaultBackoff, DefaultRetry, retryOnConflict } from '../../src/kube/retry.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';

const status = (code: number, reason: string) =>
  new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message: reason });
const conflict = () => status(409, 'Conflict');

/** Runs the policy with an attempt that fails `failures` times with `err()`, then returns 'ok'. */
async function run(backoff: Backoff, failures: number, err: () => unknown = conflict, random = () => 0) {
  const slept: number[] = [];
  let attempts = 0;
  const result = retryOnConflict(
    backoff,
    async (n) => {
      attempts++;
      expect(n).toBe(attempts);
      if (n <= failures) throw err();
      return 'ok';
    },
    { sleep: async (ms) => void slept.push(ms), random },
  );
  return {
    result: await result.then(
      (v) => ({ value: v }),
      (e: unknown) => ({ error: e }),
    ),
    attempts,
    slept,
  };
}

describe("the backoffs are client-go's", () => {
  it('retry.DefaultRetry and retry.DefaultBackoff', () => {
    // k8s.io/client-go/util/retry/util.go
    expect(DefaultRetry).toEqual({ steps: 5, durationMs: 10, factor: 1.0, jitter: 0.1 });
    expect(DefaultBackoff).toEqual({ steps: 4, durationMs: 10, factor: 5.0, jitter: 0.1 });
  });
});

describe('retryOnConflict', () => {
  it('returns the first success without waiting', async () => {
    expect(await run(DefaultRetry, 0)).toEqual({ result: { value: 'ok' }, attempts: 1, slept: [] });
  });

  it.each([
    ['DefaultRetry', DefaultRetry, [10, 10, 10, 10]],
    ['DefaultBackoff', DefaultBackoff, [10, 50, 250]],
  ] as const)('%s: steps attempts in all, then the last 409 is thrown; waits Duration × Factorⁿ', async (_name, backoff, waits) => {
    const r = await run(backoff, 100);
    expect(r.attempts).toBe(backoff.steps);
    expect(r.slept).toEqual(waits);
    expect((r.result as { error: ApiError }).error.code).toBe(409);
  });

  it('a success on the last attempt counts', async () => {
    expect(await run(DefaultBackoff, 3)).toEqual({ result: { value: 'ok' }, attempts: 4, slept: [10, 50, 250] });
  });

  it('jitter adds up to jitter × the wait (random → 1: +10 %)', async () => {
    const r = await run(DefaultBackoff, 100, conflict, () => 1);
    expect(r.slept.map((ms) => Math.round(ms * 1000) / 1000)).toEqual([11, 55, 275]);
  });

  it.each([
    ['404', () => status(404, 'NotFound')],
    ['409 AlreadyExists (not a conflict)', () => status(409, 'AlreadyExists')],
    ['500', () => status(500, 'InternalError')],
    ['a dropped connection', () => new TransportError('connection reset', 'reset')],
    ['a plain Error', () => new Error('boom')],
  ])('%s is not retried', async (_what, err) => {
    const r = await run(DefaultRetry, 100, err);
    expect(r.attempts).toBe(1);
    expect(r.slept).toEqual([]);
    expect('error' in r.result).toBe(true);
  });
});

describe('retryOnConflict over HTTP (sandbox)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ builtinControllers: false });
  });
  afterEach(async () => {
    await sb.close();
  });

  it('re-reads and rewrites after each 409 the server sends, and stops at the budget', async () => {
    const client = createKubeClient({
      server: sb.url,
      namespace: 'default',
      source: 'test',
      insecureSkipTlsVerify: false,
      timeoutMs: 0,
      timeoutText: '0',
    });
    type Ns = { apiVersion: string; kind: string; metadata: { name: string; resourceVersion?: string; labels?: Record<string, string> } };
    try {
      await client.create<Ns>(Resources.namespaces, undefined, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'retried', labels: { n: '0' } },
      });
      // Each attempt re-reads, so it sends the current resourceVersion and the current count.
      const bump = async () => {
        const ns = await client.get<Ns>(Resources.namespaces, undefined, 'retried');
        return client.update<Ns>(Resources.namespaces, undefined, {
          ...ns,
          metadata: { ...ns.metadata, labels: { n: String(Number(ns.metadata.labels?.n) + 1) } },
        });
      };
      const slept: number[] = [];
      sb.requests.length = 0;
      sb.faults.failNext('PUT', /namespaces\/retried$/, 409, 2);
      await retryOnConflict(DefaultRetry, bump, { sleep: async (ms) => void slept.push(ms), random: () => 0 });
      expect(sb.requests.map((q) => `${q.method} ${q.status}`)).toEqual(['GET 200', 'PUT 409', 'GET 200', 'PUT 409', 'GET 200', 'PUT 200']);
      expect(slept).toEqual([10, 10]);
      expect(sb.store.get<Ns>('namespaces', undefined, 'retried')?.metadata.labels).toEqual({ n: '1' });

      sb.requests.length = 0;
      sb.faults.failNext('PUT', /namespaces\/retried$/, 409, 100);
      await expect(retryOnConflict(DefaultBackoff, bump, { sleep: async () => undefined })).rejects.toMatchObject({ code: 409 });
      expect(sb.requests.map((q) => `${q.method} ${q.status}`)).toEqual(
        Array.from({ length: DefaultBackoff.steps }, () => ['GET 200', 'PUT 409']).flat(),
      );
    } finally {
      client.close();
    }
  });
});
