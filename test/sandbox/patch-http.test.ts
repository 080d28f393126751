// PATCH through HTTP: the three patch types, subresources, scale, and 415 for server-side apply.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment, rollout } from './http.js';

let sb: Sandbox;
const D = '/apis/apps/v1/namespaces/default/deployments';
const R = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';

beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false });
  const d = deployment('web', 2);
  d.spec.template.spec.containers = [
    {
      name: 'busybox',
      image: 'busybox:1',
      env: [
        { name: 'VERSION', value: 'version-1' },
        { name: 'KEEP', value: 'k' },
      ],
    },
  ];
  await call(sb.url, 'POST', D, d);
  await call(sb.url, 'POST', R, rollout('demo', 'web'));
});
afterEach(async () => {
  await sb.close();
});

test("the guide's strategic merge patch merges the container by name and the env by name", async () => {
  const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';
  const res = await call(sb.url, 'PATCH', `${D}/web`, patch, 'application/strategic-merge-patch+json');
  expect(res.status).toBe(200);
  const c = res.body.spec.template.spec.containers;
  expect(c).toHaveLength(1);
  expect(c[0].image).toBe('busybox:1');
  expect(c[0].env).toEqual(
    expect.arrayContaining([
      { name: 'VERSION', value: 'version-2' },
      { name: 'KEEP', value: 'k' },
    ]),
  );
  expect(res.body.metadata.generation).toBe(2);
});

test('merge patch replaces lists and removes with null', async () => {
  const res = await call(
    sb.url,
    'PATCH',
    `${D}/web`,
    { metadata: { labels: { app: null, x: 'y' } }, spec: { replicas: 3 } },
    'application/merge-patch+json',
  );
  expect(res.status).toBe(200);
  expect(res.body.metadata.labels).toEqual({ x: 'y' });
  expect(res.body.spec.replicas).toBe(3);
});

test('JSON patch; a failing test op is an error Status', async () => {
  const ok = await call(sb.url, 'PATCH', `${D}/web`, [{ op: 'replace', path: '/spec/replicas', value: 7 }], 'application/json-patch+json');
  expect(ok.body.spec.replicas).toBe(7);
  const bad = await call(sb.url, 'PATCH', `${D}/web`, [{ op: 'test', path: '/spec/replicas', value: 1 }], 'application/json-patch+json');
  expect([400, 422]).toContain(bad.status);
  expect(bad.body.kind).toBe('Status');
});

test('merge patch on a Rollout; strategic merge on a custom resource is refused', async () => {
  const res = await call(sb.url, 'PATCH', `${R}/demo`, { spec: { strategy: { paused: true } } }, 'application/merge-patch+json');
  expect(res.body.spec.strategy.paused).toBe(true);
  const sm = await call(sb.url, 'PATCH', `${R}/demo`, { spec: { strategy: { paused: false } } }, 'application/strategic-merge-patch+json');
  expect(sm.status).toBeGreaterThanOrEqual(400);
  expect(sm.body.kind).toBe('Status');
});

test('patching /status changes only the status', async () => {
  const res = await call(
    sb.url,
    'PATCH',
    `${R}/demo/status`,
    { spec: { disabled: true }, status: { phase: 'Healthy' } },
    'application/merge-patch+json',
  );
  expect(res.status).toBe(200);
  expect(res.body.status).toEqual({ phase: 'Healthy' });
  expect(res.body.spec.disabled).toBeUndefined();
  const main = await call(sb.url, 'PATCH', `${R}/demo`, { status: { phase: 'Nope' } }, 'application/merge-patch+json');
  expect(main.body.status).toEqual({ phase: 'Healthy' });
});

test('a patch carrying a stale resourceVersion is a 409', async () => {
  const res = await call(
    sb.url,
    'PATCH',
    `${D}/web`,
    { metadata: { resourceVersion: '1' }, spec: { replicas: 4 } },
    'application/merge-patch+json',
  );
  expect(res.status).toBe(409);
});

test('server-side apply is a 415 with a way out', async () => {
  const res = await call(
    sb.url,
    'PATCH',
    `${D}/web?fieldManager=kubectl`,
    'apiVersion: apps/v1\nkind: Deployment\n',
    'application/apply-patch+yaml',
  );
  expect(res.status).toBe(415);
  expect(res.body).toMatchObject({
    reason: 'UnsupportedMediaType',
    message:
      'server-side apply is not supported by this sandbox; use kubectl apply --server-side=false (client-side apply) or kubectl create/patch',
  });
});

test('an unknown patch content type is a 415', async () => {
  expect((await call(sb.url, 'PATCH', `${D}/web`, '{}', 'text/plain')).status).toBe(415);
});

test('patching a missing object is a 404; a malformed patch is a 400', async () => {
  expect((await call(sb.url, 'PATCH', `${D}/nope`, {}, 'application/merge-patch+json')).body.message).toBe(
    'deployments.apps "nope" not found',
  );
  expect((await call(sb.url, 'PATCH', `${D}/web`, '{not json', 'application/merge-patch+json')).status).toBe(400);
});

test('scale: GET, PUT (with a stale resourceVersion → 409) and PATCH an autoscaling/v1 Scale', async () => {
  const scale = (await call(sb.url, 'GET', `${D}/web/scale`)).body;
  expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=web' } });
  const put = await call(sb.url, 'PUT', `${D}/web/scale`, { ...scale, spec: { replicas: 4 } });
  expect(put.body.spec.replicas).toBe(4);
  expect((await call(sb.url, 'PUT', `${D}/web/scale`, { ...scale, spec: { replicas: 5 } })).status).toBe(409);
  const patched = await call(sb.url, 'PATCH', `${D}/web/scale`, { spec: { replicas: 6 } }, 'application/merge-patch+json');
  expect(patched.body.spec.replicas).toBe(6);
  expect((await call(sb.url, 'GET', `${D}/web`)).body.spec.replicas).toBe(6);
  expect((await call(sb.url, 'PATCH', `${D}/web/scale`, { spec: { replicas: -1 } }, 'application/merge-patch+json')).status).toBe(422);
});
