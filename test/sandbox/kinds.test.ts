// The kinds beyond the rollout ones: a CRD's lifecycle (served while it exists, its objects go
// with it), schema defaults/pruning, HPA v1 ⇄ v2, a namespace being terminated refusing creates.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call } from './http.js';

const CRD = parse(readFileSync(fileURLToPath(new URL('../fixtures/app/crds/widgets.example.com.yaml', import.meta.url)), 'utf8'));
const W = '/apis/example.com/v1/namespaces/default/widgets';
const widget = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name },
  spec,
});

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false });
});
afterEach(async () => {
  await sb.close();
});

test('a CRD is served once created, with its status; deleting it deletes its objects and stops serving it', async () => {
  expect((await call(sb.url, 'GET', W)).status).toBe(404);
  const created = await call(sb.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
  expect(created.status).toBe(201);
  expect(created.body.status.conditions.map((c: { type: string }) => c.type)).toContain('Established');
  expect(created.body.status.storedVersions).toEqual(['v1']);
  const group = (await call(sb.url, 'GET', '/apis/example.com')).body;
  expect(group.preferredVersion.version).toBe('v1');
  expect((await call(sb.url, 'POST', W, widget('a', { color: 'red' }))).status).toBe(201);
  // The other served version: same object, its apiVersion.
  expect((await call(sb.url, 'GET', '/apis/example.com/v1beta1/namespaces/default/widgets/a')).body.apiVersion).toBe('example.com/v1beta1');
  expect((await call(sb.url, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com')).status).toBe(200);
  expect((await call(sb.url, 'GET', W)).status).toBe(404);
  expect(sb.store.list('widgets.example.com')).toEqual([]);
});

test('schema defaults are filled in, unknown fields pruned (preserved where the schema says so), status is a subresource', async () => {
  await call(sb.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
  const body = {
    ...widget('b', { color: 'green', bogus: true, settings: { anything: { goes: 1 } }, port: 'http' }),
    status: { replicas: 9 },
    extra: 1,
  };
  const res = await call(sb.url, 'POST', W, body);
  expect(res.status).toBe(201);
  expect(res.body.spec).toEqual({ color: 'green', size: 'medium', replicas: 1, settings: { anything: { goes: 1 } }, port: 'http' });
  expect(res.body.extra).toBeUndefined();
  expect(res.body.status).toBeUndefined();
  const missing = await call(sb.url, 'POST', W, widget('c', {}));
  expect(missing.status).toBe(422);
  expect(missing.body.message).toBe('Widget.example.com "c" is invalid: spec.color: Required value');
  expect(missing.body.details.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.color' }]);
  const wrongType = await call(sb.url, 'POST', W, widget('d', { color: 'red', replicas: 'three' }));
  expect(wrongType.body.message).toBe(
    'Widget.example.com "d" is invalid: spec.replicas: Invalid value: "three": spec.replicas in body must be of type integer: "string"',
  );
  // Strategic merge patch is for built-in kinds only.
  const smp = await call(sb.url, 'PATCH', `${W}/b`, { spec: { size: 'large' } }, 'application/strategic-merge-patch+json');
  expect(smp.status).toBe(422);
});

test('an HPA written as autoscaling/v1 reads back as v2 and as v1, nothing lost', async () => {
  const v1 = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 60,
    },
  };
  expect((await call(sb.url, 'POST', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers', v1)).status).toBe(201);
  const v2 = (await call(sb.url, 'GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/web')).body;
  expect(v2.spec.minReplicas).toBe(1);
  expect(v2.spec.metrics).toEqual([
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
  ]);
  const back = (await call(sb.url, 'GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web')).body;
  expect(back.spec).toEqual({ ...v1.spec, minReplicas: 1 });
});

test('a namespace being deleted is Terminating and refuses new objects with 403', () => {
  sb.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
  const marked = sb.store.delete('namespaces', undefined, 'tmp');
  expect(marked.status?.phase).toBe('Terminating');
  expect(() => sb.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'tmp' } })).toThrow(
    'configmaps "x" is forbidden: unable to create new content in namespace tmp because it is being terminated',
  );
});

test('a CRD that names its kind wrong is refused with every violation', async () => {
  const bad = structuredClone(CRD);
  bad.metadata.name = 'gadgets.example.com';
  bad.spec.versions[1].storage = true;
  const res = await call(sb.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', bad);
  expect(res.status).toBe(422);
  expect(res.body.details.causes.map((c: { field: string }) => c.field)).toEqual(['metadata.name', 'spec.versions']);
  expect(res.body.message).toContain('metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group');
});

test('custom resources survive a restart with --data-dir: the CRD is served again, its objects are back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kk-kinds-'));
  try {
    const first = await createSandbox({ builtinControllers: false, dataDir });
    await call(first.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    await call(first.url, 'POST', W, widget('kept', { color: 'red' }));
    await first.close();
    const second = await createSandbox({ builtinControllers: false, dataDir });
    try {
      const got = await call(second.url, 'GET', `${W}/kept`);
      expect(got.status).toBe(200);
      expect(got.body.spec).toEqual({ color: 'red', size: 'medium', replicas: 1 });
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
