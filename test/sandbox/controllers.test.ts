// The built-in controllers run by the sandbox: the guide's Deployment gets 10 ready pods, and
// without a Rollout the guide's patch rolls natively to version-2.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { example, exampleText } from '../fixtures/load.js';
import { call, eventually } from './http.js';

const GUIDE = 'docs_basic-usage_deployment_workload-demo.yaml';
const D = '/apis/apps/v1/namespaces/default/deployments';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ podReadyDelayMs: 50 });
});
afterEach(async () => {
  await sb.close();
});

async function pods(): Promise<any[]> {
  return (await call(sb.url, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Ddemo')).body.items.filter(
    (p: any) => !p.metadata.deletionTimestamp,
  );
}
const ready = (p: any) => (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
const version = (p: any) => p.spec.containers[0].env.find((e: any) => e.name === 'VERSION').value;

test("the guide's Deployment reaches 10/10 ready pods, and its status says so", async () => {
  const res = await call(sb.url, 'POST', D, exampleText(GUIDE), 'application/yaml');
  expect(res.status).toBe(201);
  await eventually(async () => {
    const d = (await call(sb.url, 'GET', `${D}/workload-demo`)).body;
    return d.status?.readyReplicas === 10 && d.status?.updatedReplicas === 10 && d.status?.observedGeneration === d.metadata.generation;
  });
  const all = await pods();
  expect(all).toHaveLength(10);
  expect(all.every(ready)).toBe(true);
  const rs = (await call(sb.url, 'GET', '/apis/apps/v1/namespaces/default/replicasets')).body.items;
  expect(rs).toHaveLength(1);
  expect(rs[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'workload-demo', controller: true });
});

test("the guide's strategic patch to version-2, with no Rollout attached, rolls natively to 10 version-2 pods", async () => {
  await call(sb.url, 'POST', D, example(GUIDE)[0]);
  await eventually(async () => (await call(sb.url, 'GET', `${D}/workload-demo`)).body.status?.readyReplicas === 10);
  const patch = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';
  expect((await call(sb.url, 'PATCH', `${D}/workload-demo`, patch, 'application/strategic-merge-patch+json')).status).toBe(200);
  await eventually(async () => {
    const all = await pods();
    return all.length === 10 && all.every((p) => version(p) === 'version-2' && ready(p));
  }, 15000);
  await eventually(async () => {
    const d = (await call(sb.url, 'GET', `${D}/workload-demo`)).body;
    return d.status?.updatedReplicas === 10 && d.status?.readyReplicas === 10 && d.status?.replicas === 10;
  });
  const rs = (await call(sb.url, 'GET', '/apis/apps/v1/namespaces/default/replicasets')).body.items;
  expect(rs.map((r: any) => r.spec.replicas).sort()).toEqual([0, 10]);
});

test('scaling the Deployment down removes pods; deleting it removes everything', async () => {
  await call(sb.url, 'POST', D, example(GUIDE)[0]);
  await eventually(async () => (await pods()).length === 10);
  await call(sb.url, 'PATCH', `${D}/workload-demo/scale`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
  await eventually(async () => (await pods()).length === 3);
  await call(sb.url, 'DELETE', `${D}/workload-demo`);
  await eventually(
    async () => (await pods()).length === 0 && (await call(sb.url, 'GET', '/apis/apps/v1/replicasets')).body.items.length === 0,
  );
});
