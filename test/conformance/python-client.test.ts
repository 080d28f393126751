// The python `kubernetes` client (Debian's python3-kubernetes) as a client of the sandbox: the
// guide's Deployment and Rollout, a stale status replace → 409, a pod watch, a strategic patch.
import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { rolloutController } from '../../src/sandbox/wire-rollout-controller.js';
import { EXAMPLES_DIR } from '../fixtures/load.js';
import { describeIfPython, type PythonRun, runPythonScript } from './python.js';

describeIfPython('the python cases')('python kubernetes client against the sandbox', () => {
  let sb: Sandbox;
  let run: PythonRun;
  const result = (name: string) => run.result(name);

  beforeAll(async () => {
    sb = await createSandbox({ podReadyDelayMs: 50, controllers: [rolloutController()], workloadAdmission: { admitDeploymentUpdate } });
    run = await runPythonScript('sandbox_client.py', sb, [EXAMPLES_DIR], 25000);
  }, 30000);
  afterAll(async () => {
    await sb?.close();
    run?.cleanUp();
  });

  test('the script ran to the end', () => {
    expect(result('done')).toEqual({ step: 'done' });
  });

  test('list namespaces', () => {
    expect(result('list_namespaces').names).toContain('default');
  });

  test("create and read back the guide's Deployment (apps/v1)", () => {
    const created = result('create_deployment');
    expect(created.name).toBe('workload-demo');
    expect(created.uid).toBeTruthy();
    expect(created.resourceVersion).toBeTruthy();
    expect(result('read_deployment')).toMatchObject({
      name: 'workload-demo',
      replicas: 10,
      selector: { app: 'demo' },
      image: 'busybox:latest',
      env: { VERSION: 'version-1' },
      creationTimestampType: 'datetime',
    });
  });

  test('CustomObjectsApi: create, get and list the v1beta1 Rollout', () => {
    expect(result('create_rollout')).toMatchObject({ kind: 'Rollout', apiVersion: 'rollouts.kruise.io/v1beta1', name: 'rollouts-demo' });
    expect(result('get_rollout')).toMatchObject({ apiVersion: 'rollouts.kruise.io/v1beta1', name: 'rollouts-demo', steps: 3 });
    expect(result('list_rollouts').names).toEqual(['rollouts-demo']);
  });

  test('replace_namespaced_custom_object_status with a stale resourceVersion → ApiException 409', () => {
    const r = result('stale_status_replace');
    expect(r.patchedLabel).toBe('yes');
    expect(r.patchedRV).not.toBe(r.staleRV);
    expect(r).toMatchObject({ status: 409, kind: 'Status', reason: 'Conflict', code: 409 });
    expect(r.message).toContain('the object has been modified');
    // The sandbox's rollout controller PUTs this status too (answered 200), often first: look for python's 409 among them.
    const puts = sb.requests.filter(
      (q) => q.method === 'PUT' && q.path === '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo/status',
    );
    expect(puts.map((q) => q.status)).toContain(409);
  });

  test('Watch().stream(list_namespaced_pod) receives ADDED events as V1Pod objects', () => {
    const r = result('watch_pods');
    expect(r.types).toContain('ADDED');
    expect(r.added).toBe(10);
    expect(r.objectType).toBe('V1Pod');
  });

  test('patch_namespaced_deployment sends a strategic merge patch: containers merge by name', () => {
    const r = result('strategic_patch');
    // A JSON merge patch would have replaced the container list and lost image and command.
    expect(r).toMatchObject({
      containers: 1,
      image: 'busybox:latest',
      command: ['/bin/sh', '-c', 'sleep 100d'],
      env: { VERSION: 'version-2' },
      generation: 2,
    });
    // The Kruise workload admission pauses a Deployment whose Rollout is attached.
    expect(r.paused).toBe(true);
    const patch = sb.requests.find((q) => q.method === 'PATCH' && q.path === '/apis/apps/v1/namespaces/default/deployments/workload-demo');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
  });

  test('a watch with timeout_seconds ends on the server side', () => {
    expect(result('watch_times_out').events).toEqual([]);
  });
});
