// Watch over real HTTP: chunked, one JSON event per line, initial ADDED, resume, 410, timeouts.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment, openWatch } from './http.js';

let sb: Sandbox;
const D = '/apis/apps/v1/namespaces/default/deployments';

beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false, historyLimit: 20 });
});
afterEach(async () => {
  await sb.close();
});

test('without resourceVersion: ADDED for current objects, then changes, one JSON object per line, chunked', async () => {
  await call(sb.url, 'POST', D, deployment('a'));
  await call(sb.url, 'POST', D, deployment('b'));
  const w = await openWatch(sb.url, `${D}?watch=true`);
  expect(w.headers['transfer-encoding']).toBe('chunked');
  expect(w.headers['content-type']).toBe('application/json');
  await w.waitFor(2);
  const a = (await call(sb.url, 'GET', `${D}/a`)).body;
  await call(sb.url, 'PUT', `${D}/a`, { ...a, spec: { ...a.spec, replicas: 5 } });
  await call(sb.url, 'DELETE', `${D}/b`);
  const events = await w.waitFor(4);
  expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED b']);
  expect(events[2]!.object.spec.replicas).toBe(5);
  for (const line of w.lines) expect(JSON.parse(line)).toHaveProperty('object');
  w.close();
});

test.each(['true', '1', 'True'])('watch=%s is a watch', async (v) => {
  await call(sb.url, 'POST', D, deployment('a'));
  const w = await openWatch(sb.url, `${D}?watch=${v}`);
  expect((await w.waitFor(1))[0]!.type).toBe('ADDED');
  w.close();
});

test('resourceVersion=0 also starts with the current objects', async () => {
  await call(sb.url, 'POST', D, deployment('a'));
  const w = await openWatch(sb.url, `${D}?watch=1&resourceVersion=0`);
  expect((await w.waitFor(1))[0]!.object.metadata.name).toBe('a');
  w.close();
});

test('with a resourceVersion: every change after it, and nothing before', async () => {
  const a = (await call(sb.url, 'POST', D, deployment('a'))).body;
  await call(sb.url, 'POST', D, deployment('b'));
  await call(sb.url, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c' }] },
  });
  await call(sb.url, 'DELETE', `${D}/a`);
  const w = await openWatch(sb.url, `${D}?watch=true&resourceVersion=${a.metadata.resourceVersion}`);
  const events = await w.waitFor(2);
  expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a']);
  await call(sb.url, 'POST', D, deployment('c'));
  expect((await w.waitFor(3))[2]!.object.metadata.name).toBe('c');
  w.close();
});

test('a resourceVersion older than the history gets one ERROR event with a 410 Status, then the stream ends', async () => {
  const first = (await call(sb.url, 'POST', D, deployment('a'))).body;
  for (let i = 0; i < 30; i++)
    await call(sb.url, 'PUT', `${D}/a`, {
      ...first,
      metadata: { ...first.metadata, resourceVersion: undefined, labels: { i: String(i) } },
    });
  const w = await openWatch(sb.url, `${D}?watch=true&resourceVersion=${first.metadata.resourceVersion}`);
  await w.ended;
  expect(w.events).toHaveLength(1);
  expect(w.events[0]!.type).toBe('ERROR');
  expect(w.events[0]!.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  expect(w.events[0]!.object.message).toMatch(new RegExp(`^too old resource version: ${first.metadata.resourceVersion} \\(\\d+\\)$`));
});

test('the current resourceVersion resumes with nothing missed', async () => {
  await call(sb.url, 'POST', D, deployment('a'));
  const rv = (await call(sb.url, 'GET', D)).body.metadata.resourceVersion;
  const w = await openWatch(sb.url, `${D}?watch=true&resourceVersion=${rv}`);
  await call(sb.url, 'POST', D, deployment('b'));
  expect((await w.waitFor(1)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b']);
  w.close();
});

test('selectors apply to watches: leaving the selection is DELETED, entering it is ADDED', async () => {
  const a = (await call(sb.url, 'POST', D, deployment('a'))).body;
  const w = await openWatch(sb.url, `${D}?watch=true&labelSelector=${encodeURIComponent('team=x')}`);
  const put = async (labels: Record<string, string>) => {
    const cur = (await call(sb.url, 'GET', `${D}/a`)).body;
    await call(sb.url, 'PUT', `${D}/a`, { ...cur, metadata: { ...cur.metadata, labels } });
  };
  await put({ ...a.metadata.labels, team: 'x' });
  await put({ ...a.metadata.labels, team: 'x', more: '1' });
  await put({ ...a.metadata.labels });
  const events = await w.waitFor(3);
  expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  w.close();
});

test('fieldSelector metadata.name narrows a watch; namespace scoping holds', async () => {
  await call(sb.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  const w = await openWatch(sb.url, `${D}?watch=true&fieldSelector=metadata.name%3Db`);
  await call(sb.url, 'POST', D, deployment('a'));
  await call(sb.url, 'POST', '/apis/apps/v1/namespaces/other/deployments', deployment('b'));
  await call(sb.url, 'POST', D, deployment('b'));
  const events = await w.waitFor(1);
  expect(events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`)).toEqual(['default/b']);
  w.close();
});

test('a v1alpha1 watch of rollouts gets v1alpha1 objects', async () => {
  const w = await openWatch(sb.url, '/apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts?watch=true');
  await call(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name: 'r' },
    spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'w' }, strategy: { canary: { steps: [{ replicas: 1 }] } } },
  });
  const [e] = await w.waitFor(1);
  expect(e!.object.apiVersion).toBe('rollouts.kruise.io/v1alpha1');
  w.close();
});

test('timeoutSeconds ends the stream', async () => {
  const w = await openWatch(sb.url, `${D}?watch=true&timeoutSeconds=1`);
  await w.ended;
  expect(w.events).toEqual([]);
});

test('dropWatches closes every open stream', async () => {
  const w1 = await openWatch(sb.url, `${D}?watch=true`);
  const w2 = await openWatch(sb.url, '/api/v1/pods?watch=true');
  expect(sb.dropWatches()).toBe(2);
  await Promise.all([w1.ended, w2.ended]);
});

test('an invalid resourceVersion is a 400 before the stream starts', async () => {
  const res = await call(sb.url, 'GET', `${D}?watch=true&resourceVersion=abc`);
  expect(res.status).toBe(400);
  expect(res.body.kind).toBe('Status');
});

test('sendInitialEvents: initial ADDED events then a BOOKMARK marking their end', async () => {
  await call(sb.url, 'POST', D, deployment('a'));
  const w = await openWatch(sb.url, `${D}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
  const events = await w.waitFor(2);
  expect(events[0]!.type).toBe('ADDED');
  expect(events[1]!.type).toBe('BOOKMARK');
  expect(events[1]!.object.metadata.annotations['k8s.io/initial-events-end']).toBe('true');
  w.close();
});
