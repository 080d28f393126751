// The guide end to end on the sandbox over real HTTP: `reconcile-once` passes by hand, then the
// sandbox's own rollout controller loop.

import { clientFromGlobals } from '../../src/kube/from-flags.js';
import { observe, observeAll } from '../../src/reconcile/apply.js';
import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { Annotation, Label, type Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { rolloutController } from '../../src/sandbox/wire-rollout-controller.js';
import type { Deployment, Pod, ReplicaSet } from '../../src/workload/types.js';
import { example } from '../fixtures/load.js';
import { runCli } from '../helpers/cli.js';

const load = (f: string): any => example(f)[0];

/** The guide's `kubectl patch` of the Deployment's VERSION (a strategic merge patch). */
function setVersion(sb: Sandbox, version: string): Promise<unknown> {
  const patch = { spec: { template: { spec: { containers: [{ name: 'busybox', env: [{ name: 'VERSION', value: version }] }] } } } };
  return send(
    sb.url,
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/workload-demo',
    patch,
    'application/strategic-merge-patch+json',
  );
}

async function send(base: string, method: string, path: string, body: unknown, contentType = 'application/json'): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Resolves when the predicate holds over the store (checked on every change), or fails after 8 s. */
function until(sb: Sandbox, what: string, predicate: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, 8000);
    const unsubscribe = sb.store.subscribe(() => {
      if (predicate()) {
        clearTimeout(timer);
        // Unsubscribing inside a listener is deferred so the store's iteration is not disturbed.
        queueMicrotask(unsubscribe);
        resolve();
      }
    });
  });
}

function podsOf(sb: Sandbox, version: string): { total: number; ready: number } {
  const pods = sb.store.list<Pod>('pods', { namespace: 'default' }).filter((p) => !p.metadata.deletionTimestamp);
  const mine = pods.filter((p) => JSON.stringify(p.spec).includes(`"${version}"`));
  const ready = mine.filter((p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
  return { total: mine.length, ready: ready.length };
}

const rollout = (sb: Sandbox) => sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo')!;
const deployment = (sb: Sandbox) => sb.store.get<Deployment>('deployments', 'default', 'workload-demo')!;

async function setUp(sb: Sandbox): Promise<void> {
  await send(sb.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', load('docs_basic-usage_deployment_workload-demo.yaml'));
  await until(sb, '10 ready v1 pods', () => podsOf(sb, 'version-1').ready === 10);
  await send(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', load('docs_basic-usage_rollout_v1beta1.yaml'));
}

/** A sandbox running the rollout controller loop, closed after `test` whatever it does. */
async function withController(test: (sb: Sandbox) => Promise<void>): Promise<void> {
  const sb = await createSandbox({
    port: 0,
    podReadyDelayMs: 0,
    workloadAdmission: { admitDeploymentUpdate },
    controllers: [rolloutController()],
  });
  try {
    await test(sb);
  } finally {
    await sb.close();
  }
}

describe('reconcile-once on the sandbox: the guide', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
  });
  afterEach(async () => {
    await sb.close();
  });

  const once = (...args: string[]) => runCli(['rollout', 'reconcile-once', ...args, '--server', sb.url]);
  /** reconcile-once after every pod is ready and every ReplicaSet has its pods, until its line matches. */
  const onceUntil = async (line: RegExp) => {
    for (let i = 0; i < 20; i++) {
      await until(sb, 'pods settled', () => {
        const pods = sb.store.list<Pod>('pods', { namespace: 'default' });
        const rss = sb.store.list<ReplicaSet>('replicasets', { namespace: 'default' });
        return (
          pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) &&
          rss.every((rs) => rs.status?.replicas === rs.spec.replicas)
        );
      });
      const r = await once('rollouts-demo');
      if (line.test(r.stdout)) return r;
    }
    throw new Error(`reconcile-once never printed ${line}`);
  };

  it('releases 1, 5, 10 pods with approvals, then hands the Deployment back', async () => {
    await setUp(sb);
    let r = await once('rollouts-demo');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      'rollouts-demo: Initial -> Healthy (3 passes; writes: deployments/workload-demo, rollouts/status ×2, rollouts/rollouts-demo)\n',
    );
    expect(rollout(sb).status).toMatchObject({ phase: 'Healthy', message: 'workload deployment is completed' });

    await setVersion(sb, 'version-2');
    expect(deployment(sb).spec.paused).toBe(true);
    expect(deployment(sb).metadata.annotations?.[Annotation.inProgressing]).toBe('{"rolloutName":"rollouts-demo"}');

    r = await once('rollout/rollouts-demo');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^rollouts-demo: step 1\/3 Healthy -> StepUpgrade \(4 passes; writes: rollouts\/status ×4, batchreleases\/rollouts-demo, deployments\/workload-demo, replicasets\/workload-demo-\w+, replicasets\/workload-demo-\w+, pods ×\d+, batchreleases\/status\)\n$/,
    );
    await until(sb, '1 ready v2 pod', () => podsOf(sb, 'version-2').ready === 1);
    r = await once('rollouts-demo');
    expect(r.stdout).toMatch(
      /^rollouts-demo: step 1\/3 StepUpgrade -> StepPaused \(4 passes; writes: deployments\/workload-demo, pods\/workload-demo-\S+, batchreleases\/status, rollouts\/status ×4, events\/rollouts-demo\.\w+\)\n$/,
    );
    expect(rollout(sb).status).toMatchObject({ phase: 'Progressing', currentStepIndex: 1, currentStepState: 'StepPaused' });
    expect(podsOf(sb, 'version-2').total).toBe(1);

    // Approve with a status PUT (update, never patch), as `rollout approve` does.
    const approve = async () => {
      const ro = await send(sb.url, 'GET', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo', undefined);
      ro.status.canaryStatus.currentStepState = 'StepReady';
      ro.status.currentStepState = 'StepReady';
      await send(sb.url, 'PUT', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo/status', ro);
    };
    await approve();
    r = await once('rollouts-demo');
    expect(r.stdout).toMatch(/step 2\/3 StepReady -> StepUpgrade/);
    // One pass rolls as far as maxSurge/maxUnavailable allow; run again as pods become ready.
    r = await onceUntil(/StepPaused/);
    expect(r.stdout).toMatch(/step 2\/3 StepUpgrade -> StepPaused/);
    expect(podsOf(sb, 'version-2').ready).toBe(5);
    expect(podsOf(sb, 'version-1').total).toBe(5);

    await approve();
    await once('rollouts-demo');
    r = await onceUntil(/-> Healthy/);
    expect(r.stdout).toMatch(/^rollouts-demo: StepUpgrade -> Healthy/);
    expect(rollout(sb).status).toMatchObject({
      phase: 'Healthy',
      currentStepIndex: 3,
      currentStepState: 'Completed',
      message: 'Rollout progressing has been completed',
    });
    expect(rollout(sb).status!.conditions!.find((c) => c.type === 'Succeeded')?.status).toBe('True');
    const d = deployment(sb);
    expect(d.spec.paused).toBe(false);
    expect(d.spec.strategy?.type).toBe('RollingUpdate');
    expect(d.metadata.labels?.[Label.controlledByAdvancedDeployment]).toBeUndefined();
    await until(sb, 'v1 gone', () => podsOf(sb, 'version-1').total === 0);

    // Level-based: one more pass records the Deployment's new generation, then nothing changes.
    await once('rollouts-demo');
    r = await once('rollouts-demo');
    expect(r.stdout).toBe('rollouts-demo: Healthy -> Healthy (no writes)\n');
    // Nothing but PUT and POST was ever sent by the controller.
    expect(sb.requests.filter((q) => q.method === 'PATCH' && !q.path.includes('/deployments/workload-demo'))).toEqual([]);
  });

  it('--dry-run writes nothing; -o json gives one object per rollout', async () => {
    await setUp(sb);
    const before = rollout(sb).metadata.resourceVersion;
    const r = await once('rollouts-demo', '--dry-run', '-o', 'json');
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.stdout);
    expect(obj).toMatchObject({
      namespace: 'default',
      name: 'rollouts-demo',
      ok: true,
      from: 'Initial',
      to: 'Healthy',
      dryRun: true,
      writes: [
        { op: 'update', resource: 'deployments', name: 'workload-demo' },
        { op: 'updateStatus', resource: 'rollouts', name: 'rollouts-demo' },
        { op: 'update', resource: 'rollouts', name: 'rollouts-demo' },
      ],
    });
    expect(rollout(sb).metadata.resourceVersion).toBe(before);
  });

  it('a 409 on the status PUT re-reads and re-plans', async () => {
    await setUp(sb);
    sb.faults.failNext('PUT', /rollouts\/rollouts-demo\/status$/, 409);
    const r = await once('rollouts-demo', '-o', 'json');
    expect(r.code).toBe(0);
    // The pass took two attempts; the conflict shows another writer at work, so the run gives way
    // after that pass (docs/controller.md §13) instead of going on to the first deploy.
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, attempts: 2, passes: 1 });
    expect(rollout(sb).status?.phase).toBe('Healthy');
  });

  it('a second writer that moves the Deployment on before each of its writes: the run gives way, exit 0', async () => {
    await setUp(sb);
    // Before every PUT of the Deployment, someone else changes it: each of the 4 attempts conflicts.
    let touches = 0;
    sb.faults.before({ method: 'PUT', path: /deployments\/workload-demo$/ }, () =>
      send(
        sb.url,
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/workload-demo',
        { metadata: { annotations: { 'example.com/touched': String(++touches) } } },
        'application/merge-patch+json',
      ),
    );
    const r = await once('rollouts-demo', '-o', 'json');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, gaveWay: true, attempts: 4 });
    expect(touches).toBe(4);
    // Its plan was never applied: the Deployment carries only the other writer's change.
    expect(deployment(sb).metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1', 'example.com/touched': '4' });
  });

  it('a server answering 409 to every Deployment write while nothing changed: an error, exit 1', async () => {
    await setUp(sb);
    sb.faults.failNext({ method: 'PUT', path: /deployments\/workload-demo$/, status: 409, times: 100 });
    const r = await once('rollouts-demo');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*409|Conflict/m);
  });

  it('--all over the namespace; a refused rollout exits 1 and writes only the refusal on its status', async () => {
    await setUp(sb);
    const other = load('docs_basic-usage_rollout_v1beta1.yaml');
    other.metadata.name = 'with-traffic';
    other.spec.workloadRef.name = 'another';
    other.spec.strategy.canary.trafficRoutings = [
      { service: 'svc', customNetworkRefs: [{ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', name: 'vs' }] },
    ];
    await send(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', other);
    const r = await once('--all');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'rollouts-demo: Initial -> Healthy (3 passes; writes: deployments/workload-demo, rollouts/status ×2, rollouts/rollouts-demo)\n',
    );
    expect(r.stdout).not.toContain('with-traffic');
    expect(r.stderr).toBe(
      'error: with-traffic: customNetworkRefs (Lua-scripted providers such as Istio) are not supported by the embedded controller; its workload rolls natively\n',
    );
    expect(sb.store.get<Rollout>('rollouts', 'default', 'with-traffic')!.status).toMatchObject({
      phase: 'Initial',
      message:
        'Rollout is not handled: customNetworkRefs (Lua-scripted providers such as Istio) are not supported by the embedded controller; its workload rolls natively',
    });
  });

  it('usage: no rollout and no --all is exit 2 with nothing sent; a missing rollout is exit 1', async () => {
    const n = sb.requests.length;
    const r = await once();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: give ROLLOUT/);
    expect(sb.requests.length).toBe(n);
    const missing = await once('nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
  });
});

describe('the sandbox rollout controller loop', () => {
  it('runs the guide by itself; only approvals are manual', () =>
    withController(async (sb) => {
      await setUp(sb);
      await until(sb, 'Healthy', () => rollout(sb).status?.phase === 'Healthy');
      await setVersion(sb, 'version-2');
      const pausedAt = (i: number) => () =>
        rollout(sb).status?.currentStepIndex === i && rollout(sb).status?.currentStepState === 'StepPaused';
      await until(sb, 'step 1 paused', pausedAt(1));
      expect(podsOf(sb, 'version-2').total).toBe(1);
      for (const step of [2]) {
        const r = await runCli(['rollout', 'approve', 'rollouts-demo', '--server', sb.url]);
        expect(r.code).toBe(0);
        await until(sb, `step ${step} paused`, pausedAt(step));
      }
      expect(podsOf(sb, 'version-2').total).toBe(5);
      expect((await runCli(['rollout', 'approve', 'rollouts-demo', '--server', sb.url])).code).toBe(0);
      await until(
        sb,
        'Healthy with Succeeded',
        () =>
          rollout(sb).status?.phase === 'Healthy' &&
          rollout(sb).status?.conditions?.some((c) => c.type === 'Succeeded' && c.status === 'True') === true,
      );
      await until(sb, 'all pods at version-2', () => podsOf(sb, 'version-2').ready === 10 && podsOf(sb, 'version-1').total === 0);
      expect(deployment(sb).spec.paused).toBe(false);
    }));

  it('a timed pause moves on by itself (requeue timer), with no approval', () =>
    withController(async (sb) => {
      await send(sb.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', load('docs_basic-usage_deployment_workload-demo.yaml'));
      const ro = load('docs_basic-usage_rollout_v1beta1.yaml');
      ro.spec.strategy.canary.steps = [{ replicas: 1, pause: { duration: 1 } }, { replicas: '100%' }];
      await send(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', ro);
      await until(sb, 'Healthy', () => rollout(sb).status?.phase === 'Healthy');
      await setVersion(sb, 'version-2');
      await until(
        sb,
        'waiting 1 s at step 1',
        () => rollout(sb).status?.message === 'Rollout is in step(1/2), and wait duration(1 seconds) to enter the next step',
      );
      // Nothing else changes in the store while the pause runs: only the timer can move it on.
      await until(
        sb,
        'completed',
        () =>
          rollout(sb).status?.phase === 'Healthy' &&
          rollout(sb).status?.conditions?.some((c) => c.type === 'Succeeded' && c.status === 'True') === true,
      );
      expect(rollout(sb).status?.phase).toBe('Healthy');
    }));

  it('a rollback to v1 at step 2 is cancelled and rolled back natively (Succeeded False)', () =>
    withController(async (sb) => {
      await setUp(sb);
      await until(sb, 'Healthy', () => rollout(sb).status?.phase === 'Healthy');
      await setVersion(sb, 'version-2');
      await until(sb, 'step 1 paused', () => rollout(sb).status?.currentStepState === 'StepPaused');
      await setVersion(sb, 'version-1');
      await until(
        sb,
        'cancelled',
        () =>
          rollout(sb).status?.phase === 'Healthy' &&
          rollout(sb).status?.conditions?.some((c) => c.type === 'Succeeded' && c.status === 'False') === true,
      );
      expect(rollout(sb).status).toMatchObject({ phase: 'Healthy', message: 'Rollout progressing has been canceled' });
      await until(sb, 'all pods back at version-1', () => podsOf(sb, 'version-1').ready === 10 && podsOf(sb, 'version-2').total === 0);
      expect(deployment(sb).spec.paused).toBe(false);
    }));

  it('a Rollout deleted mid-release (no finalizer) leaves no Deployment behind paused', () =>
    withController(async (sb) => {
      await setUp(sb);
      await until(sb, 'Healthy', () => rollout(sb).status?.phase === 'Healthy');
      await setVersion(sb, 'version-2');
      await until(sb, 'step 1 paused', () => rollout(sb).status?.currentStepState === 'StepPaused');
      const res = await fetch(`${sb.url}/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo`, { method: 'DELETE' });
      expect(res.ok).toBe(true);
      await until(
        sb,
        'handed back',
        () => deployment(sb).spec.paused === false && !deployment(sb).metadata.annotations?.[Annotation.inProgressing],
      );
      await until(sb, 'all pods at version-2', () => podsOf(sb, 'version-2').ready === 10 && podsOf(sb, 'version-1').total === 0);
    }));
});

describe('observe / observeAll', () => {
  it('observeAll is five LISTs joined in memory; observe reads one rollout', async () => {
    const sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
    try {
      await setUp(sb);
      const client = await clientFromGlobals({ server: sb.url } as any, { io: { err: { write: () => true } }, env: {} });
      const n = sb.requests.length;
      const all = await observeAll(client, 'default');
      expect(
        sb.requests
          .slice(n)
          .map((q) => `${q.method} ${q.path}`)
          .sort(),
      ).toEqual([
        'GET /api/v1/namespaces/default/pods',
        'GET /apis/apps/v1/namespaces/default/deployments',
        'GET /apis/apps/v1/namespaces/default/replicasets',
        'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/batchreleases',
        'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
      ]);
      expect(all).toHaveLength(1);
      expect(all[0]!.workload?.metadata.name).toBe('workload-demo');
      expect(all[0]!.replicaSets).toHaveLength(1);
      expect(all[0]!.pods).toHaveLength(10);
      const one = await observe(client, { namespace: 'default', name: 'rollouts-demo' });
      expect(one.pods.map((p) => p.metadata.name).sort()).toEqual(all[0]!.pods.map((p) => p.metadata.name).sort());
      client.close();
    } finally {
      await sb.close();
    }
  });
});
