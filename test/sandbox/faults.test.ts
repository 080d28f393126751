// The fault-injection API and the request log, over real HTTP.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment } from './http.js';

let sb: Sandbox;
const D = '/apis/apps/v1/namespaces/default/deployments';

beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false });
  await call(sb.url, 'POST', D, deployment('web'));
  sb.requests.length = 0;
});
afterEach(async () => {
  await sb.close();
});

test('failNext answers the next matching request with a Status of that code, once', async () => {
  sb.faults.failNext({ method: 'GET', path: 'deployments/web', status: 503, retryAfterSeconds: 2 });
  const first = await call(sb.url, 'GET', `${D}/web`);
  expect(first.status).toBe(503);
  expect(first.headers['retry-after']).toBe('2');
  expect(first.body).toMatchObject({ kind: 'Status', code: 503, reason: 'ServiceUnavailable' });
  expect((await call(sb.url, 'GET', `${D}/web`)).status).toBe(200);
});

test('failNext with times, a RegExp path, a method filter, a custom body; positional form', async () => {
  sb.faults.failNext({
    path: /\/deployments\/web$/,
    method: 'PUT',
    status: 409,
    times: 2,
    body: { kind: 'Status', code: 409, message: 'custom' },
  });
  const d = (await call(sb.url, 'GET', `${D}/web`)).body;
  expect((await call(sb.url, 'PUT', `${D}/web`, d)).body.message).toBe('custom');
  expect((await call(sb.url, 'PUT', `${D}/web`, d)).status).toBe(409);
  expect((await call(sb.url, 'PUT', `${D}/web`, d)).status).toBe(200);
  sb.faults.failNext('GET', 'deployments', 500);
  expect((await call(sb.url, 'GET', D)).status).toBe(500);
});

test('transport faults: reset, truncate, html, hang', async () => {
  sb.faults.next({ path: 'web', action: 'reset' });
  await expect(fetch(`${sb.url}${D}/web`)).rejects.toThrow();
  sb.faults.next({ path: 'web', action: 'truncate' });
  const t = await fetch(`${sb.url}${D}/web`);
  expect(t.status).toBe(200);
  await expect(t.json()).rejects.toThrow();
  sb.faults.next({ path: 'web', action: 'html', retryAfterSeconds: 1 });
  const h = await fetch(`${sb.url}${D}/web`);
  expect(h.status).toBe(502);
  expect(h.headers.get('content-type')).toBe('text/html');
  expect(h.headers.get('retry-after')).toBe('1');
  expect(await h.text()).toContain('502 Bad Gateway');
  sb.faults.next({ path: 'web', action: 'hang' });
  const hung = await Promise.race([
    fetch(`${sb.url}${D}/web`, { signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      () => 'aborted',
    ),
    new Promise((r) => setTimeout(() => r('still waiting'), 1000)),
  ]);
  expect(hung).toBe('aborted');
});

test('before runs a hook ahead of the request: a concurrent write between GET and PUT makes the PUT stale', async () => {
  const read = (await call(sb.url, 'GET', `${D}/web`)).body;
  sb.faults.before(
    async () => {
      const cur = (await call(sb.url, 'GET', `${D}/web`)).body;
      await call(sb.url, 'PUT', `${D}/web`, {
        ...cur,
        metadata: { ...cur.metadata, labels: { ...cur.metadata.labels, by: 'someone-else' } },
      });
    },
    { method: 'PUT', path: 'deployments/web', times: 1 },
  );
  const res = await call(sb.url, 'PUT', `${D}/web`, { ...read, spec: { ...read.spec, replicas: 9 } });
  expect(res.status).toBe(409);
});

test('clear removes armed faults', async () => {
  sb.faults.failNext({ status: 500 });
  sb.faults.clear();
  expect((await call(sb.url, 'GET', `${D}/web`)).status).toBe(200);
});

test('the request log records method, path, query, status and content type', async () => {
  await call(sb.url, 'GET', `${D}?labelSelector=app%3Dweb`);
  await call(sb.url, 'PATCH', `${D}/web`, { spec: { replicas: 2 } }, 'application/merge-patch+json');
  expect(sb.requests).toEqual([
    { method: 'GET', path: D, query: { labelSelector: 'app=web' }, status: 200 },
    { method: 'PATCH', path: `${D}/web`, query: {}, status: 200, contentType: 'application/merge-patch+json' },
  ]);
});
