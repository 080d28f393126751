// @kubernetes/client-node as a client of the sandbox: read, list, watch, a stale replace → 409.
import * as k8s from '@kubernetes/client-node';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment } from '../sandbox/http.js';

let sb: Sandbox;
let apps: k8s.AppsV1Api;
let custom: k8s.CustomObjectsApi;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  sb = await createSandbox({ builtinControllers: false });
  kc = new k8s.KubeConfig();
  // The kubeconfig exactly as `kubectl-kruise sandbox` writes it.
  kc.loadFromString(sandboxKubeconfig(sb.url));
  apps = kc.makeApiClient(k8s.AppsV1Api);
  custom = kc.makeApiClient(k8s.CustomObjectsApi);
  await call(sb.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 1));
});
afterAll(async () => {
  await sb.close();
});

test('read and list Deployments', async () => {
  const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
  expect(d.metadata?.name).toBe('web');
  expect(d.spec?.replicas).toBe(1);
  const list = await apps.listNamespacedDeployment({ namespace: 'default', labelSelector: 'app=web' });
  expect(list.items.map((i) => i.metadata?.name)).toEqual(['web']);
});

test('a replace with a stale resourceVersion fails with 409; a fresh one succeeds', async () => {
  const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
  d.metadata!.labels = { ...d.metadata!.labels, fresh: 'yes' };
  const updated = await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'default', body: d });
  expect(updated.metadata?.labels?.fresh).toBe('yes');
  d.metadata!.labels = { ...d.metadata!.labels, stale: 'yes' };
  let code: number | undefined;
  let body = '';
  try {
    await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'default', body: d });
  } catch (err) {
    code = (err as { code?: number }).code;
    body = String((err as { body?: unknown }).body);
  }
  expect(code).toBe(409);
  expect(body).toContain('the object has been modified');
});

test('custom objects: create and read a v1beta1 Rollout', async () => {
  await custom.createNamespacedCustomObject({
    group: 'rollouts.kruise.io',
    version: 'v1beta1',
    namespace: 'default',
    plural: 'rollouts',
    body: {
      apiVersion: 'rollouts.kruise.io/v1beta1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, strategy: { canary: { steps: [{ replicas: 1 }] } } },
    },
  });
  const got = (await custom.getNamespacedCustomObject({
    group: 'rollouts.kruise.io',
    version: 'v1alpha1',
    namespace: 'default',
    plural: 'rollouts',
    name: 'r',
  })) as any;
  expect(got.apiVersion).toBe('rollouts.kruise.io/v1alpha1');
});

test('watch delivers ADDED events through the client', async () => {
  const watch = new k8s.Watch(kc);
  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let req: AbortController | undefined;
    watch
      .watch(
        '/apis/apps/v1/namespaces/default/deployments',
        {},
        (type, obj) => {
          seen.push(`${type} ${obj.metadata.name}`);
          if (seen.length >= 1) {
            req?.abort();
            resolve();
          }
        },
        (err) => (err && !String(err).includes('abort') ? reject(err) : undefined),
      )
      .then((r) => (req = r), reject);
  });
  expect(seen[0]).toBe('ADDED web');
});
