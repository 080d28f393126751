// Shared by the bad-input corpus, the retry tests and the security tests: a sandbox with seeded
// Rollouts, temp HOME/kubeconfigs, tiny exec plugins, openssl certificates and the assertions
// every case makes (exit code, one error line, no stack trace, no unexpected mutating request).
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '../../src/kube/types.js';
import { createSandbox, type RequestRecord, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import type { CliResult } from '../helpers/cli.js';

const run = promisify(execFile);

/** Mutating HTTP methods: a bad input must never cause one (unless the case is about a write). */
export const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The mutating requests in a request log, as `METHOD path`. */
export function mutations(requests: RequestRecord[]): string[] {
  return requests.filter((r) => MUTATING.has(r.method)).map((r) => `${r.method} ${r.path}`);
}

/** A kubectl-style failure line: `error: …` or `Error from server (Reason): …`. */
const ERROR_LINE = /^(error: \S|Error from server \([A-Za-z]+\): \S)/;

/** A JS stack frame as node prints it. */
const STACK_FRAME = /^\s+at /m;

/**
 * Checks the shape every failing case must have: the exit code, nothing on stdout, stderr exactly one
 * kubectl-style error line matching `line`, no stack frame. Returns the line.
 */
export function expectOneErrorLine(r: CliResult, code: number, line: RegExp): string {
  const clip = (t: string) => JSON.stringify(t.length > 1500 ? `${t.slice(0, 1500)}…[${t.length - 1500} more]` : t);
  const detail = `exit ${r.code}\nstdout: ${clip(r.stdout)}\nstderr: ${clip(r.stderr)}`;
  if (r.code !== code) throw new Error(`want exit ${code}, got ${detail}`);
  if (r.stdout !== '') throw new Error(`want empty stdout, got ${detail}`);
  if (STACK_FRAME.test(r.stderr)) throw new Error(`stack trace on stderr: ${detail}`);
  if (!r.stderr.endsWith('\n')) throw new Error(`stderr must end with a newline: ${detail}`);
  const lines = r.stderr.slice(0, -1).split('\n');
  if (lines.length !== 1) throw new Error(`want exactly one stderr line, got ${lines.length}: ${detail}`);
  const only = lines[0]!;
  if (!ERROR_LINE.test(only)) throw new Error(`not a kubectl-style error line: ${detail}`);
  if (!line.test(only)) throw new Error(`error line does not match ${line}: ${detail}`);
  return only;
}

/** A fresh temp directory (removed by `cleanup`). */
export function tempDir(prefix = 'kk-corpus-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Removes a temp directory. */
export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `text` to dir/name (mode optional) and returns the path. */
export function put(dir: string, name: string, text: string, mode?: number): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  if (mode !== undefined) chmodSync(p, mode);
  return p;
}

/** The pieces of a kubeconfig, each optional so a case can drop or break one. */
interface KubeconfigParts {
  server?: string;
  cluster?: Record<string, unknown>;
  user?: Record<string, unknown>;
  context?: Record<string, unknown>;
  currentContext?: string;
  /** Names of the entries (default c/u/ctx). */
  names?: { cluster?: string; user?: string; context?: string };
}

/** A kubeconfig (JSON is YAML) with one cluster, user and context. */
export function kubeconfig(p: KubeconfigParts): string {
  const n = { cluster: 'c', user: 'u', context: 'ctx', ...p.names };
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': p.currentContext ?? n.context,
      clusters: [{ name: n.cluster, cluster: p.cluster ?? { server: p.server } }],
      users: [{ name: n.user, user: p.user ?? {} }],
      contexts: [{ name: n.context, context: p.context ?? { cluster: n.cluster, user: n.user, namespace: 'default' } }],
    },
    null,
    2,
  );
}

/** Writes a node script usable as an exec credential plugin (`#!` + executable) and returns its path. */
export function execPlugin(dir: string, name: string, body: string): string {
  return put(dir, name, `#!${process.execPath}\n${body}\n`, 0o755);
}

/** A plugin printing a v1 ExecCredential with this token. */
export function tokenPluginBody(token: string): string {
  return `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(token)} } }));`;
}

/** The exec stanza for a plugin script. */
export function execStanza(command: string): Record<string, unknown> {
  return { exec: { apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never' } };
}

/** True when the openssl CLI can be run. */
export async function haveOpenssl(): Promise<boolean> {
  try {
    await run('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

/** A self-signed client certificate and key (PEM), made with openssl. */
export async function clientCert(
  dir: string,
  cn = 'corpus-user',
): Promise<{ cert: string; key: string; certFile: string; keyFile: string }> {
  const keyFile = path.join(dir, `${cn}.key`);
  const certFile = path.join(dir, `${cn}.crt`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
  ]);
  const { readFileSync } = await import('node:fs');
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

const RO_RESOURCE = 'rollouts';

/** A sandbox without built-in controllers (nothing writes behind the test's back). */
export async function quietSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return createSandbox({ builtinControllers: false, podReadyDelayMs: 0, ...opts });
}

/** Puts a Rollout straight into the store (no admission) with `status` (or none). */
export function seedRollout(sb: Sandbox, rollout: KubeObject, status?: unknown): KubeObject {
  const { status: _drop, ...rest } = rollout;
  const stored = sb.store.create<KubeObject>(RO_RESOURCE, { ...rest, metadata: { ...rest.metadata, resourceVersion: undefined } });
  if (status === undefined) return stored;
  return sb.store.update<KubeObject>(RO_RESOURCE, { ...stored, status }, { subresource: 'status' });
}

/** Puts the workload (Deployment) straight into the store. */
function seedWorkload(sb: Sandbox, workload: KubeObject): KubeObject {
  const { status: _drop, ...rest } = workload;
  return sb.store.create<KubeObject>('deployments', { ...rest, metadata: { ...rest.metadata, resourceVersion: undefined } });
}

/** The canary scenario paused at step 1, renamed; with its workload. */
function pausedScenario(name: string): { rollout: KubeObject; workload: KubeObject } {
  const { rollout, workload } = scenario('canary-step-paused');
  rollout.metadata.name = name;
  (rollout.spec as { workloadRef: { name: string } }).workloadRef.name = `${name}-wl`;
  workload!.metadata.name = `${name}-wl`;
  return { rollout, workload: workload! };
}

/** Seeds a paused canary Rollout (and its Deployment) named `name`, optionally changing its status first. */
export function seedPaused(sb: Sandbox, name: string, edit?: (ro: KubeObject) => void): KubeObject {
  const { rollout, workload } = pausedScenario(name);
  edit?.(rollout);
  if (!sb.store.get('deployments', 'default', workload.metadata.name!)) seedWorkload(sb, workload);
  return seedRollout(sb, rollout, rollout.status);
}
