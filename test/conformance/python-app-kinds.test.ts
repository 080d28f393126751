// The python `kubernetes` client (Debian's python3-kubernetes) driving a whole application's
// kinds: typed create_from_dict for each built-in kind, the CRD and its object, reads through
// the DynamicClient (discovery), a ConfigMap watch, namespace deletion.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/app_kinds.py', import.meta.url));
const CRDS = fileURLToPath(new URL('../fixtures/app/crds', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/app/manifests', import.meta.url));

function pythonKubernetes(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import kubernetes, yaml'], { stdio: 'ignore', timeout: 15000 });
    return true;
  } catch {
    console.log(`conformance: python kubernetes client not importable by ${PYTHON}; skipping the python application cases`);
    return false;
  }
}

const describeIfPython = pythonKubernetes() ? describe : describe.skip;

describeIfPython('python kubernetes client: a whole application', () => {
  let sb: Sandbox;
  let dir: string;
  const steps = new Map<string, any>();
  let stderr = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kk-python-app-'));
    sb = await createSandbox({ podReadyDelayMs: 50 });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sandboxKubeconfig(sb.url));
    const out = await new Promise<string>((resolve) => {
      execFile(
        PYTHON,
        [SCRIPT, kubeconfig, CRDS, APP],
        { timeout: 40000, env: { PATH: process.env.PATH, HOME: dir } },
        (err, stdout, se) => {
          stderr = se + (err ? `\n${err.message}` : '');
          resolve(stdout);
        },
      );
    });
    for (const line of out.split('\n').filter(Boolean)) {
      const rec = JSON.parse(line);
      steps.set(rec.step, rec);
    }
  }, 45000);
  afterAll(async () => {
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function result(name: string): any {
    const rec = steps.get(name);
    if (!rec) throw new Error(`python printed no "${name}" line; stderr:\n${stderr}`);
    if (rec.error) throw new Error(`python step ${name} raised: ${JSON.stringify(rec, null, 2)}`);
    return rec;
  }

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
