// `rollout demo` is the first thing a newcomer runs (`npm run demo`): the guide's walkthrough,
// through the real binary, must end with every pod at version-2 and show each step on the way.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { example } from '../fixtures/load.js';
import { runBinary, startBinary } from '../helpers/cli.js';

/** Each mark appears in `out`, in this order (the demo's output between them is free to vary). */
function expectInOrder(out: string, marks: string[]): void {
  let at = 0;
  for (const mark of marks) {
    const i = out.indexOf(mark, at);
    expect({ mark, found: i >= 0 }).toEqual({ mark, found: true });
    at = i + mark.length;
  }
}

test('rollout demo walks the guide to 10 version-2 pods', async () => {
  const r = await runBinary(['rollout', 'demo'], { env: { NO_COLOR: '1' }, timeoutMs: 60000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = r.stdout;
  // Each step of the guide, in order, with the command a user would type.
  const marks = [
    '## Step 0: the Deployment workload-demo (10 replicas, version-1)',
    '  pods: 10 × version-1',
    '## Step 1: apply the Rollout (batches: 1, 50%, 100%)',
    '## Step 2: upgrade the Deployment to version-2; batch 1 is released',
    '$ kubectl patch deployment workload-demo -p \'{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}\'',
    'Step:         1/3 StepPaused',
    '  pods: 9 × version-1, 1 × version-2',
    '$ kubectl-kruise rollout approve rollout/rollouts-demo -n default',
    'rollout.rollouts.kruise.io/rollouts-demo approved',
    'Step:         2/3 StepPaused',
    '  pods: 5 × version-1, 5 × version-2',
    'Step:         3/3 Completed',
    '  pods: 10 × version-2',
  ];
  expectInOrder(out, marks);
  expect(out).toMatch(/Done in \d+\.\ds: 10 of 10 pods run version-2\.\n$/);
});

test('rollout demo --traffic shows the canary Ingress carrying 20%, then 50%, then gone', async () => {
  const r = await runBinary(['rollout', 'demo', '--traffic'], { env: { NO_COLOR: '1' }, timeoutMs: 110_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const marks = [
    '## Step 0b: a Service and an nginx Ingress in front of it',
    'Step:         1/3 StepPaused',
    'Gateway:      demo-canary canary-weight 20',
    '  pods: 9 × version-1, 1 × version-2',
    '  ingress demo-canary: nginx.ingress.kubernetes.io/canary=true, nginx.ingress.kubernetes.io/canary-weight=20',
    'Step:         2/3 StepPaused',
    '  ingress demo-canary: nginx.ingress.kubernetes.io/canary=true, nginx.ingress.kubernetes.io/canary-weight=50',
    'Step:         3/3 Completed',
    '  pods: 10 × version-2',
    '  ingress demo-canary: gone (all traffic to the stable pods)',
  ];
  expectInOrder(r.stdout, marks);
}, 120_000);

test('rollout demo --canary: a canary Deployment grows next to the paused stable one while the Ingress carries 20%, then 50%; the end leaves 10 version-2 pods and no canary', async () => {
  const r = await runBinary(['rollout', 'demo', '--canary'], { env: { NO_COLOR: '1' }, timeoutMs: 110_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const marks = [
    '## Step 0b: a Service and an nginx Ingress in front of it',
    '## Step 1: apply the Rollout in canary style',
    'Step:         1/3 StepPaused',
    '  pods: 10 × version-1, 1 × version-2',
    '  deployment workload-demo: paused (stable pods untouched)',
    '  canary deployment workload-demo-',
    ': 1/1 ready',
    '  ingress demo-canary: nginx.ingress.kubernetes.io/canary=true, nginx.ingress.kubernetes.io/canary-weight=20',
    'Step:         2/3 StepPaused',
    '  pods: 10 × version-1, 5 × version-2',
    ': 5/5 ready',
    '  ingress demo-canary: nginx.ingress.kubernetes.io/canary=true, nginx.ingress.kubernetes.io/canary-weight=50',
    'Step:         3/3 Completed',
    '  pods: 10 × version-2',
    '  deployment workload-demo: rolling natively',
    '  canary deployment: none',
    '  ingress demo-canary: gone (all traffic to the stable pods)',
  ];
  expectInOrder(r.stdout, marks);
}, 120_000);

describe('the newcomer path', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kk-demo-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("--write-manifests DIR writes the guide's two manifests (examples/, the guide's text) and runs nothing", async () => {
    const r = await runBinary(['rollout', 'demo', '--write-manifests', join(dir, 'm')], { env: { NO_COLOR: '1' } });
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: `${join(dir, 'm', 'workload-demo.yaml')}\n${join(dir, 'm', 'rollouts-demo.yaml')}\n`,
    });
    const written = (f: string) => parse(readFileSync(join(dir, 'm', f), 'utf8'));
    expect(written('workload-demo.yaml')).toEqual(example('docs_basic-usage_deployment_workload-demo.yaml')[0]);
    expect(written('rollouts-demo.yaml')).toEqual(example('docs_basic-usage_rollout_v1beta1.yaml')[0]);
    // examples/ (shipped in the package) holds the same objects.
    const shipped = (f: string) => parse(readFileSync(fileURLToPath(new URL(`../../examples/${f}`, import.meta.url)), 'utf8'));
    expect(shipped('workload-demo.yaml')).toEqual(written('workload-demo.yaml'));
    expect(shipped('rollouts-demo.yaml')).toEqual(written('rollouts-demo.yaml'));
  });

  it.each([
    [['--write-manifests', 'x', '--keep'], /^error: --write-manifests runs no demo: it takes no --keep\n$/],
    [['--write-manifests', ''], /^error: --write-manifests needs a directory\n$/],
  ])('%j: exit 2, one error line', async (args, stderr) => {
    const r = await runBinary(['rollout', 'demo', ...args]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(stderr) });
  });

  it('--keep leaves the sandbox running with its export KUBECONFIG= line; it serves the demo objects until Ctrl-C', async () => {
    const run = startBinary(['rollout', 'demo', '--keep'], { env: { NO_COLOR: '1' } });
    let stdout = '';
    run.child.stdout!.on('data', (d) => (stdout += d));
    for (let i = 0; i < 600 && !/kubectl-kruise rollout watch/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    const kubeconfig = /^export KUBECONFIG=(\S+)$/m.exec(stdout)?.[1];
    expect(kubeconfig).toBeDefined();
    expect(stdout).toMatch(/The sandbox keeps running at http:\/\/127\.0\.0\.1:\d+ until Ctrl-C/);
    const list = await runBinary(['rollout', 'list', '-o', 'json'], { env: { KUBECONFIG: kubeconfig! } });
    expect(JSON.parse(list.stdout).items).toEqual([expect.objectContaining({ name: 'rollouts-demo', phase: 'Healthy' })]);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    rmSync(kubeconfig!, { force: true });
  });
});
