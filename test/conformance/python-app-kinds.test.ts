// The python `kubernetes` client (Debian's python3-kubernetes) driving a whole application's
// kinds: typed create_from_dict for each built-in kind, the CRD and its object, reads through
// the DynamicClient (discovery), a ConfigMap watch, namespace deletion.
import { fileURLToPath } from 'node:url';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { describeIfPython, type PythonRun, runPythonScript } from './python.js';

const CRDS = fileURLToPath(new URL('../fixtures/app/crds', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/app/manifests', import.meta.url));

describeIfPython('the python application cases')('python kubernetes client: a whole application', () => {
  let sb: Sandbox;
  let run: PythonRun;
  const result = (name: string) => run.result(name);

  beforeAll(async () => {
    sb = await createSandbox({ podReadyDelayMs: 50 });
    run = await runPythonScript('app_kinds.py', sb, [CRDS, APP], 40000);
  }, 45000);
  afterAll(async () => {
    await sb?.close();
    run?.cleanUp();
  });

  test('creates the CRD and every object of the application', () => {
    expect(result('create_crd').count).toBe(1);
    const kinds = result('create_app').kinds as string[];
    expect(kinds).toEqual(expect.arrayContaining(['StatefulSet', 'CronJob', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Widget']));
  });

  test('the DynamicClient finds every kind by discovery and reads every object back', () => {
    const found = result('read_back').found as string[];
    const kinds = result('create_app').kinds as string[];
    expect(found).toHaveLength(kinds.length);
    expect(found).toContain('Widget/gizmo');
    expect(found).toContain('APIService/v1beta1.metrics.shop.example.com');
  });

  test('typed reads get the server-side defaults (the HPA through autoscaling/v1, converted)', () => {
    expect(result('typed_reads')).toMatchObject({
      serviceType: 'ClusterIP',
      targetPort: 80,
      hpaMin: 2,
      hpaCpu: 70,
      jobBackoff: 6,
      pdbMin: 1,
    });
  });

  test('a ConfigMap watch lists what is there', () => {
    expect(result('watch_configmaps').events).toContain('ADDED web-config');
  });

  test('deleting the namespace removes it and what was in it', () => {
    expect(result('delete_namespace')).toMatchObject({ gone: true, configmapsLeft: 0 });
    expect(result('done')).toEqual({ step: 'done' });
  });
});
