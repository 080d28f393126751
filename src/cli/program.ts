// The command tree. Each command declares its own flags (an add…Command next to its
// complete…/validate…); program.ts only assembles them and wires every action the same way:
// options parsed once, checked, then run. The declarations and option parsing live in small
// modules (rollout-*-options.ts, or the command's own file when it loads its heavy parts on
// demand); a command's implementation is imported when it runs, so `--help` and every command
// pay only for what they use.
import { Command, Option } from 'commander';
import {
  addCompleteCommand,
  addCompletionCommand,
  completeCompletion,
  completionWords,
  runComplete,
  runCompletion,
  validateCompletion,
} from './completion.js';
import type { CliRunner, GlobalOptions } from './context.js';
import { addDashboardCommand, completeDashboard, type DashboardFlags, validateDashboard } from './dashboard.js';
import type { Deps } from './deps.js';
import { CliError, ExitCode, type ExitCodeValue } from './errors.js';
import { help } from './help-text.js';
import { hintPeerVerbs } from './peer-verbs.js';
import { type ApproveFlags, addApproveCommand, completeApprove, validateApprove } from './rollout-approve-options.js';
import { addDemoCommand, completeDemo, type DemoFlags, runDemo, validateDemo } from './rollout-demo.js';
import { addPauseCommand, addResumeCommand, completeSetPaused, type SetPausedFlags, validateSetPaused } from './rollout-pause-options.js';
import {
  addReconcileOnceCommand,
  completeReconcileOnce,
  type ReconcileOnceFlags,
  validateReconcileOnce,
} from './rollout-reconcile-once-options.js';
import { addStatusCommand, completeStatus, type StatusFlags, validateStatus } from './rollout-status-options.js';
import { addRolloutVerbs } from './rollout-verbs.js';
import { addWatchCommand, completeWatch, validateWatch, type WatchFlags } from './rollout-watch-options.js';
import { addSandboxCommand, completeSandbox, runSandbox, type SandboxFlags, validateSandbox } from './sandbox.js';
import { addVersionCommand, completeVersion, runVersion, type VersionFlags, validateVersion } from './version.js';

/** A command's action: its arguments, its own flags and the global ones in, an exit code out. */
type Action<F> = (args: string[], flags: F, globals: GlobalOptions) => Promise<ExitCodeValue>;

/**
 * Builds the commander program; `result.code` receives the exit code of the action that ran.
 * `runCli` (main) is what `rollout demo` types its commands into. Given the command line `argv`,
 * it builds only what that line can reach (needsRolloutVerbs); without it, the whole tree.
 */
export function buildProgram(deps: Deps, result: { code: number }, runCli: CliRunner = noCli, argv?: readonly string[]): Command {
  const name = deps.invokedAs;
  const program = new Command(name).name(name);
  const on = <F>(cmd: Command, action: Action<F>): Command =>
    cmd.action(async (...received: unknown[]) => {
      const c = received[received.length - 1] as Command;
      result.code = await action(c.args, c.opts() as F, c.optsWithGlobals() as GlobalOptions);
    });

  program
    .description('Drive Kruise Rollouts from the command line: approve, pause, resume, status, watch')
    .addHelpText(
      'after',
      help(name, [
        ['Approve the batch of rollouts-demo that waits for confirmation', 'rollout approve rollouts-demo -n default'],
        ['Try everything without a cluster', 'rollout demo'],
      ]),
    )
    .option('--kubeconfig <file>', 'path to the kubeconfig file to use for CLI requests')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'if present, the namespace scope for this CLI request')
    .option('-s, --server <url>', 'the address and port of the Kubernetes API server')
    .option('--token <token>', 'bearer token for authentication to the API server')
    .option('--insecure-skip-tls-verify', "don't check the server's certificate (insecure)")
    .option('--request-timeout <duration>', 'how long to wait for a single server request (e.g. 1s, 2m); 0 means no timeout', '0')
    .option('--no-color', 'print plain text without colours')
    .addOption(new Option('-v, --v <level>', 'log level: 6 logs each request, 8 adds bodies (secrets are always redacted)'))
    .showHelpAfterError(false)
    .allowExcessArguments(false)
    // Subcommand help lists the global flags too (kubectl points at `kubectl options`).
    .configureHelp({ showGlobalOptions: true });

  const rollout = program
    .command('rollout')
    .description('Manage Kruise Rollouts (rollouts.rollouts.kruise.io)')
    .addHelpText(
      'after',
      help(name, [
        ['Approve the batch that waits for confirmation', 'rollout approve rollouts-demo'],
        ['Wait in CI until batch 1 is released and paused', 'rollout watch rollouts-demo --until paused --step 1 --timeout 10m'],
      ]),
    );
  hintPeerVerbs(rollout, name);

  // The verbs, only for a command line that can reach them: --help and the other commands skip
  // building a dozen commands (README, Performance). The top-level help shows `rollout` alone.
  if (!argv || needsRolloutVerbs(argv)) {
    on<ApproveFlags>(addApproveCommand(rollout, name), async (args, flags, globals) => {
      const o = completeApprove(args, flags, globals);
      validateApprove(o);
      return (await import('./rollout-approve.js')).runApprove(o, deps);
    });
    on<SetPausedFlags>(addPauseCommand(rollout, name), async (args, flags, globals) => {
      const o = completeSetPaused(args, flags, true, globals);
      validateSetPaused(o);
      return (await import('./rollout-pause.js')).runSetPaused(o, deps);
    });
    on<SetPausedFlags>(addResumeCommand(rollout, name), async (args, flags, globals) => {
      const o = completeSetPaused(args, flags, false, globals);
      validateSetPaused(o);
      return (await import('./rollout-pause.js')).runSetPaused(o, deps);
    });
    on<StatusFlags>(addStatusCommand(rollout, name), async (args, flags, globals) => {
      const o = completeStatus(args, flags, globals);
      validateStatus(o);
      return (await import('./rollout-status.js')).runStatus(o, deps);
    });
    on<WatchFlags>(addWatchCommand(rollout, name), async (args, flags, globals) => {
      const o = completeWatch(args, flags, globals);
      validateWatch(o);
      return (await import('./rollout-watch.js')).runWatchCommand(o, deps);
    });
    on<ReconcileOnceFlags>(addReconcileOnceCommand(rollout, name), async (args, flags, globals) => {
      const o = completeReconcileOnce(args, flags, globals);
      validateReconcileOnce(o);
      return (await import('./rollout-reconcile-once.js')).runReconcileOnce(o, deps);
    });
    addRolloutVerbs(rollout, name, on, deps);
    on<DemoFlags>(addDemoCommand(rollout, name), async (_args, flags, globals) => {
      const o = completeDemo(flags, globals);
      validateDemo(o);
      return runDemo(o, deps, runCli);
    });
  }
  on<SandboxFlags>(addSandboxCommand(program, name), async (_args, flags) => {
    const o = completeSandbox(flags);
    validateSandbox(o);
    return runSandbox(o, deps);
  });
  on<DashboardFlags>(addDashboardCommand(program, name), async (args, flags, globals) => {
    const o = completeDashboard(args, flags, globals);
    validateDashboard(o);
    return (await import('./dashboard.js')).runDashboard(o, deps);
  });
  on<VersionFlags>(addVersionCommand(program, name), async (_args, flags) => {
    const o = completeVersion(flags);
    validateVersion(o);
    return runVersion(o, deps);
  });
  on(addCompletionCommand(program, name), async (args) => {
    const o = completeCompletion(args);
    validateCompletion(o);
    return runCompletion(o, deps);
  });
  on(addCompleteCommand(program), async (args, _flags, globals) => {
    // The raw words: commander would otherwise have taken `-n NS` etc. out of them.
    const raw = (program as unknown as { rawArgs?: string[] }).rawArgs;
    return runComplete(program, completionWords(raw, args), globals, deps);
  });

  return program;
}

/**
 * Whether `argv` can reach a rollout verb: it names `rollout` (`rollout status x`, `help rollout`)
 * or asks for completions (`__complete`, which walks the whole tree). A flag's value that happens
 * to be `rollout` only builds what was not needed.
 */
export function needsRolloutVerbs(argv: readonly string[]): boolean {
  return argv.some((a) => a === 'rollout' || a === '__complete');
}

/** Without a CLI to type into (a program built outside main), the demo cannot run. */
const noCli: CliRunner = async () => {
  throw new CliError('rollout demo needs the CLI to run its commands', ExitCode.failure);
};
