// Real kubectl binaries against a sandbox started in the test: which kubectls exist, and how to
// run one with an isolated HOME (kubectl caches discovery under ~/.kube/cache).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { rolloutController } from '../../src/sandbox/wire-rollout-controller.js';
import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../../shared/reference/crds/examples/', import.meta.url));

/** A kubectl binary that answered `version --client`. */
export interface Kubectl {
  label: string;
  path: string;
}

function works(path: string): boolean {
  try {
    execFileSync(path, ['version', '--client'], { stdio: 'ignore', timeout: 10000, env: { PATH: process.env.PATH, HOME: tmpdir() } });
    return true;
  } catch {
    return false;
  }
}

/** The kubectls to test with; each missing one is reported once on the console. */
export function availableKubectls(): Kubectl[] {
  const out: Kubectl[] = [];
  if (works('kubectl')) out.push({ label: 'kubectl 1.32 (PATH)', path: 'kubectl' });
  else console.log('conformance: no kubectl on PATH; skipping the kubectl 1.32 cases');
  try {
    const path = execFileSync('bash', [join(ROOT, 'scripts/fetch-kubectl-1.20.sh')], { encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    if (path && works(path)) out.push({ label: 'kubectl 1.20', path });
    else console.log('conformance: kubectl 1.20 does not run here; skipping its cases');
  } catch (err) {
    console.log(`conformance: kubectl 1.20 unavailable (${(err as Error).message.split('\n')[0]}); skipping its cases`);
  }
  return out;
}

/** A sandbox as `kubectl-kruise sandbox` runs it, plus a kubeconfig and an isolated HOME. */
export interface KubectlEnv {
  sb: Sandbox;
  kubeconfig: string;
  home: string;
  run(args: string[], opts?: { timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  spawn(args: string[]): ChildProcess;
  close(): Promise<void>;
}

/** Starts a sandbox with the built-in and rollout controllers and a kubectl bound to it. */
export async function startKubectlEnv(kubectl: Kubectl): Promise<KubectlEnv> {
  const home = mkdtempSync(join(tmpdir(), 'kk-conformance-'));
  const sb = await createSandbox({ podReadyDelayMs: 50, controllers: [rolloutController()], workloadAdmission: { admitDeploymentUpdate } });
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(kubeconfig, sandboxKubeconfig(sb.url));
  const env = { PATH: process.env.PATH, HOME: home };
  const base = ['--kubeconfig', kubeconfig];
  return {
    sb,
    kubeconfig,
    home,
    run(args, opts = {}) {
      return new Promise((resolve) => {
        execFile(kubectl.path, [...base, ...args], { env, timeout: opts.timeoutMs ?? 20000 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      });
    },
    spawn(args) {
      return spawn(kubectl.path, [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    async close() {
      await sb.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
