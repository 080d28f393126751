// @kubernetes/client-node driving a whole application's kinds: KubernetesObjectApi (which finds
// each kind's resource by discovery) creates the CRD and every object, reads them back, a
// Watch sees ConfigMaps, and deleting the namespace takes everything with it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { eventually } from '../sandbox/http.js';

const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const load = (d: string): k8s.KubernetesObject[] =>
  readdirSync(d)
    .sort()
    // client-node's own loader: known kinds become its models (a schema's `default` is `_default` there).
    .flatMap((f) => k8s.loadAllYaml(readFileSync(`${d}/${f}`, 'utf8')) as k8s.KubernetesObject[])
    .filter(Boolean);
const CRDS = load(dir('../fixtures/app/crds'));
const APP = load(dir('../fixtures/app/manifests'));

let sb: Sandbox;
let kc: k8s.KubeConfig;
let objects: k8s.KubernetesObjectApi;

beforeAll(async () => {
  sb = await createSandbox({ podReadyDelayMs: 50 });
  kc = new k8s.KubeConfig();
  kc.loadFromString(sandboxKubeconfig(sb.url));
  objects = k8s.KubernetesObjectApi.makeApiClient(kc);
});
afterAll(async () => {
  await sb.close();
});

test('creates the CRD, then every object of the application, and reads each back', async () => {
  for (const crd of CRDS) await objects.create(crd);
  for (const o of APP) await objects.create(o);
  for (const o of APP) {
    const got = await objects.read({
      apiVersion: o.apiVersion!,
      kind: o.kind!,
      metadata: { name: o.metadata!.name!, namespace: o.metadata!.namespace! },
    });
    expect([got.kind, got.metadata?.name]).toEqual([o.kind, o.metadata!.name]);
  }
  // KubernetesObjectApi keeps only metadata of a kind it has no model for: the spec through CustomObjectsApi.
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const widget = await custom.getNamespacedCustomObject({
    group: 'example.com',
    version: 'v1',
    namespace: 'shop',
    plural: 'widgets',
    name: 'gizmo',
  });
  expect(widget.spec).toEqual({ color: 'blue', replicas: 3, size: 'medium' });
});

test('a Watch of ConfigMaps in the namespace sees them', async () => {
  const seen: string[] = [];
  const req = await new k8s.Watch(kc).watch(
    '/api/v1/namespaces/shop/configmaps',
    {},
    (type, obj: k8s.V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
    () => {},
  );
  try {
    await eventually(() => (seen.includes('ADDED web-config') ? true : undefined));
  } finally {
    req.abort();
  }
});

test('deleting the namespace removes it and everything in it', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const marked = await core.deleteNamespace({ name: 'shop' });
  expect((marked as k8s.V1Namespace).status?.phase).toBe('Terminating');
  await eventually(async () => {
    try {
      await core.readNamespace({ name: 'shop' });
      return undefined;
    } catch (err) {
      return (err as { code?: number }).code === 404 ? true : undefined;
    }
  });
  expect((await core.listConfigMapForAllNamespaces()).items.filter((c) => c.metadata?.namespace === 'shop')).toEqual([]);
  expect((await objects.list('example.com/v1', 'Widget', 'shop')).items).toEqual([]);
});
