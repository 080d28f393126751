// `sandbox`: run the embedded API server until SIGINT/SIGTERM, with a kubeconfig for it.
import { writeFileSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';
import { parseDuration } from '../kube/duration.js';

/** The flags of `sandbox`. */
export interface SandboxFlags {
  port?: string;
  kubeconfigOut?: string;
  dataDir?: string;
  /** false with --no-rollout-controller. */
  rolloutController?: boolean;
  podReadyDelay?: string;
  tls?: boolean;
}

/** Validated options of one `sandbox` run. */
export interface SandboxRunOptions {
  port: number;
  kubeconfigOut: string;
  dataDir?: string;
  rolloutController: boolean;
  podReadyDelayMs: number;
  tls: boolean;
}

/** Parses and checks the flags (exit 2 on bad values). */
export function completeSandbox(flags: SandboxFlags): SandboxRunOptions {
  const port = Number(flags.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port "${flags.port}": want 0-65535`);
  const delay = parseDuration(flags.podReadyDelay ?? '0.5s');
  if (delay === undefined || delay < 0) throw new UsageError(`invalid --pod-ready-delay "${flags.podReadyDelay}": want a duration such as 500ms, 2s or 0`);
  return {
    port,
    kubeconfigOut: resolve(flags.kubeconfigOut ?? './kubeconfig.sandbox'),
    dataDir: flags.dataDir ? resolve(flags.dataDir) : undefined,
    rolloutController: flags.rolloutController !== false,
    podReadyDelayMs: delay,
    tls: !!flags.tls,
  };
}

/** Runs `sandbox`: resolves 0 once deps.signal aborts and the server has stopped. */
export async function run(ctx: CommandContext<SandboxFlags>): Promise<number> {
  const o = completeSandbox(ctx.opts);
  const { deps } = ctx;
  const [{ createSandbox }, { sandboxKubeconfig }] = await Promise.all([import('../sandbox/server.js'), import('../sandbox/kubeconfig.js')]);
  let tls: { caCert: string; cert: string; key: string } | undefined;
  if (o.tls) {
    const { generateTls } = await import('../sandbox/tls.js');
    tls = await generateTls();
    writeFileSync(join(dirname(o.kubeconfigOut), `${basename(o.kubeconfigOut)}.ca.crt`), tls.caCert);
  }
  const [{ rolloutController }, { admitDeploymentUpdate }] = await Promise.all([
    import('../sandbox/wire-rollout-controller.js'),
    import('../reconcile/workload-admission.js'),
  ]);
  const sandbox = await createSandbox({
    port: o.port,
    dataDir: o.dataDir,
    podReadyDelayMs: o.podReadyDelayMs,
    controllers: o.rolloutController ? [rolloutController()] : [],
    workloadAdmission: { admitDeploymentUpdate },
    tls: tls ? { key: tls.key, cert: tls.cert } : undefined,
    now: deps.now,
  });
  writeFileSync(o.kubeconfigOut, sandboxKubeconfig(sandbox.url, tls?.caCert), { mode: 0o600 });
  deps.io.err.write(`sandbox API server listening on ${sandbox.url}${o.dataDir ? ` (data in ${o.dataDir})` : ''}\n`);
  deps.io.out.write(`export KUBECONFIG=${o.kubeconfigOut}\n`);
  await new Promise<void>((done) => {
    if (!deps.signal) return; // without a signal it runs until the process ends
    if (deps.signal.aborted) return done();
    deps.signal.addEventListener('abort', () => done(), { once: true });
  });
  await sandbox.close();
  deps.io.err.write('sandbox stopped\n');
  return 0;
}
