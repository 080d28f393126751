// Runs the hostile-request corpus (requests.ts) against one sandbox over real HTTP, then checks
// what `allowOrigins` (`sandbox --allow-origin`) opens up and nothing more.
import { request } from 'node:http';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { CORPUS_TOKEN, deploymentJson, type RawRequest, REQUEST_CASES, type RequestCase, TOKEN_REQUEST_CASES } from './requests.js';

/** The answer, or `error` when the connection failed before one arrived. */
interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  error?: string;
}

/** Sends one request exactly as written (Host, Origin, path) and reads the whole answer. */
function send(port: number, r: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...r.headers };
    if (typeof r.body === 'string' || Buffer.isBuffer(r.body)) headers['content-length'] = Buffer.byteLength(r.body);
    const req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, headers: {}, text: '', error: err.message }));
    });
    req.on('error', (err) => resolve({ status: 0, headers: {}, text: '', error: err.message }));
    if (typeof r.body === 'function') {
      for (const chunk of r.body()) req.write(chunk);
      req.end();
    } else req.end(r.body);
  });
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox({ builtinControllers: false });
  const made = await send(sb.port, {
    method: 'POST',
    path: '/apis/apps/v1/namespaces/default/deployments',
    headers: { 'content-type': 'application/json' },
    body: deploymentJson('web'),
  });
  expect(made.status).toBe(201);
});
afterAll(async () => {
  await sb.close();
});

/** Sends one row and checks the answer, the store, and that the server still answers. */
async function check(box: Sandbox, c: RequestCase): Promise<void> {
  const got = await send(box.port, c.request(box.port));
  expect({ status: got.status, error: got.error }).toEqual({ status: c.code, error: undefined });
  if (c.code >= 400) {
    const status = JSON.parse(got.text);
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: c.code });
    if (c.message) expect(status.message).toMatch(c.message);
  }
  if (c.absent) expect(box.store.get(c.absent.resource, c.absent.namespace, c.absent.name)).toBeUndefined();
  if (c.present) expect(box.store.get(c.present.resource, c.present.namespace, c.present.name)).toBeDefined();
  // The server is still answering.
  expect((await send(box.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
}

describe('hostile requests', () => {
  test.each(REQUEST_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await check(sb, c);
  });
});

describe('hostile requests to a sandbox that requires a token (--require-token)', () => {
  let locked: Sandbox;
  beforeAll(async () => {
    locked = await createSandbox({ builtinControllers: false, token: CORPUS_TOKEN });
  });
  afterAll(async () => {
    await locked.close();
  });
  test.each(TOKEN_REQUEST_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    await check(locked, c);
  });
});

describe('allowOrigins', () => {
  let open: Sandbox;
  const ORIGIN = 'http://ui.test:8080';
  beforeAll(async () => {
    open = await createSandbox({ builtinControllers: false, allowOrigins: [ORIGIN] });
  });
  afterAll(async () => {
    await open.close();
  });
  const create = (name: string, headers: Record<string, string>) =>
    send(open.port, {
      method: 'POST',
      path: '/apis/apps/v1/namespaces/default/deployments',
      headers: { 'content-type': 'application/json', ...headers },
      body: deploymentJson(name),
    });

  test('an allowed origin is served with CORS headers', async () => {
    const got = await create('from-ui', { origin: ORIGIN });
    expect(got.status).toBe(201);
    expect(got.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(got.headers.vary).toMatch(/Origin/);
  });

  test('the preflight of an allowed origin is answered 204', async () => {
    const got = await send(open.port, {
      method: 'OPTIONS',
      path: '/apis/apps/v1/namespaces/default/deployments',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(got.status).toBe(204);
    expect(got.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(got.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(got.headers['access-control-allow-headers']).toMatch(/Content-Type/i);
  });

  test("the allowed origin's host may be the Host header", async () => {
    const got = await send(open.port, { method: 'GET', path: '/api/v1/namespaces', headers: { host: 'ui.test:8080' } });
    expect(got.status).toBe(200);
  });

  test('another origin and another Host are still refused', async () => {
    expect((await create('from-evil', { origin: 'http://evil.example' })).status).toBe(403);
    expect((await send(open.port, { method: 'GET', path: '/api/v1/namespaces', headers: { host: 'evil.example' } })).status).toBe(403);
    expect(open.store.get('deployments', 'default', 'from-evil')).toBeUndefined();
  });

  test('"*" allows every origin and Host', async () => {
    const any = await createSandbox({ builtinControllers: false, allowOrigins: ['*'] });
    try {
      const got = await send(any.port, {
        method: 'GET',
        path: '/api/v1/namespaces',
        headers: { origin: 'http://anything.example', host: 'anything.example' },
      });
      expect(got.status).toBe(200);
      expect(got.headers['access-control-allow-origin']).toBe('http://anything.example');
    } finally {
      await any.close();
    }
  });
});
