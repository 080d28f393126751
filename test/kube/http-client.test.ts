// The HTTP client against real servers on 127.0.0.1: paths, bodies, watch, retries, errors.
import net from 'node:net';
import { ApiError, isConflict, isNotFound, TransportError } from '../../src/kube/errors.js';
import { createKubeClient } from '../../src/kube/http-client.js';
import type { RestConfig } from '../../src/kube/kubeconfig.js';
import { createRequestLogger } from '../../src/kube/log.js';
import { Resources } from '../../src/kube/resources.js';
import { json, startServer, status } from './helpers.js';

const cfgFor = (server: string, extra: Partial<RestConfig> = {}): RestConfig => ({
  server,
  namespace: 'default',
  source: 'test',
  insecureSkipTlsVerify: false,
  timeoutMs: 0,
  timeoutText: '0',
  ...extra,
});
const noWait = { sleep: async () => undefined, random: () => 0.5 };
const ro = (name: string, rv = '7') => ({
  apiVersion: 'rollouts.kruise.io/v1beta1',
  kind: 'Rollout',
  metadata: { name, namespace: 'default', resourceVersion: rv },
  spec: {},
});

describe('createKubeClient', () => {
  it('builds the REST paths, sends JSON bodies with resourceVersion, and PUTs subresources', async () => {
    const srv = await startServer((req, res, body) =>
      json(res, req.method === 'POST' ? 201 : 200, body ? JSON.parse(body) : { kind: 'RolloutList', items: [], metadata: {} }),
    );
    const c = createKubeClient(cfgFor(srv.url, { token: 'abc123' }), noWait);
    try {
      await c.get(Resources.rolloutsV1beta1, 'ns1', 'demo');
      await c.list(Resources.rolloutsV1beta1, undefined, { labelSelector: 'a=b' });
      await c.create(Resources.rolloutsV1beta1, 'ns1', ro('demo'));
      const written = await c.update(Resources.rolloutsV1beta1, 'ns1', ro('demo', '42'), { subresource: 'status', dryRun: true });
      expect(written.metadata.resourceVersion).toBe('42');
      await c.delete(Resources.deployments, 'ns1', 'web');
      expect(srv.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /apis/rollouts.kruise.io/v1beta1/namespaces/ns1/rollouts/demo',
        'GET /apis/rollouts.kruise.io/v1beta1/rollouts?labelSelector=a%3Db',
        'POST /apis/rollouts.kruise.io/v1beta1/namespaces/ns1/rollouts',
        'PUT /apis/rollouts.kruise.io/v1beta1/namespaces/ns1/rollouts/demo/status?dryRun=All',
        'DELETE /apis/apps/v1/namespaces/ns1/deployments/web',
      ]);
      expect(JSON.parse(srv.seen[3]!.body).metadata.resourceVersion).toBe('42');
      expect(srv.seen[3]!.headers['content-type']).toBe('application/json');
      expect(srv.seen[0]!.headers.authorization).toBe('Bearer abc123');
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('streams watch events line by line, including one split across chunks, and stops on abort', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const e1 = JSON.stringify({ type: 'ADDED', object: ro('a', '1') });
      const e2 = JSON.stringify({ type: 'MODIFIED', object: ro('a', '2') });
      res.write(`${e1}\n${e2.slice(0, 10)}`);
      setTimeout(() => res.write(`${e2.slice(10)}\n`), 20);
      // Never ends by itself: only the abort stops the loop.
    });
    const c = createKubeClient(cfgFor(srv.url), noWait);
    const ac = new AbortController();
    const seen: string[] = [];
    try {
      for await (const ev of c.watch(Resources.rolloutsV1beta1, 'default', {
        resourceVersion: '0',
        signal: ac.signal,
        fieldSelector: 'metadata.name=a',
      })) {
        seen.push(`${ev.type} ${ev.object.metadata.resourceVersion}`);
        if (seen.length === 2) ac.abort();
      }
      expect(seen).toEqual(['ADDED 1', 'MODIFIED 2']);
      expect(srv.seen[0]!.url).toBe(
        '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts?watch=true&fieldSelector=metadata.name%3Da&resourceVersion=0',
      );
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('ends a watch when the server closes it, and reports a 410 as an ApiError', async () => {
    let n = 0;
    const srv = await startServer((_req, res) => {
      if (n++ === 0) {
        res.writeHead(200);
        res.end(`${JSON.stringify({ type: 'ADDED', object: ro('a') })}\n`);
      } else json(res, 410, status(410, 'Expired', 'too old resource version: 1 (5)'));
    });
    const c = createKubeClient(cfgFor(srv.url), noWait);
    try {
      const got = [];
      for await (const ev of c.watch(Resources.rolloutsV1beta1, 'default')) got.push(ev.type);
      expect(got).toEqual(['ADDED']);
      const it = c.watch(Resources.rolloutsV1beta1, 'default', { resourceVersion: '1' })[Symbol.asyncIterator]();
      const err = await it.next().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe(410);
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('retries a read on 429 (honouring Retry-After) and on 5xx, within the budget', async () => {
    let n = 0;
    const waits: number[] = [];
    const srv = await startServer((_req, res) => {
      n++;
      if (n === 1) return json(res, 429, status(429, 'TooManyRequests', 'slow down'), { 'Retry-After': '1' });
      if (n === 2) return json(res, 503, status(503, 'ServiceUnavailable', 'busy'));
      json(res, 200, ro('ok'));
    });
    const c = createKubeClient(cfgFor(srv.url), { sleep: async (ms) => void waits.push(ms), random: () => 0 });
    try {
      const got = await c.get(Resources.rolloutsV1beta1, 'default', 'ok');
      expect(got.metadata.name).toBe('ok');
      expect(n).toBe(3);
      // Retry-After: 1 s; then the second retry's backoff: 200 ms × 2 × (0.5 + 0.5 × random 0).
      expect(waits).toEqual([1000, 200]);
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('gives up on a read after the bounded number of attempts', async () => {
    const srv = await startServer((_req, res) => json(res, 500, status(500, 'InternalError', 'etcd is on fire')));
    const c = createKubeClient(cfgFor(srv.url), noWait);
    try {
      const err = await c.get(Resources.rolloutsV1beta1, 'default', 'x').catch((e: unknown) => e);
      expect((err as ApiError).message).toBe('Error from server (InternalError): etcd is on fire');
      expect(srv.seen).toHaveLength(4);
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('never retries a write on 5xx, and maps 409/404 to typed errors', async () => {
    const answers = [
      () => status(500, 'InternalError', 'boom'),
      () =>
        status(
          409,
          'Conflict',
          'Operation cannot be fulfilled on rollouts.rollouts.kruise.io "x": the object has been modified; please apply your changes to the latest version and try again',
        ),
      () =>
        status(404, 'NotFound', 'rollouts.rollouts.kruise.io "x" not found', { name: 'x', group: 'rollouts.kruise.io', kind: 'rollouts' }),
    ];
    let i = 0;
    const srv = await startServer((_req, res) => {
      const st = answers[i++]!();
      json(res, st.code, st);
    });
    const c = createKubeClient(cfgFor(srv.url), noWait);
    try {
      const e1 = await c.update(Resources.rolloutsV1beta1, 'default', ro('x')).catch((e: unknown) => e);
      expect((e1 as ApiError).code).toBe(500);
      expect(srv.seen).toHaveLength(1);
      const e2 = await c.update(Resources.rolloutsV1beta1, 'default', ro('x')).catch((e: unknown) => e);
      expect(isConflict(e2)).toBe(true);
      const e3 = await c.get(Resources.rolloutsV1beta1, 'default', 'x').catch((e: unknown) => e);
      expect(isNotFound(e3)).toBe(true);
      expect((e3 as ApiError).message).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "x" not found');
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('turns a plain-text 404 (an API version the server lacks) into a synthetic NotFound', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('404 page not found\n');
    });
    const c = createKubeClient(cfgFor(srv.url), noWait);
    try {
      const err = (await c.get(Resources.rolloutsV1beta1, 'default', 'x').catch((e: unknown) => e)) as ApiError;
      expect(err.synthetic).toBe(true);
      expect(err.message).toBe('Error from server (NotFound): the server could not find the requested resource');
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('times out with --request-timeout and says so', async () => {
    const srv = await startServer(() => undefined); // never answers
    // 1s, not less: on a loaded machine the server may not have read the request within 100ms.
    const c = createKubeClient(cfgFor(srv.url, { timeoutMs: 1000, timeoutText: '1s' }), noWait);
    try {
      const err = await c.get(Resources.rolloutsV1beta1, 'default', 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).message).toBe('the server did not answer within 1s (--request-timeout)');
      expect(srv.seen).toHaveLength(1); // a timeout is not retried: the user bounded the wait
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('reports a refused connection with a hint, after retrying the read', async () => {
    const port = await freePort();
    const c = createKubeClient(cfgFor(`http://127.0.0.1:${port}`), noWait);
    const err = await c.get(Resources.rolloutsV1beta1, 'default', 'x').catch((e: unknown) => e);
    expect((err as TransportError).message).toBe(
      `the server at http://127.0.0.1:${port} refused the connection; is the API server running? (check --server/--kubeconfig)`,
    );
    c.close();
  });

  it('logs one line per request at -v 6 and masks the token, Authorization and bodies at -v 9', async () => {
    const srv = await startServer((_req, res) => json(res, 200, { ...ro('x'), data: { token: 'super-secret-token' } }));
    let log = '';
    const logger = createRequestLogger(9, (s) => (log += s));
    const c = createKubeClient(cfgFor(srv.url, { token: 'super-secret-token' }), { ...noWait, logger });
    try {
      await c.get(Resources.rolloutsV1beta1, 'default', 'x');
      expect(log).toMatch(
        new RegExp(`GET ${srv.url}/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/x 200 OK in \\d+ milliseconds`),
      );
      expect(log).toContain('Authorization: Bearer <masked>');
      expect(log).toContain('Response Body:');
      expect(log).not.toContain('super-secret-token');
    } finally {
      c.close();
      await srv.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
