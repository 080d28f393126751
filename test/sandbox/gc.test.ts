// Deletion: returned objects, garbage collection by ownerReferences, orphaning, finalizers.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment } from './http.js';

let sb: Sandbox;
const D = '/apis/apps/v1/namespaces/default/deployments';
const RS = '/apis/apps/v1/namespaces/default/replicasets';
const P = '/api/v1/namespaces/default/pods';

beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false });
});
afterEach(async () => {
  await sb.close();
});

function owner(o: any): any {
  return [
    { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true },
  ];
}

async function family(): Promise<{ d: any; rs: any }> {
  const d = (await call(sb.url, 'POST', D, deployment('web'))).body;
  const rsBody = {
    ...deployment('web-abc'),
    kind: 'ReplicaSet',
    metadata: { name: 'web-abc', ownerReferences: owner(d), labels: { app: 'web' } },
  };
  rsBody.spec.selector.matchLabels = { app: 'web' };
  rsBody.spec.template.metadata.labels = { app: 'web' };
  const rs = (await call(sb.url, 'POST', RS, rsBody)).body;
  for (const n of ['web-abc-1', 'web-abc-2']) {
    await call(sb.url, 'POST', P, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: n, labels: { app: 'web' }, ownerReferences: owner(rs) },
      spec: { containers: [{ name: 'c' }] },
    });
  }
  return { d, rs };
}

test('deleting a Deployment deletes its ReplicaSets, which delete their pods', async () => {
  await family();
  const res = await call(sb.url, 'DELETE', `${D}/web`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
  expect(res.status).toBe(200);
  expect(res.body.metadata.name).toBe('web');
  expect((await call(sb.url, 'GET', RS)).body.items).toEqual([]);
  expect((await call(sb.url, 'GET', P)).body.items).toEqual([]);
});

test('propagationPolicy=Orphan keeps the dependents without the owner reference', async () => {
  await family();
  await call(sb.url, 'DELETE', `${D}/web?propagationPolicy=Orphan`);
  const rs = (await call(sb.url, 'GET', `${RS}/web-abc`)).body;
  expect(rs.metadata.ownerReferences).toBeUndefined();
  expect((await call(sb.url, 'GET', P)).body.items).toHaveLength(2);
});

test('an object with finalizers gets a deletionTimestamp and goes when the last finalizer is removed', async () => {
  const d = (await call(sb.url, 'POST', D, { ...deployment('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } })).body;
  const del = await call(sb.url, 'DELETE', `${D}/fin`);
  expect(del.body.metadata.deletionTimestamp).toBeDefined();
  const held = (await call(sb.url, 'GET', `${D}/fin`)).body;
  expect(held.metadata.deletionTimestamp).toBeDefined();
  const released = await call(sb.url, 'PUT', `${D}/fin`, { ...held, metadata: { ...held.metadata, finalizers: [] } });
  expect(released.status).toBe(200);
  expect((await call(sb.url, 'GET', `${D}/fin`)).status).toBe(404);
  expect(d.metadata.uid).toBe(held.metadata.uid);
});

test('a delete with a stale uid precondition is a 409', async () => {
  await call(sb.url, 'POST', D, deployment('pre'));
  const res = await call(sb.url, 'DELETE', `${D}/pre`, { preconditions: { uid: 'nope' } });
  expect(res.status).toBe(409);
});

test('deletecollection with a label selector', async () => {
  await call(sb.url, 'POST', D, deployment('a'));
  await call(sb.url, 'POST', D, deployment('b'));
  const res = await call(sb.url, 'DELETE', `${D}?labelSelector=app%3Da`);
  expect(res.body.items.map((i: any) => i.metadata.name)).toEqual(['a']);
  expect((await call(sb.url, 'GET', D)).body.items.map((i: any) => i.metadata.name)).toEqual(['b']);
});

test('deleting a namespace deletes what is in it', async () => {
  await call(sb.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
  await call(sb.url, 'POST', '/apis/apps/v1/namespaces/tmp/deployments', deployment('x'));
  await call(sb.url, 'DELETE', '/api/v1/namespaces/tmp');
  expect((await call(sb.url, 'GET', '/apis/apps/v1/deployments')).body.items).toEqual([]);
});
