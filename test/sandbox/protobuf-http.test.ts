// Protobuf request bodies over HTTP: what kubectl ≥ 1.30 sends for built-in kinds is decoded; what
// the sandbox cannot decode gets the API server's 415, malformed bodies a 400.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call } from './http.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
// `kubectl create namespace x` (kubectl 1.32), as captured.
const NAMESPACE = '6b3873000a0f0a02763112094e616d65737061636512190a110a017812001a0022002a0032003800420012001a020a001a002200';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ podReadyDelayMs: 50 });
});
afterEach(async () => {
  await sb.close();
});

const post = (path: string, body: Buffer) =>
  fetch(`${sb.url}${path}`, { method: 'POST', headers: { 'content-type': PROTOBUF, accept: `${PROTOBUF},application/json` }, body });

test('a protobuf Namespace is created and answered in JSON', async () => {
  const res = await post('/api/v1/namespaces', Buffer.from(NAMESPACE, 'hex'));
  expect(res.status).toBe(201);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(await res.json()).toMatchObject({ kind: 'Namespace', metadata: { name: 'x' }, status: { phase: 'Active' } });
  expect((await call(sb.url, 'GET', '/api/v1/namespaces/x')).status).toBe(200);
});

test('a kind it does not decode is 415 UnsupportedMediaType; a malformed body is 400', async () => {
  const pox = Buffer.concat([
    Buffer.from('k8s\0'),
    Buffer.from([0x0a, 0x09, 0x0a, 0x02]),
    Buffer.from('v1'),
    Buffer.from([0x12, 0x03]),
    Buffer.from('Pox'),
  ]);
  const unsupported = await post('/api/v1/namespaces/default/pods', pox);
  expect(unsupported.status).toBe(415);
  expect(await unsupported.json()).toMatchObject({
    reason: 'UnsupportedMediaType',
    message: expect.stringContaining('the body of the request was in an unknown format - accepted media types include: application/json'),
  });
  const garbage = await post('/api/v1/namespaces', Buffer.from('{"kind":"Namespace"}'));
  expect(garbage.status).toBe(400);
});
