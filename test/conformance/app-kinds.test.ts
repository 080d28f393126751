// A real application's manifests into the sandbox, as a new user tries it: kubectl (on PATH, and
// 1.20 when fetched) applies a CRD, then a directory with every kind a team's manifests use plus
// an object of that CRD; reads every object back; get all, api-resources, watch; validation
// errors of the CRD's schema; logs/exec of a pod (no runtime: a clear error); deleting the
// namespace (Terminating, then gone with everything in it).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { call, eventually } from '../sandbox/http.js';
import { availableKubectls, type KubectlEnv, startKubectlEnv } from './harness.js';

const APP = fileURLToPath(new URL('../fixtures/app/manifests', import.meta.url));
const CRDS = fileURLToPath(new URL('../fixtures/app/crds', import.meta.url));

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Every object of the application directory. */
const APP_OBJECTS: Doc[] = readdirSync(APP)
  .sort()
  .flatMap((f) => parseAllDocuments(readFileSync(`${APP}/${f}`, 'utf8')).map((d) => d.toJS() as Doc))
  .filter(Boolean);

const kubectls = availableKubectls();

test('the application directory has every kind the issue lists', () => {
  const kinds = new Set(APP_OBJECTS.map((d) => d.kind));
  for (const k of [
    'Namespace',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'Service',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'Job',
    'CronJob',
    'HorizontalPodAutoscaler',
    'Ingress',
    'IngressClass',
    'NetworkPolicy',
    'PodDisruptionBudget',
    'Role',
    'RoleBinding',
    'ClusterRole',
    'ClusterRoleBinding',
    'Lease',
    'EndpointSlice',
    'APIService',
    'StorageClass',
    'PersistentVolumeClaim',
    'ResourceQuota',
    'LimitRange',
    'ReplicationController',
    'Node',
    'Widget',
  ]) {
    expect(kinds).toContain(k);
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

  const ok = async (args: string[]): Promise<string> => {
    const r = await env.run(args, { timeoutMs: 30000 });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  test('kubectl apply of the CRD, then of the application directory, creates every object; again, changes nothing it owns', async () => {
    expect(await ok(['apply', '-f', CRDS])).toContain('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    const out = await ok(['apply', '-f', APP]);
    expect(out.trim().split('\n')).toHaveLength(APP_OBJECTS.length);
    expect(out).toContain('widget.example.com/gizmo created');
    expect(out).toContain('horizontalpodautoscaler.autoscaling/web created');
    const again = await ok(['apply', '-f', APP]);
    expect(again).toContain('configmap/web-config unchanged');
    expect(again).toContain('deployment.apps/web unchanged');
    expect(again).toContain('widget.example.com/gizmo unchanged');
  });

  test('every object reads back (kubectl get -f the directory)', async () => {
    const list = JSON.parse(await ok(['get', '-f', APP, '-o', 'json']));
    const key = (d: Doc) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`;
    expect(list.items.map(key).sort()).toEqual(APP_OBJECTS.map(key).sort());
  });

  test('server-side defaults a client reads back', async () => {
    const svc = JSON.parse(await ok(['get', 'service', 'web', '-n', 'shop', '-o', 'json']));
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] });
    expect(svc.spec.clusterIP).toMatch(/^10\./);
    const sts = JSON.parse(await ok(['get', 'statefulset', 'db', '-n', 'shop', '-o', 'json']));
    expect(sts.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      revisionHistoryLimit: 10,
    });
    const job = JSON.parse(await ok(['get', 'job', 'migrate', '-n', 'shop', '-o', 'json']));
    expect(job.spec).toMatchObject({ backoffLimit: 6, completions: 1, parallelism: 1 });
    const widget = JSON.parse(await ok(['get', 'widget', 'gizmo', '-n', 'shop', '-o', 'json']));
    expect(widget.spec).toEqual({ color: 'blue', replicas: 3, size: 'medium' });
    const secret = JSON.parse(await ok(['get', 'secret', 'web-secret', '-n', 'shop', '-o', 'json']));
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('s3cr3t');
    // Served at autoscaling/v1 too, converted from the stored v2.
    const hpaV1 = JSON.parse(await ok(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', 'shop', '-o', 'json']));
    expect(hpaV1.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 });
  });

  test('kubectl get shows kubectl columns for stored kinds and the CRD printer columns for its objects', async () => {
    const all = await ok(['get', 'all', '-n', 'shop']);
    for (const name of [
      'deployment.apps/web',
      'statefulset.apps/db',
      'daemonset.apps/log-agent',
      'job.batch/migrate',
      'cronjob.batch/nightly-report',
    ]) {
      expect(all).toContain(name);
    }
    expect(all).toContain('horizontalpodautoscaler.autoscaling/web');
    const cj = await ok(['get', 'cronjobs', '-n', 'shop']);
    expect(cj.split('\n')[0]).toMatch(/^NAME\s+SCHEDULE\s+/);
    expect(cj).toContain('0 2 * * *');
    const widgets = await ok(['get', 'wg', '-n', 'shop']);
    expect(widgets.split('\n')[0]).toMatch(/^NAME\s+SIZE\s+REPLICAS\s+AGE/);
    expect(widgets).toMatch(/gizmo\s+medium\s+3\s+/);
  });

  test('kubectl api-resources lists the built-in kinds and the applied CRD with their short names', async () => {
    const out = await ok(['api-resources']);
    for (const row of [
      /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
      /^poddisruptionbudgets\s+pdb\s+policy\/v1\s+true\s+PodDisruptionBudget$/m,
      /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet$/m,
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^nodes\s+no\s+v1\s+false\s+Node$/m,
      /^widgets\s+wg\s+example\.com\/v1\s+true\s+Widget$/m,
    ]) {
      expect(out).toMatch(row);
    }
  });

  test('kubectl explain reads the CRD schema (1.32: OpenAPI v3)', async () => {
    if (!modern) return; // kubectl 1.20 explains from OpenAPI v2, which carries no schemas here
    const out = await ok(['explain', 'widget.spec.color']);
    expect(out).toContain('KIND:       Widget');
    expect(out).toMatch(/FIELD: color <string>\nENUM:\n\s+red\n\s+green\n\s+blue/);
    expect(await ok(['explain', 'widgets'])).toContain('A Widget is a made-up kind for testing custom resources.');
  });

  test('a custom resource the schema refuses gets the API server’s 422 with every violation', async () => {
    const res = await call(env.sb.url, 'POST', '/apis/example.com/v1/namespaces/shop/widgets', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'bad' },
      spec: { color: 'pink', replicas: 200, unknownField: 1 },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'Widget.example.com "bad" is invalid: [spec.color: Unsupported value: "pink": supported values: "red", "green", "blue", spec.replicas: Invalid value: 200: spec.replicas in body should be less than or equal to 100]',
    );
    expect(res.body.details.causes.map((c: { field: string }) => c.field)).toEqual(['spec.color', 'spec.replicas']);
    expect((await call(env.sb.url, 'GET', '/apis/example.com/v1/namespaces/shop/widgets/bad')).status).toBe(404);
  });

  test('kubectl scale works on a StatefulSet and on the custom resource (scale subresources)', async () => {
    await ok(['scale', 'statefulset', 'db', '-n', 'shop', '--replicas=3']);
    expect(JSON.parse(await ok(['get', 'sts', 'db', '-n', 'shop', '-o', 'json'])).spec.replicas).toBe(3);
    await ok(['scale', 'widget', 'gizmo', '-n', 'shop', '--replicas=5']);
    expect(JSON.parse(await ok(['get', 'widget', 'gizmo', '-n', 'shop', '-o', 'json'])).spec.replicas).toBe(5);
  });

  test('kubectl logs, exec and port-forward say there is no container runtime, at once', async () => {
    const pod = await eventually(async () => {
      const pods = JSON.parse(await ok(['get', 'pods', '-n', 'shop', '-l', 'app=web', '-o', 'json'])).items;
      return pods[0]?.metadata.name as string | undefined;
    });
    const logs = await env.run(['logs', '-n', 'shop', pod!], { timeoutMs: 15000 });
    expect(logs.code).toBe(1);
    expect(logs.stderr).toContain('has no container runtime');
    const exec = await env.run(['exec', '-n', 'shop', pod!, '--', 'true'], { timeoutMs: 15000 });
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain('has no container runtime');
    const forward = await env.run(['port-forward', '-n', 'shop', pod!, '0:80'], { timeoutMs: 15000 });
    expect(forward.code).toBe(1);
    expect(forward.stderr).toContain('has no container runtime');
  });

  test('kubectl get -w sees a ConfigMap change', async () => {
    const child = env.spawn(['get', 'configmaps', '-n', 'shop', '-w', '-o', 'name']);
    let seen = '';
    child.stdout!.on('data', (c: Buffer) => (seen += c.toString()));
    try {
      await eventually(() => (seen.includes('configmap/web-config') ? true : undefined));
      await ok(['create', 'configmap', 'late', '-n', 'shop', '--from-literal=a=b']);
      await eventually(() => (seen.includes('configmap/late') ? true : undefined));
    } finally {
      child.kill();
    }
  });

  test("kubectl's imperative create commands for the stored kinds (kubectl ≥ 1.30 sends them as protobuf)", async () => {
    await ok(['create', 'namespace', 'imperative']);
    const n = ['-n', 'imperative'];
    // kubectl 1.20 creates CronJobs and PDBs at batch/v1beta1 and policy/v1beta1, which a 1.32
    // API server (and the sandbox) no longer serves: those two only with the modern kubectl.
    for (const args of [
      ['create', 'serviceaccount', 'robot'],
      ['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi'],
      ...(modern ? [['create', 'cronjob', 'often', '--image=busybox', '--schedule=*/5 * * * *']] : []),
      ['create', 'role', 'reader', '--verb=get,list', '--resource=pods'],
      ['create', 'rolebinding', 'reader', '--role=reader', '--user=alice', '--serviceaccount=imperative:robot'],
      ['create', 'quota', 'small', '--hard=pods=5,cpu=2'],
      ...(modern ? [['create', 'poddisruptionbudget', 'keep', '--selector=app=x', '--min-available=50%']] : []),
      ['create', 'deployment', 'web', '--image=nginx'],
      ['autoscale', 'deployment', 'web', '--min=2', '--max=4', '--cpu-percent=60'],
    ]) {
      await ok([...n, ...args]);
    }
    const job = JSON.parse(await ok(['get', 'job', 'once', '-o', 'json', ...n]));
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: 'busybox', command: ['echo', 'hi'] });
    const rb = JSON.parse(await ok(['get', 'rolebinding', 'reader', '-o', 'json', ...n]));
    expect(rb.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'imperative' },
    ]);
    if (modern) {
      const pdb = JSON.parse(await ok(['get', 'pdb', 'keep', '-o', 'json', ...n]));
      expect(pdb.spec).toEqual({ minAvailable: '50%', selector: { matchLabels: { app: 'x' } } });
    }
    const hpa = JSON.parse(await ok(['get', 'hpa', 'web', '-o', 'json', ...n]));
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });

  test('kubectl create -f of several documents, apply of a List, delete -f', async () => {
    const multi = ['a', 'b', 'c']
      .map((x) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: multi-${x}, namespace: imperative}\ndata: {k: "${x}"}`)
      .join('\n---\n');
    const file = `${env.home}/multi.yaml`;
    writeFileSync(file, multi);
    expect((await ok(['create', '-f', file])).trim().split('\n')).toHaveLength(3);
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'listed', namespace: 'imperative' } },
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'listed', namespace: 'imperative' },
          spec: {
            schedule: '@daily',
            jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
          },
        },
      ],
    };
    const listFile = `${env.home}/list.json`;
    writeFileSync(listFile, JSON.stringify(list));
    const applied = await ok(['apply', '-f', listFile]);
    expect(applied).toContain('serviceaccount/listed created');
    expect(applied).toContain('cronjob.batch/listed created');
    const deleted = await ok(['delete', '-f', file]);
    expect(deleted).toContain('configmap "multi-b" deleted');
    expect((await env.run(['get', 'configmap', 'multi-a', '-n', 'imperative'])).code).toBe(1);
  });

  test('deleting the namespace: Terminating, then gone with everything in it', async () => {
    const marked = await call(env.sb.url, 'DELETE', '/api/v1/namespaces/shop');
    expect(marked.status).toBe(200);
    expect(marked.body.status.phase).toBe('Terminating');
    // kubectl waits for it to go (1.20 does not wait by default).
    await ok(['delete', 'namespace', 'shop', '--ignore-not-found', ...(modern ? [] : ['--wait'])]);
    await eventually(async () => ((await call(env.sb.url, 'GET', '/api/v1/namespaces/shop')).status === 404 ? true : undefined));
    for (const path of ['/apis/apps/v1/deployments', '/apis/example.com/v1/widgets', '/api/v1/configmaps', '/apis/batch/v1/jobs']) {
      const items = (await call(env.sb.url, 'GET', path)).body.items as Doc[];
      expect(items.filter((o) => o.metadata.namespace === 'shop')).toEqual([]);
    }
    const refused = await env.run(['create', 'configmap', 'x', '-n', 'shop']);
    expect(refused.stderr).toContain('namespaces "shop" not found');
  });
});
