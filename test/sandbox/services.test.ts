// Services, Endpoints, EndpointSlices, ConfigMaps, Secrets, Ingresses and IngressClasses are stored objects: served
// in discovery, with CRUD, selectors, watch, patch, /status and the registry's Service allocations.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, openWatch } from './http.js';

const S = '/api/v1/namespaces/default/services';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const service = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, labels: { tier: name === 'web' ? 'front' : 'back' } },
  spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

let sb: Sandbox;
const tableOf = async (path: string): Promise<any> => (await fetch(`${sb.url}${path}`, { headers: { accept: TABLE } })).json();
beforeEach(async () => {
  sb = await createSandbox({ podReadyDelayMs: 50 });
});
afterEach(async () => {
  await sb.close();
});

test('discovery lists each kind with its scope, short names and verbs', async () => {
  const core = (await call(sb.url, 'GET', '/api/v1')).body.resources;
  const net = (await call(sb.url, 'GET', '/apis/networking.k8s.io/v1')).body.resources;
  const pick = (list: any[], name: string) => list.find((r) => r.name === name);
  expect(pick(core, 'services')).toMatchObject({ kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'] });
  expect(pick(core, 'services/status')).toMatchObject({ verbs: ['get', 'patch', 'update'] });
  expect(pick(core, 'endpoints')).toMatchObject({ kind: 'Endpoints', shortNames: ['ep'] });
  expect(pick(core, 'configmaps')).toMatchObject({ kind: 'ConfigMap', shortNames: ['cm'] });
  expect(pick(core, 'secrets').verbs).toEqual(expect.arrayContaining(['create', 'list', 'watch', 'patch', 'deletecollection']));
  expect(pick(net, 'ingresses')).toMatchObject({ kind: 'Ingress', namespaced: true, shortNames: ['ing'] });
  expect(pick(net, 'ingresses/status')).toBeDefined();
  expect(pick(net, 'ingressclasses')).toMatchObject({ kind: 'IngressClass', namespaced: false });
  const slices = (await call(sb.url, 'GET', '/apis/discovery.k8s.io/v1')).body.resources;
  expect(pick(slices, 'endpointslices')).toMatchObject({ kind: 'EndpointSlice', namespaced: true });
});

test('a Service gets its defaults and a cluster IP, kept on update and refused when changed', async () => {
  const created = await call(sb.url, 'POST', S, service('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }, { port: 443 }] }));
  expect(created.status).toBe(201);
  const spec = created.body.spec;
  expect(spec).toMatchObject({
    type: 'ClusterIP',
    sessionAffinity: 'None',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { port: 443, protocol: 'TCP', targetPort: 443 },
    ],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
  });
  expect(spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
  expect(spec.clusterIPs).toEqual([spec.clusterIP]);
  expect(created.body.status).toEqual({ loadBalancer: {} });
  // A PUT without the address (as a client that never read it sends) keeps it.
  const put = await call(sb.url, 'PUT', `${S}/web`, { ...service('web'), metadata: { ...service('web').metadata, labels: { v: '2' } } });
  expect(put.status).toBe(200);
  expect(put.body.spec.clusterIP).toBe(spec.clusterIP);
  const moved = await call(sb.url, 'PUT', `${S}/web`, service('web', { clusterIP: '10.96.0.99' }));
  expect(moved.status).toBe(422);
  expect(moved.body.message).toContain('may not change once set');
  const other = await call(sb.url, 'POST', S, service('other', { clusterIP: spec.clusterIP }));
  expect(other.status).toBe(422);
  expect(other.body.message).toContain('provided IP is already allocated');
});

test('NodePort and LoadBalancer Services get node ports; a headless Service keeps None', async () => {
  const np = (await call(sb.url, 'POST', S, service('np', { type: 'NodePort' }))).body.spec;
  expect(np.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  expect(np.ports[0].nodePort).toBeLessThanOrEqual(32767);
  expect(np.externalTrafficPolicy).toBe('Cluster');
  const lb = (await call(sb.url, 'POST', S, service('lb', { type: 'LoadBalancer' }))).body.spec;
  expect(lb.ports[0].nodePort).not.toBe(np.ports[0].nodePort);
  const headless = (await call(sb.url, 'POST', S, service('headless', { clusterIP: 'None' }))).body.spec;
  expect(headless).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'] });
  const list = (await call(sb.url, 'GET', S)).body;
  expect(list.items.map((s: any) => s.metadata.name)).toEqual(['headless', 'lb', 'np']);
  const rows = (await tableOf(S)).rows.map((r: any) => r.cells);
  expect(rows).toEqual([
    ['headless', 'ClusterIP', 'None', '<none>', '80/TCP', expect.any(String), 'app=headless'],
    ['lb', 'LoadBalancer', lb.clusterIP, '<pending>', `80:${lb.ports[0].nodePort}/TCP`, expect.any(String), 'app=lb'],
    ['np', 'NodePort', np.clusterIP, '<none>', `80:${np.ports[0].nodePort}/TCP`, expect.any(String), 'app=np'],
  ]);
});

test('label selectors, watch, strategic patch of ports and the status subresource', async () => {
  const watch = await openWatch(sb.url, `${S}?watch=true&labelSelector=tier%3Dfront`);
  try {
    await call(sb.url, 'POST', S, service('web'));
    await call(sb.url, 'POST', S, service('db'));
    expect((await call(sb.url, 'GET', `${S}?labelSelector=tier%3Dback`)).body.items.map((s: any) => s.metadata.name)).toEqual(['db']);
    const patched = await call(
      sb.url,
      'PATCH',
      `${S}/web`,
      { spec: { ports: [{ port: 8443, name: 'tls' }] } },
      'application/strategic-merge-patch+json',
    );
    expect(patched.status).toBe(200);
    // Merged by port: the new one is added (with its defaults), 80 stays.
    expect(patched.body.spec.ports.map((p: any) => p.port).sort()).toEqual([80, 8443]);
    const status = await call(
      sb.url,
      'PATCH',
      `${S}/web/status`,
      { spec: { type: 'NodePort' }, status: { loadBalancer: { ingress: [{ ip: '172.18.0.50' }] } } },
      'application/merge-patch+json',
    );
    expect(status.body.status.loadBalancer.ingress).toEqual([{ ip: '172.18.0.50' }]);
    expect(status.body.spec.type).toBe('ClusterIP');
    const events = await watch.waitFor(3);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED web', 'MODIFIED web', 'MODIFIED web']);
  } finally {
    watch.close();
  }
});

test('Endpoints, ConfigMaps, Secrets, Ingresses and IngressClasses round-trip and print their columns', async () => {
  const ep = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web' },
    subsets: [{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }], ports: [{ port: 8080 }] }],
  };
  expect((await call(sb.url, 'POST', '/api/v1/namespaces/default/endpoints', ep)).status).toBe(201);
  const secret = await call(sb.url, 'POST', '/api/v1/namespaces/default/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': 'Y3J0' },
    stringData: { 'tls.key': 'key' },
  });
  expect(secret.body).toMatchObject({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } });
  const ing = await call(sb.url, 'POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example'] }], rules: [{ host: 'a.example' }, {}] },
  });
  expect(ing.body.status).toEqual({ loadBalancer: {} });
  const cls = await call(sb.url, 'POST', '/apis/networking.k8s.io/v1/ingressclasses', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx' },
    spec: { controller: 'k8s.io/ingress-nginx' },
  });
  expect(cls.status).toBe(201);
  const cells = async (path: string) => (await tableOf(path)).rows.map((r: any) => r.cells.slice(0, -1));
  expect(await cells('/api/v1/namespaces/default/endpoints')).toEqual([['web', '10.244.0.5:8080,10.244.0.6:8080']]);
  expect(await cells('/api/v1/namespaces/default/secrets')).toEqual([['s', 'kubernetes.io/tls', 2]]);
  expect(await cells('/apis/networking.k8s.io/v1/namespaces/default/ingresses')).toEqual([['web', 'nginx', 'a.example,*', '', '80, 443']]);
  expect(await cells('/apis/networking.k8s.io/v1/ingressclasses')).toEqual([['nginx', 'k8s.io/ingress-nginx', '<none>']]);
  const slice = await call(sb.url, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ port: 8080 }],
    endpoints: ['1', '2', '3', '4'].map((i) => ({ addresses: [`10.244.0.${i}`] })),
  });
  expect(slice.status).toBe(201);
  expect(
    await cells('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb'),
  ).toEqual([['web-abc', 'IPv4', '8080', '10.244.0.1,10.244.0.2,10.244.0.3 + 1 more...']]);
  expect((await call(sb.url, 'DELETE', '/api/v1/namespaces/default/endpoints/web')).status).toBe(200);
  expect((await call(sb.url, 'GET', '/api/v1/namespaces/default/endpoints/web')).status).toBe(404);
});
