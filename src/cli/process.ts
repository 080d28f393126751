// The process around main(): the only place that ends the process. bin/kubectl-kruise (the npm
// build) and the single executable (src/cli/sea.ts) both run a command through runAsProcess.
import { DEFERRED_EXTRA_CA_ENV } from '../kube/extra-ca.js';
import { mark, printTimelineAtExit } from '../runtime/timeline.js';
import { main } from './main.js';

/** Runs main(argv) as this process (`self`: its executable): stream errors, SIGINT/SIGTERM and the exit code. */
export async function runAsProcess(argv: string[], self: string | undefined): Promise<void> {
  // bin/ starts node without NODE_EXTRA_CA_CERTS and hands the file on (src/kube/extra-ca.ts);
  // children (exec credential plugins, another kubectl-kruise) see the variable the user set.
  const deferred = process.env[DEFERRED_EXTRA_CA_ENV];
  if (deferred && !process.env.NODE_EXTRA_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = deferred;
  // Standard output and error, and what a write error does (EPIPE: 141): src/cli/stdio.ts, made by processDeps.
  // SIGINT/SIGTERM abort long-running commands (sandbox, watch), which then return their exit code.
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stop.abort(sig);
      // A command that ignores the signal still ends (unref: never delays a clean exit).
      setTimeout(() => process.exit(130), 3000).unref();
    });
  }
  printTimelineAtExit();
  mark('main');
  process.exitCode = await main(argv, { signal: stop.signal, self });
  mark('returned');
}
