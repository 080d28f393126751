// `dashboard [-n NS | -A] [--port 3100] [--address 127.0.0.1] [--open]`: serves the rollouts as a
// live web page (src/dashboard/) until Ctrl-C. Prints the URL with the run's token; opens a browser
// only with --open. The server is imported when the command runs.
import type { Command } from 'commander';
import { type GlobalOptions, NO_GLOBALS } from './context.js';
import type { Deps } from './deps.js';
import { CliError, ExitCode, type ExitCodeValue, UsageError } from './errors.js';
import { help } from './help-text.js';

/** The flags of `dashboard` as commander gives them. */
export interface DashboardFlags {
  allNamespaces?: boolean;
  port?: string;
  address?: string;
  open?: boolean;
}

/** Validated `dashboard` options. */
export interface DashboardRunOptions {
  allNamespaces: boolean;
  port: number;
  address: string;
  open: boolean;
  globals: GlobalOptions;
}

/** The one message of each dashboard mistake. */
export const DashboardError = {
  port: (v: string) => `invalid --port "${v}": want a number from 0 to 65535 (0: any free port)`,
  address: (v: string) => `invalid --address "${v}": want an IP address such as 127.0.0.1`,
  args: (a: string) => `dashboard takes no arguments (got "${a}"); use -n NAMESPACE or -A`,
  both: '-A shows every namespace: it takes no -n',
} as const;

/** Adds `dashboard` with its flags and help to `parent`. */
export function addDashboardCommand(parent: Command, name: string): Command {
  return parent
    .command('dashboard')
    .description('Serve a live web page of the rollouts, with approve, pause, resume and undo')
    .argument('[args...]', 'none: the namespace comes from -n (or -A)')
    .option('-A, --all-namespaces', 'show the rollouts of every namespace')
    .option('--port <port>', 'the port to listen on (0: any free port)', '3100')
    .option('--address <ip>', 'the address to listen on (loopback by default: only this machine can connect)', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .addHelpText(
      'after',
      help(name, [
        ['Show the rollouts of the current namespace at http://127.0.0.1:3100', 'dashboard'],
        ['Show every namespace and open a browser', 'dashboard -A --open'],
      ]),
    );
}

/** Parses arguments and flags (usage errors before any request). */
export function completeDashboard(args: string[], flags: DashboardFlags, globals: GlobalOptions = NO_GLOBALS): DashboardRunOptions {
  if (args.length > 0) throw new UsageError(DashboardError.args(args[0]!));
  const portText = flags.port ?? '3100';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(DashboardError.port(portText));
  const address = flags.address ?? '127.0.0.1';
  if (!/^[\d.]+$|:/.test(address) || address.includes('/')) throw new UsageError(DashboardError.address(address));
  return { allNamespaces: flags.allNamespaces === true, port, address, open: flags.open === true, globals };
}

/** Checks the options together. */
export function validateDashboard(o: DashboardRunOptions): void {
  if (o.allNamespaces && o.globals.namespace !== undefined) throw new UsageError(DashboardError.both);
}

/** Runs `dashboard`: connects with the global flags, serves until Ctrl-C (or a watch fails for good). */
export async function runDashboard(o: DashboardRunOptions, deps: Deps): Promise<ExitCodeValue> {
  const [{ withKubeClient }, { startDashboard }, { commandClock }] = await Promise.all([
    import('../kube/from-flags.js'),
    import('../dashboard/server.js'),
    import('../runtime/clock.js'),
  ]);
  return withKubeClient(o.globals, deps, async (client) => {
    let dashboard: Awaited<ReturnType<typeof startDashboard>>;
    try {
      dashboard = await startDashboard(client, {
        namespace: o.allNamespaces ? undefined : client.namespace,
        host: o.address,
        port: o.port,
        now: deps.now,
        clock: commandClock,
        cli: deps.invokedAs,
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new CliError(`port ${o.port} on ${o.address} is in use: choose another with --port (0: any free port)`);
      if (code === 'EADDRNOTAVAIL') throw new CliError(`cannot listen on ${o.address}: it is not an address of this machine`);
      throw err;
    }
    try {
      const scope = o.allNamespaces ? 'all namespaces' : `namespace ${client.namespace}`;
      deps.io.err.write(`dashboard of ${scope}; Ctrl-C stops it. Open (the link carries this run's token):\n`);
      deps.io.out.write(`${dashboard.url}\n`);
      if (!/^127\.|^::1$/.test(o.address))
        deps.io.err.write(`warning: listening on ${o.address}: other machines can reach the page (actions still need the token)\n`);
      if (o.open) openBrowser(dashboard.url, deps);
      await new Promise<void>((done, fail) => {
        dashboard.failed.catch(fail);
        if (!deps.signal) return;
        if (deps.signal.aborted) return done();
        deps.signal.addEventListener('abort', () => done(), { once: true });
      });
      return ExitCode.ok;
    } finally {
      await dashboard.close();
    }
  });
}

/** Opens `url` with the platform's opener (xdg-open, open, start); a failure is a warning, not an error. */
export function openBrowser(url: string, deps: Deps): void {
  void import('node:child_process').then(({ spawn }) => {
    const [cmd, args] =
      process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]];
    const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => deps.io.err.write(`warning: could not open a browser (${cmd}); open the URL above\n`));
    child.unref();
  });
}
