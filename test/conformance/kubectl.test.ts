// Real kubectl (the one on PATH, and 1.20 when scripts/fetch-kubectl-1.20.sh has fetched it) against the sandbox:
// apply, get, get -w, the guide's patch, merge patch, status patch, scale, wait, delete; the
// imperative create/run/expose commands (kubectl ≥ 1.30 sends those bodies as protobuf); Services,
// Ingresses, ConfigMaps and Secrets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplePath } from '../fixtures/load.js';
import { call, eventually } from '../sandbox/http.js';
import { availableKubectls, clientVersion, type KubectlEnv, skippedKubectls, startKubectlEnv } from './harness.js';

const kubectls = availableKubectls();
/** An address in the Service range 10.96.0.0/12. */
const CLUSTER_IP = /^10\.(9[6-9]|10\d|11[01])\.\d{1,3}\.\d{1,3}$/;
const DEPLOYMENT_YAML = examplePath('docs_basic-usage_deployment_workload-demo.yaml');
const ROLLOUT_YAML = examplePath('docs_basic-usage_rollout_v1beta1.yaml');
const SERVICE_YAML = examplePath('e2e_service.yaml');
const INGRESS_YAML = examplePath('e2e_nginx_ingress.yaml');
const CONFIG_YAML = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast, level: "3"}
---
apiVersion: v1
kind: Secret
metadata: {name: token}
stringData: {token: s3cret}
`;
const GUIDE_PATCH = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';
const PLAIN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: plain
spec:
  replicas: 2
  selector:
    matchLabels: {app: plain}
  template:
    metadata:
      labels: {app: plain}
    spec:
      containers:
      - name: c
        image: busybox:1
`;

test('both kubectls are accounted for: each one used is the version its label names, each missing one was reported', () => {
  expect(kubectls.length + skippedKubectls().length).toBe(2);
  for (const k of kubectls) {
    const version = clientVersion(k.path);
    expect(version).toMatch(/^1\.\d+$/);
    expect(k.label).toMatch(new RegExp(`^kubectl ${version!.replace('.', '\\.')}( |$)`));
  }
});

describe.each(kubectls.map((k) => [k.label, k] as const))('%s', (label, kubectl) => {
  const modern = !label.includes('1.20');
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await startKubectlEnv(kubectl);
  });
  afterAll(async () => {
    await env?.close();
  });
  const D = '/apis/apps/v1/namespaces/default/deployments';

  test('apply --validate=false creates, reports unchanged, and updates the guide Deployment and Rollout', async () => {
    const d = await env.run(['apply', '--validate=false', '-f', DEPLOYMENT_YAML]);
    expect(d).toMatchObject({ code: 0, stdout: 'deployment.apps/workload-demo created\n' });
    const r = await env.run(['apply', '--validate=false', '-f', ROLLOUT_YAML]);
    expect(r).toMatchObject({ code: 0, stdout: 'rollout.rollouts.kruise.io/rollouts-demo created\n' });
    expect((await env.run(['apply', '--validate=false', '-f', DEPLOYMENT_YAML])).stdout).toBe('deployment.apps/workload-demo unchanged\n');
    const stored = (await call(env.sb.url, 'GET', `${D}/workload-demo`)).body;
    expect(stored.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('workload-demo');
    await eventually(async () => (await call(env.sb.url, 'GET', `${D}/workload-demo`)).body.status?.readyReplicas === 10);
  });

  test('get -o json returns the object; get prints server-side columns', async () => {
    const json = await env.run(['get', 'deployment', 'workload-demo', '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'Deployment', metadata: { name: 'workload-demo', namespace: 'default' } });
    const table = await env.run(['get', 'deploy']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table.stdout).toMatch(/workload-demo\s+10\/10\s+10\s+10\s+/);
    const list = JSON.parse((await env.run(['get', 'pods', '-l', 'app=demo', '-o', 'json'])).stdout);
    expect(list.items).toHaveLength(10);
  });

  test('get rollouts prints the CRD printer columns', async () => {
    await eventually(
      async () =>
        (await call(env.sb.url, 'GET', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo')).body.status?.phase ===
        'Healthy',
    );
    const out = await env.run(['get', 'rollouts']);
    expect(out.code).toBe(0);
    const [header, row] = out.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+STATUS\s+CANARY_STEP\s+CANARY_STATE\s+MESSAGE\s+AGE$/);
    expect(row).toMatch(/^rollouts-demo\s+Healthy\s+/);
  });

  test("the guide's strategic merge patch updates the container env", async () => {
    const out = await env.run(['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    expect(out).toMatchObject({ code: 0, stdout: 'deployment.apps/workload-demo patched\n' });
    const d = (await call(env.sb.url, 'GET', `${D}/workload-demo`)).body;
    const c = d.spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0].env).toEqual([{ name: 'VERSION', value: 'version-2' }]);
    expect(c[0].image).toBe('busybox:latest');
  });

  test('patch --type merge on a Rollout', async () => {
    const out = await env.run(['patch', 'rollout', 'rollouts-demo', '--type', 'merge', '-p', '{"metadata":{"labels":{"team":"a"}}}']);
    expect(out).toMatchObject({ code: 0, stdout: 'rollout.rollouts.kruise.io/rollouts-demo patched\n' });
    expect(
      (await call(env.sb.url, 'GET', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo')).body.metadata.labels,
    ).toEqual({ team: 'a' });
  });

  (modern ? test : test.skip)('patch --subresource=status (kubectl ≥ 1.24)', async () => {
    const out = await env.run([
      'patch',
      'deployment',
      'plain-status',
      '--subresource=status',
      '--type',
      'merge',
      '-p',
      '{"status":{"observedGeneration":42}}',
    ]);
    expect(out.stderr).toContain('not found');
    await call(env.sb.url, 'POST', D, PLAIN.replace(/plain/g, 'plain-status'), 'application/yaml');
    const ok = await env.run([
      'patch',
      'deployment',
      'plain-status',
      '--subresource=status',
      '--type',
      'merge',
      '-p',
      '{"spec":{"replicas":7},"status":{"observedGeneration":42}}',
    ]);
    expect(ok.code).toBe(0);
    const d = (await call(env.sb.url, 'GET', `${D}/plain-status`)).body;
    expect(d.spec.replicas).toBe(2);
  });

  test('create, get -w sees the initial object and a change', async () => {
    writeFileSync(join(env.home, 'plain.yaml'), PLAIN);
    expect(await env.run(['create', '-f', join(env.home, 'plain.yaml')])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/plain created\n',
    });
    const child = env.spawn(['get', 'deployment', 'plain', '-w', '-o', 'name']);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      await eventually(() => out.includes('deployment.apps/plain'));
      await call(env.sb.url, 'PATCH', `${D}/plain`, { metadata: { labels: { watched: 'yes' } } }, 'application/merge-patch+json');
      await eventually(() => out.split('\n').filter((l) => l === 'deployment.apps/plain').length >= 2);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('scale, then wait for the replicas', async () => {
    expect(await env.run(['scale', 'deployment', 'plain', '--replicas=3'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/plain scaled\n',
    });
    const wait = modern
      ? await env.run(['wait', '--for=jsonpath={.status.readyReplicas}=3', 'deployment/plain', '--timeout=20s'])
      : await env.run(['wait', '--for=condition=Available', 'deployment/plain', '--timeout=20s']);
    expect(wait).toMatchObject({ code: 0, stdout: 'deployment.apps/plain condition met\n' });
    if (!modern) await eventually(async () => (await call(env.sb.url, 'GET', `${D}/plain`)).body.status?.readyReplicas === 3);
  });

  test('set env rolls a new ReplicaSet; rollout undo goes back to the old one (no third)', async () => {
    const rsNames = async () =>
      (
        (await call(env.sb.url, 'GET', '/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dplain')).body.items as {
          metadata: { name: string };
          spec: { replicas: number };
        }[]
      )
        .map((rs) => `${rs.metadata.name}=${rs.spec.replicas}`)
        .sort();
    const before = await rsNames();
    expect(before).toHaveLength(1);
    expect(await env.run(['set', 'env', 'deployment/plain', 'MODE=two'])).toMatchObject({ code: 0 });
    await eventually(async () => (await rsNames()).length === 2 && (await rsNames()).includes(before[0]!.replace(/=\d+$/, '=0')));
    expect(await env.run(['rollout', 'undo', 'deployment/plain'])).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/plain rolled back\n',
    });
    // The template kubectl sends back (with the server's defaults) matches the first ReplicaSet.
    await eventually(async () => (await rsNames()).includes(before[0]!));
    expect(await rsNames()).toHaveLength(2);
  });

  test('delete removes the Deployment and what it owns; a second delete is NotFound', async () => {
    expect(await env.run(['delete', 'deployment', 'plain'])).toMatchObject({ code: 0, stdout: 'deployment.apps "plain" deleted\n' });
    await eventually(
      async () => (await call(env.sb.url, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dplain')).body.items.length === 0,
    );
    const again = await env.run(['delete', 'deployment', 'plain']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('Error from server (NotFound): deployments.apps "plain" not found');
  });

  test('client-side validation works without --validate=false (the sandbox serves an empty OpenAPI schema)', async () => {
    const file = join(env.home, 'validated.yaml');
    writeFileSync(file, PLAIN.replace(/plain/g, 'validated'));
    expect(await env.run(['create', '-f', file])).toMatchObject({ code: 0, stdout: 'deployment.apps/validated created\n' });
    writeFileSync(file, PLAIN.replace(/plain/g, 'validated').replace('replicas: 2', 'replicas: 1'));
    expect(await env.run(['apply', '-f', file])).toMatchObject({ code: 0 });
    expect((await call(env.sb.url, 'GET', `${D}/validated`)).body.spec.replicas).toBe(1);
  });

  test('server-side apply gets a clear refusal', async () => {
    if (!modern) return; // kubectl 1.20's --server-side is beta and behaves the same; one check is enough
    const out = await env.run(['apply', '--server-side', '--validate=false', '-f', DEPLOYMENT_YAML]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('server-side apply is not supported by this sandbox');
  });

  test('create namespace, create deployment, run and expose leave the objects a cluster would have', async () => {
    expect(await env.run(['create', 'namespace', 'imperative'])).toMatchObject({ code: 0, stdout: 'namespace/imperative created\n' });
    expect(
      await env.run(['create', 'deployment', 'web', '--image=nginx:1.27', '--port=8080', '--replicas=2', '-n', 'imperative']),
    ).toMatchObject({
      code: 0,
      stdout: 'deployment.apps/web created\n',
    });
    expect(await env.run(['run', 'one', '--image=busybox:1', '-n', 'imperative'])).toMatchObject({ code: 0, stdout: 'pod/one created\n' });
    expect(await env.run(['expose', 'deployment', 'web', '--port', '80', '-n', 'imperative'])).toMatchObject({
      code: 0,
      stdout: 'service/web exposed\n',
    });
    expect((await call(env.sb.url, 'GET', '/api/v1/namespaces/imperative')).body.status).toEqual({ phase: 'Active' });
    const d = (await call(env.sb.url, 'GET', '/apis/apps/v1/namespaces/imperative/deployments/web')).body;
    expect(d.spec).toMatchObject({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } } },
    });
    expect(d.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
    ]);
    await eventually(
      async () => (await call(env.sb.url, 'GET', '/apis/apps/v1/namespaces/imperative/deployments/web')).body.status?.readyReplicas === 2,
    );
    const pod = (await call(env.sb.url, 'GET', '/api/v1/namespaces/imperative/pods/one')).body;
    expect(pod.spec.containers).toEqual([expect.objectContaining({ name: 'one', image: 'busybox:1' })]);
    const svc = (await call(env.sb.url, 'GET', '/api/v1/namespaces/imperative/services/web')).body;
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
    });
    expect(svc.spec.clusterIP).toMatch(CLUSTER_IP);
  });

  test('create configmap, secret, service and ingress store what they say', async () => {
    const ns = ['-n', 'imperative'];
    for (const args of [
      ['create', 'configmap', 'cfg', '--from-literal=mode=fast'],
      ['create', 'secret', 'generic', 'pw', '--from-literal=password=hunter2'],
      ['create', 'service', 'nodeport', 'np', '--tcp=80:8080'],
      ['create', 'ingress', 'front', '--rule=web.example/shop=np:80'],
    ]) {
      expect(await env.run([...args, ...ns])).toMatchObject({ code: 0 });
    }
    const get = async (path: string) => (await call(env.sb.url, 'GET', `${path}`)).body;
    expect((await get('/api/v1/namespaces/imperative/configmaps/cfg')).data).toEqual({ mode: 'fast' });
    expect(await get('/api/v1/namespaces/imperative/secrets/pw')).toMatchObject({
      type: 'Opaque',
      data: { password: Buffer.from('hunter2').toString('base64') },
    });
    const np = (await get('/api/v1/namespaces/imperative/services/np')).spec;
    expect(np).toMatchObject({ type: 'NodePort', selector: { app: 'np' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
    expect(np.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect((await get('/apis/networking.k8s.io/v1/namespaces/imperative/ingresses/front')).spec.rules).toEqual([
      {
        host: 'web.example',
        http: { paths: [{ path: '/shop', pathType: 'Exact', backend: { service: { name: 'np', port: { number: 80 } } } }] },
      },
    ]);
  });

  test('apply the reference Service and Ingress; get svc,ing,cm,secret prints the columns a cluster prints', async () => {
    expect(await env.run(['apply', '-f', SERVICE_YAML])).toMatchObject({ code: 0, stdout: 'service/echoserver created\n' });
    expect(await env.run(['apply', '-f', INGRESS_YAML])).toMatchObject({
      code: 0,
      stdout: 'ingress.networking.k8s.io/echoserver created\n',
    });
    writeFileSync(join(env.home, 'config.yaml'), CONFIG_YAML);
    expect(await env.run(['apply', '-f', join(env.home, 'config.yaml')])).toMatchObject({
      code: 0,
      stdout: 'configmap/settings created\nsecret/token created\n',
    });
    expect((await env.run(['apply', '-f', SERVICE_YAML])).stdout).toBe('service/echoserver unchanged\n');
    const svc = (await call(env.sb.url, 'GET', '/api/v1/namespaces/default/services/echoserver')).body;
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      selector: { app: 'echoserver' },
      sessionAffinity: 'None',
    });
    expect(svc.spec.clusterIP).toMatch(CLUSTER_IP);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    const secret = (await call(env.sb.url, 'GET', '/api/v1/namespaces/default/secrets/token')).body;
    expect(secret).toMatchObject({ type: 'Opaque', data: { token: Buffer.from('s3cret').toString('base64') } });
    expect(secret.stringData).toBeUndefined();

    const out = await env.run(['get', 'svc,ing,cm,secret']);
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    const row = (prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? '';
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/),
        expect.stringMatching(/^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE$/),
        expect.stringMatching(/^NAME\s+DATA\s+AGE$/),
        expect.stringMatching(/^NAME\s+TYPE\s+DATA\s+AGE$/),
      ]),
    );
    expect(row('service/echoserver')).toMatch(
      new RegExp(`^service/echoserver\\s+ClusterIP\\s+${svc.spec.clusterIP}\\s+<none>\\s+80/TCP\\s+\\d+s$`),
    );
    expect(row('ingress.networking.k8s.io/echoserver')).toMatch(
      /^ingress.networking.k8s.io\/echoserver\s+<none>\s+echoserver.example.com\s+80\s+\d+s$/,
    );
    expect(row('configmap/settings')).toMatch(/^configmap\/settings\s+2\s+\d+s$/);
    // describe looks the backend's endpoints up: kubectl 1.32 lists EndpointSlices (none: no
    // controller writes them); 1.20 GETs the Endpoints object, which is not found for the same reason.
    const described = await env.run(['describe', 'ingress', 'echoserver']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(modern ? /\/apis\/echo\s+echoserver:80 \(<none>\)/ : /\/apis\/echo\s+echoserver:80 \(/);
    expect(row('secret/token')).toMatch(/^secret\/token\s+Opaque\s+1\s+\d+s$/);
  });
});
