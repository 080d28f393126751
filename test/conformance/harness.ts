// Real kubectl binaries against a sandbox started in the test: which kubectls exist, and how to
// run one with an isolated HOME (kubectl caches discovery under ~/.kube/cache).
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  admitCloneSetUpdate,
  admitDaemonSetUpdate,
  admitDeploymentUpdate,
  admitStatefulSetUpdate,
} from '../../src/reconcile/workload-admission.js';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { rolloutController } from '../../src/sandbox/wire-rollout-controller.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Debian's kubectl 1.20, fetched beforehand by scripts/fetch-kubectl-1.20.sh (.ci/run does it):
 * $KUBECTL_1_20 when set, else the script's output path under .cache/. Tests never fetch it
 * themselves, so finding tests needs no network.
 */
const KUBECTL_1_20 = process.env.KUBECTL_1_20 || join(ROOT, '.cache/kubectl-1.20/usr/bin/kubectl');

/** A kubectl binary that answered `version --client`. */
export interface Kubectl {
  label: string;
  path: string;
}

/** The client's "major.minor" (e.g. "1.32"), or undefined when the binary does not run. */
export function clientVersion(path: string): string | undefined {
  try {
    const out = execFileSync(path, ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10000,
      env: { PATH: process.env.PATH, HOME: tmpdir() },
    });
    const v = (JSON.parse(out) as { clientVersion?: { major?: string; minor?: string } }).clientVersion;
    return v?.major && v.minor ? `${v.major}.${parseInt(v.minor, 10)}` : undefined;
  } catch {
    return undefined;
  }
}

let found: { kubectls: Kubectl[]; skipped: string[] } | undefined;

/** Looks for the two kubectls once per test file: the one on PATH and the fetched 1.20. */
function search(): { kubectls: Kubectl[]; skipped: string[] } {
  if (found) return found;
  const kubectls: Kubectl[] = [];
  const skipped: string[] = [];
  const onPath = clientVersion('kubectl');
  if (onPath) kubectls.push({ label: `kubectl ${onPath} (PATH)`, path: 'kubectl' });
  else skipped.push('conformance: no kubectl on PATH; skipping the PATH kubectl cases');
  const old = existsSync(KUBECTL_1_20) ? clientVersion(KUBECTL_1_20) : undefined;
  if (old === '1.20') kubectls.push({ label: 'kubectl 1.20', path: KUBECTL_1_20 });
  else if (old) skipped.push(`conformance: ${KUBECTL_1_20} is kubectl ${old}, not 1.20; skipping the kubectl 1.20 cases`);
  else
    skipped.push(
      `conformance: no kubectl 1.20 at ${KUBECTL_1_20} (scripts/fetch-kubectl-1.20.sh fetches it, or set KUBECTL_1_20); skipping its cases`,
    );
  found = { kubectls, skipped };
  for (const line of skipped) console.log(line);
  return found;
}

/** The kubectls to test with; each missing one is reported once on the console. */
export function availableKubectls(): Kubectl[] {
  return search().kubectls;
}

/** Why each missing kubectl is missing (the lines availableKubectls printed). */
export function skippedKubectls(): string[] {
  return search().skipped;
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

/**
 * Starts a sandbox with the built-in and rollout controllers and a kubectl bound to it; pods turn
 * Ready `podReadyDelayMs` (50 unless given) after they are created.
 */
export async function startKubectlEnv(
  kubectl: Kubectl,
  opts: { podReadyDelayMs?: number; deploymentHashSalt?: string } = {},
): Promise<KubectlEnv> {
  const home = mkdtempSync(join(tmpdir(), 'kk-conformance-'));
  const sb = await createSandbox({
    podReadyDelayMs: opts.podReadyDelayMs ?? 50,
    deploymentHashSalt: opts.deploymentHashSalt,
    controllers: [rolloutController()],
    workloadAdmission: { admitDeploymentUpdate, admitCloneSetUpdate, admitStatefulSetUpdate, admitDaemonSetUpdate },
  });
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
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
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
