// `sandbox`: run the embedded API server until SIGINT/SIGTERM, with a kubeconfig for it.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDuration } from '../kube/duration.js';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue, UsageError } from './errors.js';
import { ownHelp } from './help-text.js';

/** The flags of `sandbox`. */
export interface SandboxFlags {
  port?: string;
  kubeconfigOut?: string;
  dataDir?: string;
  fsync?: boolean;
  /** false with --no-rollout-controller. */
  rolloutController?: boolean;
  podReadyDelay?: string;
  tls?: boolean;
  /** --allow-origin, repeatable. */
  allowOrigin?: string[];
  /** --require-token (not --token: that global flag is the token a client sends). */
  requireToken?: boolean;
  tokenFile?: string;
}

/** Validated options of one `sandbox` run. */
interface SandboxRunOptions {
  port: number;
  kubeconfigOut: string;
  dataDir?: string;
  fsync: boolean;
  rolloutController: boolean;
  podReadyDelayMs: number;
  tls: boolean;
  allowOrigins: string[];
  /** --require-token: 'random' makes one; --token-file names the file holding it. */
  token?: 'random' | { fromFile: string };
}

/** Adds `sandbox` with its flags and help to `parent`. */
export function addSandboxCommand(parent: Command, name: string): Command {
  const cmd = parent
    .command('sandbox')
    .summary('Run an embedded Kubernetes API server on 127.0.0.1 for trying and testing without a cluster')
    .description(
      'Run an embedded Kubernetes API server on 127.0.0.1 for trying and testing without a cluster. ' +
        'It serves the built-in kinds and those of CRDs you apply; Deployments, ReplicaSets, pods, StatefulSets (native and Advanced), ' +
        'CloneSets, Advanced DaemonSets and Rollouts have controllers: every other kind (Jobs, native DaemonSets, Services…) is stored only, ' +
        'and there is no container runtime (logs, exec, port-forward fail)',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', '0')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig', './kubeconfig.sandbox')
    .option(
      '--data-dir <dir>',
      'keep state in DIR so it survives a restart: a write is answered only once its journal record is written in full (it survives kill -9); one that does not fit (a full disk) is refused with 507 and not applied',
    )
    .option(
      '--fsync',
      'with --data-dir: flush every journal record to disk before answering, so acknowledged writes survive a power loss or an OS crash too (slower writes)',
    )
    .option('--no-rollout-controller', 'do not run the embedded Kruise Rollout controller')
    .option('--pod-ready-delay <duration>', 'how long a new pod takes to become Ready', '0.5s')
    .option('--tls', 'serve HTTPS with a self-signed CA written next to the kubeconfig')
    .option(
      '--allow-origin <origin>',
      'let web pages from ORIGIN (e.g. http://localhost:3000) call the sandbox, with CORS headers, and accept its host name as Host; repeatable; "*" allows any (default: none: requests with an Origin header or a Host other than loopback, an IP address or localhost are refused with 403)',
      (value: string, prev: string[] | undefined) => [...(prev ?? []), value],
    )
    .option(
      '--require-token',
      'require a bearer token: a random one (32 bytes) is written into the kubeconfig, and a request without it is 401 except GET /healthz, /livez, /readyz and /version, as kube-apiserver answers anonymous ones; implies --tls, since kubectl sends no token over plain HTTP (default off: the sandbox listens on loopback and refuses web pages, so a token guards only against other local users and processes, and it would need TLS and break plain curl)',
    )
    .option('--token-file <file>', 'like --require-token, with the token on the first line of FILE instead of a random one');
  return ownHelp(cmd, name, [
    ['Start a sandbox on port 6443 (runs until Ctrl-C)', 'sandbox --port 6443 --kubeconfig-out /tmp/kc'],
    ['Then, in another terminal, use it', 'rollout status rollouts-demo --kubeconfig /tmp/kc'],
    ['On a shared machine, require the token written into the kubeconfig', 'sandbox --require-token --kubeconfig-out /tmp/kc'],
  ]);
}

/** Parses and checks the flags (exit 2 on bad values). */
export function completeSandbox(flags: SandboxFlags): SandboxRunOptions {
  const port = Number(flags.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port "${flags.port}": want 0-65535`);
  const delay = parseDuration(flags.podReadyDelay ?? '0.5s');
  if (delay === undefined || delay < 0)
    throw new UsageError(`invalid --pod-ready-delay "${flags.podReadyDelay}": want a duration such as 500ms, 2s or 0`);
  return {
    port,
    kubeconfigOut: resolve(flags.kubeconfigOut ?? './kubeconfig.sandbox'),
    dataDir: flags.dataDir ? resolve(flags.dataDir) : undefined,
    fsync: !!flags.fsync,
    rolloutController: flags.rolloutController !== false,
    podReadyDelayMs: delay,
    // kubectl (client-go) sends no bearer token over plain HTTP (kubernetes/kubectl#744): a token needs TLS.
    tls: !!flags.tls || !!flags.requireToken || flags.tokenFile !== undefined,
    allowOrigins: (flags.allowOrigin ?? []).map(checkOrigin),
    token: flags.tokenFile !== undefined ? { fromFile: resolve(flags.tokenFile) } : flags.requireToken ? 'random' : undefined,
  };
}

/** An --allow-origin value: `*` or scheme://host[:port], as a browser sends it in Origin. */
function checkOrigin(value: string): string {
  if (value === '*') return value;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/+$/, '')) {
    throw new UsageError(
      `invalid --allow-origin "${value}": want an origin such as http://localhost:3000 (scheme, host and port only) or "*"`,
    );
  }
  return url.origin;
}

/** Checks the options together. */
export function validateSandbox(o: SandboxRunOptions): void {
  if (o.fsync && !o.dataDir) throw new UsageError('--fsync needs --data-dir: without it nothing is written to disk');
}

/** The token of --token-file: its first line, which must be a token kubectl can send in a header. */
function readTokenFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`invalid --token-file "${file}": ${(err as NodeJS.ErrnoException).code ?? 'cannot read it'}`);
  }
  const token = text.split(/\r?\n/, 1)[0]!.trim();
  if (!/^[\x21-\x7e]{16,}$/.test(token))
    throw new UsageError(
      `invalid --token-file "${file}": want a token of at least 16 printable characters, without spaces, on its first line`,
    );
  return token;
}

/** Runs `sandbox`: resolves once deps.signal aborts and the server has stopped. */
export async function runSandbox(o: SandboxRunOptions, deps: Deps): Promise<ExitCodeValue> {
  const [{ createSandbox, newSandboxToken }, { sandboxKubeconfig }] = await Promise.all([
    import('../sandbox/server.js'),
    import('../sandbox/kubeconfig.js'),
  ]);
  // Read before anything starts: a bad file is a usage error with nothing written.
  const token = o.token === undefined ? undefined : o.token === 'random' ? newSandboxToken() : readTokenFile(o.token.fromFile);
  let tls: { caCert: string; cert: string; key: string } | undefined;
  if (o.tls) {
    const { generateTls } = await import('../sandbox/tls.js');
    tls = await generateTls();
    writeFileSync(join(dirname(o.kubeconfigOut), `${basename(o.kubeconfigOut)}.ca.crt`), tls.caCert);
  }
  const [{ rolloutController }, { admitDeploymentUpdate, admitCloneSetUpdate, admitStatefulSetUpdate, admitDaemonSetUpdate }] =
    await Promise.all([import('../sandbox/wire-rollout-controller.js'), import('../reconcile/workload-admission.js')]);
  const sandbox = await createSandbox({
    port: o.port,
    dataDir: o.dataDir,
    fsync: o.fsync,
    warn: (line) => deps.io.err.write(`${line}\n`),
    podReadyDelayMs: o.podReadyDelayMs,
    controllers: o.rolloutController ? [rolloutController({ log: (line) => deps.io.err.write(`${line}\n`) })] : [],
    workloadAdmission: { admitDeploymentUpdate, admitCloneSetUpdate, admitStatefulSetUpdate, admitDaemonSetUpdate },
    tls: tls ? { key: tls.key, cert: tls.cert } : undefined,
    allowOrigins: o.allowOrigins,
    token,
    now: deps.now,
  });
  writeFileSync(o.kubeconfigOut, sandboxKubeconfig(sandbox.url, tls?.caCert, token), { mode: 0o600 });
  deps.io.err.write(`sandbox API server listening on ${sandbox.url}${o.dataDir ? ` (data in ${o.dataDir})` : ''}\n`);
  deps.io.out.write(`export KUBECONFIG=${o.kubeconfigOut}\n`);
  await new Promise<void>((done) => {
    if (!deps.signal) return; // without a signal it runs until the process ends
    if (deps.signal.aborted) return done();
    deps.signal.addEventListener('abort', () => done(), { once: true });
  });
  await sandbox.close();
  deps.io.err.write('sandbox stopped\n');
  return ExitCode.ok;
}
