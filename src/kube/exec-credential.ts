// kubeconfig `exec` credential plugins (client.authentication.k8s.io ExecCredential v1 and
// v1beta1): run the plugin without a shell, read a token or a client certificate from stdout.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { commandClock } from '../runtime/clock.js';
import { ConfigError } from './errors.js';

/** users[].user.exec as in a kubeconfig. */
export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

/** What a plugin gave us. */
interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since epoch; undefined = valid for the whole process. */
  expiresAt?: number;
}

const SUPPORTED = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

// One plugin run per process and configuration (plugins are slow: cloud CLIs take seconds).
const cache = new Map<string, Promise<ExecCredential>>();

/** Forgets cached credentials (after a 401, or between tests). */
export function clearExecCredentialCache(): void {
  cache.clear();
}

/** Runs (or reuses) the exec plugin; `dir` resolves a relative command path, as kubectl does. */
export async function execCredential(
  exec: ExecConfig,
  opts: { dir: string; user: string; env: NodeJS.ProcessEnv; server?: string; now?: () => number; timeoutMs?: number },
): Promise<ExecCredential> {
  const key = JSON.stringify([exec, opts.dir]);
  const now = opts.now ?? Date.now;
  const hit = cache.get(key);
  if (hit !== undefined) {
    const cred = await hit.catch(() => undefined);
    if (cred && (cred.expiresAt === undefined || cred.expiresAt > now())) return cred;
    cache.delete(key);
  }
  const running = runPlugin(exec, opts);
  cache.set(key, running);
  running.catch(() => cache.delete(key));
  return running;
}

/** How long a plugin has to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

async function runPlugin(
  exec: ExecConfig,
  opts: { dir: string; user: string; env: NodeJS.ProcessEnv; server?: string; timeoutMs?: number },
): Promise<ExecCredential> {
  const name = exec.command;
  if (!name) throw new ConfigError(`user "${opts.user}": exec plugin has no command (fix users[].user.exec.command in the kubeconfig)`);
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
  if (!SUPPORTED.includes(apiVersion)) {
    throw new ConfigError(
      `exec plugin "${name}": apiVersion "${apiVersion}" is not supported (use client.authentication.k8s.io/v1 or v1beta1)`,
    );
  }
  // A command with a path separator is relative to the kubeconfig's directory; a bare name is looked up on PATH.
  const command = name.includes('/') && !path.isAbsolute(name) ? path.resolve(opts.dir, name) : name;
  const info: Record<string, unknown> = { apiVersion, kind: 'ExecCredential', spec: { interactive: false } };
  if (exec.provideClusterInfo && opts.server) (info.spec as Record<string, unknown>).cluster = { server: opts.server };
  const env: NodeJS.ProcessEnv = { ...opts.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of exec.env ?? []) if (e && typeof e.name === 'string') env[e.name] = String(e.value ?? '');

  const timeoutMs = opts.timeoutMs ?? 60_000;
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    // Our own deadline, not execFile's: a plugin that ignores SIGTERM gets SIGKILL after a grace
    // period, and whatever it printed by then is never parsed as its answer.
    let timedOut = false;
    let cancelKill: (() => void) | undefined;
    // execFile, never a shell: arguments from a kubeconfig are not shell-interpreted.
    const child = execFile(command, exec.args ?? [], { env, maxBuffer: 4 << 20, windowsHide: true }, (err, out, errOut) => {
      cancelDeadline();
      cancelKill?.();
      if (timedOut) {
        return reject(
          new ConfigError(`exec plugin "${name}" for user "${opts.user}" timed out after ${formatSeconds(timeoutMs)} and was stopped`),
        );
      }
      if (!err) return resolve({ stdout: String(out) });
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        const hint = exec.installHint
          ? ` ${exec.installHint.trim().split('\n')[0]}`
          : ' (install it or fix users[].user.exec.command in the kubeconfig)';
        return reject(new ConfigError(`exec plugin "${name}" for user "${opts.user}" was not found${hint}`));
      }
      const firstLine = String(errOut).trim().split('\n').pop() ?? '';
      const how =
        typeof code === 'number' ? `exited with code ${code}` : err.killed ? 'was killed (timeout?)' : String(err.message).split('\n')[0];
      reject(new ConfigError(`exec plugin "${name}" for user "${opts.user}" failed: it ${how}${firstLine ? `: ${firstLine}` : ''}`));
    });
    const cancelDeadline = commandClock.setTimer(timeoutMs, () => {
      timedOut = true;
      child.kill('SIGTERM');
      cancelKill = commandClock.setTimer(KILL_GRACE_MS, () => child.kill('SIGKILL'));
    });
  });

  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new ConfigError(
      `exec plugin "${name}" for user "${opts.user}" printed something that is not an ExecCredential (invalid JSON on stdout)`,
    );
  }
  const obj = parsed as { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  if (!obj || typeof obj !== 'object' || obj.kind !== 'ExecCredential' || !obj.status || typeof obj.status !== 'object') {
    throw new ConfigError(
      `exec plugin "${name}" for user "${opts.user}" printed something that is not an ExecCredential (want kind ExecCredential with a status)`,
    );
  }
  if (obj.apiVersion && obj.apiVersion !== apiVersion) {
    throw new ConfigError(
      `exec plugin "${name}" for user "${opts.user}" answered with apiVersion "${obj.apiVersion}", but the kubeconfig asks for "${apiVersion}"`,
    );
  }
  const st = obj.status;
  const cred: ExecCredential = {};
  if (typeof st.token === 'string' && st.token) cred.token = st.token;
  if (typeof st.clientCertificateData === 'string' && st.clientCertificateData) cred.clientCertificateData = st.clientCertificateData;
  if (typeof st.clientKeyData === 'string' && st.clientKeyData) cred.clientKeyData = st.clientKeyData;
  if (typeof st.expirationTimestamp === 'string') {
    const t = Date.parse(st.expirationTimestamp);
    if (!Number.isNaN(t)) cred.expiresAt = t;
  }
  if (!cred.token && !(cred.clientCertificateData && cred.clientKeyData)) {
    throw new ConfigError(
      `exec plugin "${name}" for user "${opts.user}" returned neither status.token nor status.clientCertificateData/clientKeyData`,
    );
  }
  if (!!cred.clientCertificateData !== !!cred.clientKeyData) {
    throw new ConfigError(
      `exec plugin "${name}" for user "${opts.user}" returned a client certificate without its key (or a key without its certificate)`,
    );
  }
  return cred;
}
