// The sandbox's REST semantics over real HTTP: CRUD, versions, subresources, selectors, errors.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment, rollout } from './http.js';

let sb: Sandbox;
const D = '/apis/apps/v1/namespaces/default/deployments';
const R = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';

beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false });
});
afterEach(async () => {
  await sb.close();
});

describe('discovery', () => {
  test('serves version, api, apis and resource lists with verbs and short names', async () => {
    expect((await call(sb.url, 'GET', '/version')).body.major).toBe('1');
    expect((await call(sb.url, 'GET', '/api')).body.versions).toEqual(['v1']);
    const apis = (await call(sb.url, 'GET', '/apis')).body;
    expect(apis.kind).toBe('APIGroupList');
    const names = apis.groups.map((g: any) => g.name);
    expect(names).toEqual(expect.arrayContaining(['apps', 'rollouts.kruise.io', 'apiextensions.k8s.io']));
    const ro = apis.groups.find((g: any) => g.name === 'rollouts.kruise.io');
    expect(ro.preferredVersion.version).toBe('v1beta1');
    expect(ro.versions.map((v: any) => v.version)).toEqual(['v1beta1', 'v1alpha1']);
    const apps = (await call(sb.url, 'GET', '/apis/apps/v1')).body;
    const deploy = apps.resources.find((r: any) => r.name === 'deployments');
    expect(deploy).toMatchObject({ kind: 'Deployment', namespaced: true, singularName: 'deployment', shortNames: ['deploy'] });
    expect(deploy.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']));
    expect(apps.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const core = (await call(sb.url, 'GET', '/api/v1')).body;
    expect(Object.fromEntries(core.resources.filter((r: any) => r.shortNames).map((r: any) => [r.name, r.shortNames[0]]))).toEqual({
      namespaces: 'ns',
      pods: 'po',
      services: 'svc',
      endpoints: 'ep',
      configmaps: 'cm',
      events: 'ev',
      limitranges: 'limits',
      nodes: 'no',
      persistentvolumeclaims: 'pvc',
      persistentvolumes: 'pv',
      replicationcontrollers: 'rc',
      resourcequotas: 'quota',
      serviceaccounts: 'sa',
    });
    // BatchReleases at their storage version only.
    expect((await call(sb.url, 'GET', '/apis/rollouts.kruise.io/v1beta1')).body.resources.map((r: any) => r.name)).toEqual([
      'rollouts',
      'rollouts/status',
      'batchreleases',
      'batchreleases/status',
    ]);
    // The other Kruise CRDs (v1alpha1 only) are served from their CRDs, as any applied CRD is.
    expect((await call(sb.url, 'GET', '/apis/rollouts.kruise.io/v1alpha1')).body.resources.map((r: any) => r.name)).toEqual([
      'rollouts',
      'rollouts/status',
      'rollouthistories',
      'rollouthistories/status',
      'trafficroutings',
      'trafficroutings/status',
    ]);
    expect((await call(sb.url, 'GET', '/apis/apiextensions.k8s.io/v1')).status).toBe(200);
  });

  test('health endpoints answer ok', async () => {
    for (const p of ['/readyz', '/healthz', '/livez']) expect(await call(sb.url, 'GET', p)).toMatchObject({ status: 200, text: 'ok' });
  });

  test('serves the Kruise CRDs and the default namespaces', async () => {
    const crds = (await call(sb.url, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).body;
    expect(crds.items.map((c: any) => c.metadata.name)).toContain('rollouts.rollouts.kruise.io');
    const ns = (await call(sb.url, 'GET', '/api/v1/namespaces')).body.items.map((n: any) => n.metadata.name);
    expect(ns).toEqual(expect.arrayContaining(['default', 'kube-system']));
  });
});

describe('CRUD and versions', () => {
  test('create sets uid, creationTimestamp, generation 1 and a resourceVersion; get returns it', async () => {
    const created = await call(sb.url, 'POST', D, deployment('web', 2));
    expect(created.status).toBe(201);
    const m = created.body.metadata;
    expect(m).toMatchObject({ name: 'web', namespace: 'default', generation: 1 });
    expect(m.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(m.resourceVersion)).toBeGreaterThan(0);
    const got = await call(sb.url, 'GET', `${D}/web`);
    expect(got.body).toEqual(created.body);
    expect((await call(sb.url, 'POST', D, deployment('web'))).body).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'deployments.apps "web" already exists',
    });
  });

  test('every write increases the global resourceVersion', async () => {
    const a = (await call(sb.url, 'POST', D, deployment('a'))).body;
    const b = (await call(sb.url, 'POST', R, rollout('r', 'a'))).body;
    const a2 = (await call(sb.url, 'PUT', `${D}/a`, { ...a, spec: { ...a.spec, replicas: 3 } })).body;
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(Number(a2.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
  });

  test('a PUT with a stale resourceVersion is a 409 Conflict Status; without one it is unconditional', async () => {
    const ro = (await call(sb.url, 'POST', R, rollout('demo', 'x'))).body;
    const fresh = await call(sb.url, 'PUT', `${R}/demo`, { ...ro, metadata: { ...ro.metadata, labels: { a: '1' } } });
    expect(fresh.status).toBe(200);
    const stale = await call(sb.url, 'PUT', `${R}/demo`, { ...ro, metadata: { ...ro.metadata, labels: { a: '2' } } });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on rollouts.rollouts.kruise.io "demo": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'demo', group: 'rollouts.kruise.io', kind: 'rollouts' },
      code: 409,
    });
    const { resourceVersion: _rv, ...meta } = ro.metadata;
    const blind = await call(sb.url, 'PUT', `${R}/demo`, { ...ro, metadata: { ...meta, labels: { a: '3' } } });
    expect(blind.status).toBe(200);
    expect(blind.body.metadata.labels).toEqual({ a: '3' });
  });

  test('PUT to the main resource keeps the stored status; PUT to /status keeps everything else', async () => {
    const ro = (await call(sb.url, 'POST', R, rollout('demo', 'x'))).body;
    const withStatus = (
      await call(sb.url, 'PUT', `${R}/demo/status`, {
        ...ro,
        spec: { ...ro.spec, disabled: true },
        metadata: { ...ro.metadata, labels: { x: 'y' } },
        status: { phase: 'Healthy' },
      })
    ).body;
    expect(withStatus.status).toEqual({ phase: 'Healthy' });
    expect(withStatus.spec.disabled).toBeUndefined();
    expect(withStatus.metadata.labels).toBeUndefined();
    expect(withStatus.metadata.generation).toBe(1);
    const main = (
      await call(sb.url, 'PUT', `${R}/demo`, {
        ...withStatus,
        spec: { ...withStatus.spec, disabled: true },
        status: { phase: 'Progressing' },
      })
    ).body;
    expect(main.status).toEqual({ phase: 'Healthy' });
    expect(main.spec.disabled).toBe(true);
  });

  test('generation bumps on spec changes only', async () => {
    let d = (await call(sb.url, 'POST', D, deployment('g'))).body;
    d = (await call(sb.url, 'PUT', `${D}/g`, { ...d, metadata: { ...d.metadata, annotations: { note: 'x' } } })).body;
    expect(d.metadata.generation).toBe(1);
    d = (await call(sb.url, 'PUT', `${D}/g/status`, { ...d, status: { replicas: 1 } })).body;
    expect(d.metadata.generation).toBe(1);
    d = (await call(sb.url, 'PUT', `${D}/g`, { ...d, spec: { ...d.spec, replicas: 4 } })).body;
    expect(d.metadata.generation).toBe(2);
  });

  test('a write that changes nothing keeps the resourceVersion', async () => {
    const d = (await call(sb.url, 'POST', D, deployment('same'))).body;
    const again = (await call(sb.url, 'PUT', `${D}/same`, d)).body;
    expect(again.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
  });

  test('generateName makes a unique name', async () => {
    const body = deployment('');
    body.metadata = { generateName: 'gen-' };
    body.spec.selector.matchLabels = { app: 'gen' };
    body.spec.template.metadata.labels = { app: 'gen' };
    const a = (await call(sb.url, 'POST', D, body)).body;
    const b = (await call(sb.url, 'POST', D, body)).body;
    expect(a.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(b.metadata.name).not.toBe(a.metadata.name);
  });

  test('rollouts are stored as v1beta1 and served in the version asked for', async () => {
    await call(sb.url, 'POST', R, rollout('demo', 'workload-demo'));
    const alpha = (await call(sb.url, 'GET', '/apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts/demo')).body;
    expect(alpha.apiVersion).toBe('rollouts.kruise.io/v1alpha1');
    expect(alpha.spec.objectRef.workloadRef.name).toBe('workload-demo');
    const list = (await call(sb.url, 'GET', '/apis/rollouts.kruise.io/v1alpha1/rollouts')).body;
    expect(list).toMatchObject({ kind: 'RolloutList', apiVersion: 'rollouts.kruise.io/v1alpha1' });
    expect(list.items[0].apiVersion).toBe('rollouts.kruise.io/v1alpha1');
    expect(sb.store.get('rollouts', 'default', 'demo')!.apiVersion).toBe('rollouts.kruise.io/v1beta1');
  });

  test('the Rollout admission refuses an invalid Rollout with 422', async () => {
    const bad = rollout('bad', 'w');
    bad.spec.strategy.canary.steps = [];
    const res = await call(sb.url, 'POST', R, bad);
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.message).toContain('The number of Canary.Steps cannot be empty');
  });

  test('accepts YAML bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-yaml\n';
    const res = await call(sb.url, 'POST', '/api/v1/namespaces', yaml, 'application/yaml');
    expect(res.status).toBe(201);
    expect(res.body.metadata.name).toBe('from-yaml');
  });

  test('creating in a namespace that does not exist is a 404', async () => {
    const res = await call(sb.url, 'POST', '/apis/apps/v1/namespaces/nope/deployments', deployment('x'));
    expect(res.body).toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
  });

  test('without an Accept for a Table, lists are plain lists', async () => {
    await call(sb.url, 'POST', D, deployment('t'));
    const res = await fetch(`${sb.url}${D}`, { headers: { accept: 'application/json' } });
    expect(((await res.json()) as any).kind).toBe('DeploymentList');
  });
});

describe('list with selectors', () => {
  beforeEach(async () => {
    await call(sb.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    const mk = (name: string, labels: Record<string, string>, ns = 'default') =>
      call(sb.url, 'POST', `/api/v1/namespaces/${ns}/pods`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels },
        spec: { containers: [{ name: 'c' }] },
      });
    await mk('p1', { app: 'a', tier: 'web' });
    await mk('p2', { app: 'b', tier: 'web' });
    await mk('p3', { app: 'c' });
    await mk('p4', { app: 'a' }, 'other');
  });
  const names = async (q: string, path = '/api/v1/namespaces/default/pods') =>
    (await call(sb.url, 'GET', `${path}?${q}`)).body.items.map((p: any) => p.metadata.name);

  test.each([
    ['app=a', ['p1']],
    ['app==a', ['p1']],
    ['app!=a', ['p2', 'p3']],
    ['app in (a,b)', ['p1', 'p2']],
    ['app notin (a,b)', ['p3']],
    ['tier', ['p1', 'p2']],
    ['!tier', ['p3']],
    ['app=a,tier=web', ['p1']],
  ])('labelSelector %s', async (sel, want) => {
    expect(await names(`labelSelector=${encodeURIComponent(sel)}`)).toEqual(want);
  });

  test('field selectors on metadata.name and metadata.namespace; lists across namespaces', async () => {
    expect(await names('fieldSelector=metadata.name%3Dp2')).toEqual(['p2']);
    expect(await names('fieldSelector=metadata.name!%3Dp2')).toEqual(['p1', 'p3']);
    expect(await names('', '/api/v1/pods')).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(await names('fieldSelector=metadata.namespace%3Dother', '/api/v1/pods')).toEqual(['p4']);
    expect(await names('labelSelector=app%3Da', '/api/v1/pods')).toEqual(['p1', 'p4']);
  });

  test('a malformed selector is a 400', async () => {
    expect((await call(sb.url, 'GET', '/api/v1/pods?labelSelector=a%20in%20b')).status).toBe(400);
  });

  test('list carries the current resourceVersion', async () => {
    const list = (await call(sb.url, 'GET', '/api/v1/pods')).body;
    expect(list.metadata.resourceVersion).toBe(String(sb.store.resourceVersion));
    expect(list.kind).toBe('PodList');
  });
});

describe('errors are Status objects', () => {
  test.each([
    ['malformed JSON', 'POST', D, '{"apiVersion": ', 'application/json', 400],
    ['malformed YAML', 'POST', D, 'metadata: [unclosed', 'application/yaml', 400],
    ['a JSON array', 'POST', D, '[]', 'application/json', 400],
    ['wrong kind for the URL', 'POST', D, JSON.stringify({ ...deployment('k'), kind: 'Pod' }), 'application/json', 400],
    ['wrong apiVersion for the URL', 'POST', D, JSON.stringify({ ...deployment('k'), apiVersion: 'v1' }), 'application/json', 400],
    ['missing name', 'POST', D, JSON.stringify({ ...deployment('k'), metadata: {} }), 'application/json', 422],
    ['an invalid name', 'POST', D, JSON.stringify({ ...deployment('k'), metadata: { name: 'Bad_Name' } }), 'application/json', 422],
    ['spec of the wrong type', 'POST', D, JSON.stringify({ ...deployment('k'), spec: 'x' }), 'application/json', 400],
    [
      'replicas of the wrong type',
      'POST',
      D,
      JSON.stringify({ ...deployment('k'), spec: { ...deployment('k').spec, replicas: 'two' } }),
      'application/json',
      400,
    ],
    [
      'labels of the wrong type',
      'POST',
      D,
      JSON.stringify({ ...deployment('k'), metadata: { name: 'k', labels: { a: 1 } } }),
      'application/json',
      400,
    ],
    [
      'a selector that does not match the template',
      'POST',
      D,
      JSON.stringify({ ...deployment('k'), spec: { ...deployment('k').spec, selector: { matchLabels: { app: 'zzz' } } } }),
      'application/json',
      422,
    ],
    [
      'a namespace that differs from the URL',
      'POST',
      D,
      JSON.stringify({ ...deployment('k'), metadata: { name: 'k', namespace: 'kube-system' } }),
      'application/json',
      400,
    ],
    ['an empty body', 'POST', D, '', 'application/json', 400],
    [
      'a template without containers',
      'POST',
      D,
      JSON.stringify({ ...deployment('k'), spec: { ...deployment('k').spec, template: { metadata: { labels: { app: 'k' } }, spec: {} } } }),
      'application/json',
      422,
    ],
    [
      'a Rollout strategy of the wrong type',
      'POST',
      '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
      JSON.stringify({
        ...rollout('r', 'w'),
        spec: { workloadRef: { kind: 'Deployment', name: 'w', apiVersion: 'apps/v1' }, strategy: 'x' },
      }),
      'application/json',
      [400, 422],
    ],
    [
      'Rollout steps of the wrong type',
      'POST',
      '/apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts',
      JSON.stringify({
        apiVersion: 'rollouts.kruise.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'r' },
        spec: { objectRef: 'x', strategy: { canary: { steps: 'abc' } } },
      }),
      'application/json',
      [400, 422],
    ],
  ] as [string, string, string, string, string, number | number[]][])('%s', async (_what, method, path, body, type, code) => {
    const res = await call(sb.url, method, path, body, type);
    const codes = Array.isArray(code) ? code : [code];
    expect(codes).toContain(res.status);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: res.status });
    expect(typeof res.body.message).toBe('string');
  });

  test('a name mismatch between URL and body is a 400', async () => {
    const d = (await call(sb.url, 'POST', D, deployment('n'))).body;
    const res = await call(sb.url, 'PUT', `${D}/other`, d);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('the name of the object (n) does not match the name on the URL (other)');
  });

  test.each([
    ['GET', `${D}/missing`, 'deployments.apps "missing" not found'],
    ['DELETE', `${D}/missing`, 'deployments.apps "missing" not found'],
    ['GET', `${R}/missing`, 'rollouts.rollouts.kruise.io "missing" not found'],
    ['GET', '/api/v1/namespaces/default/pods/missing', 'pods "missing" not found'],
  ])('%s %s → 404 with kubectl wording', async (method, path, message) => {
    const res = await call(sb.url, method, path);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ reason: 'NotFound', message, code: 404 });
  });

  test.each([
    '/nope',
    '/apis/nope.io/v1/things',
    '/apis/apps/v2/deployments',
    '/api/v1/namespaces/default/widgets',
    `${D}/x/bogus`,
    '/apis/apps/v1/namespaces/default/deployments/a/b/c/d',
  ])('unknown route %s → 404 Status', async (path) => {
    const res = await call(sb.url, 'GET', path);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
  });

  test('an unsupported method is a 405 Status', async () => {
    const res = await call(sb.url, 'PUT', D, deployment('m'));
    expect(res.body).toMatchObject({ kind: 'Status', code: 405, reason: 'MethodNotAllowed' });
  });

  test('unknown query parameters are ignored', async () => {
    const res = await call(sb.url, 'POST', `${D}?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`, deployment('q'));
    expect(res.status).toBe(201);
  });

  test('?dryRun=All writes nothing', async () => {
    const res = await call(sb.url, 'POST', `${D}?dryRun=All`, deployment('dry'));
    expect(res.status).toBe(201);
    expect((await call(sb.url, 'GET', `${D}/dry`)).status).toBe(404);
  });
});
