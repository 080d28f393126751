// The entry point: parses argv, runs one command, and maps every error to an exit code.
import { CommanderError } from 'commander';
import { type Deps, type OutStream, processDeps } from './deps.js';
import { CliError, ExitCode, errorLine } from './errors.js';
import { handOff } from './handoff.js';
import { buildProgram } from './program.js';

/** Runs the CLI; returns the exit code (only src/cli/process.ts ends the process). */
export async function main(argv: string[], overrides: Partial<Deps> = {}): Promise<number> {
  const deps = processDeps(overrides);
  const result = { code: ExitCode.ok as number };
  const program = buildProgram(deps, result, main, argv);
  // What this CLI does not handle goes to another kubectl-kruise on PATH (kruise-tools), if any.
  let handedOff: number | undefined;
  try {
    handedOff = await handOff(argv, program, deps);
  } catch (err) {
    return reportError(err, deps);
  }
  if (handedOff !== undefined) return handedOff;
  const { out, err } = deps.io;
  for (const cmd of [program, ...allCommands(program)]) {
    cmd.exitOverride();
    cmd.configureOutput({
      writeOut: (s) => out.write(s),
      writeErr: (s) => err.write(s),
      outputError: (s, write) => write(s.endsWith('\n') ? s : `${s}\n`),
      // Commander's defaults ask process.stdout/stderr, which makes node's stream for a pipe or a
      // file (a few ms of every --help) and is not the stream written to in tests or the demo.
      getOutHelpWidth: () => helpWidth(out),
      getErrHelpWidth: () => helpWidth(err),
      getOutHasColors: () => hasColors(out),
      getErrHasColors: () => hasColors(err),
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (err) {
    return reportError(err, deps);
  }
}

/** A terminal's width, or commander's default (80) for anything else. */
function helpWidth(s: OutStream): number {
  return (s.isTTY && s.columns) || 80;
}

/** Whether commander may keep colours in what it writes to `s`: its own rule, asked of `s`. */
function hasColors(s: OutStream): boolean {
  const env = process.env;
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return s.isTTY === true && (s as { hasColors?: () => boolean }).hasColors?.() === true;
}

function allCommands(cmd: import('commander').Command): import('commander').Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** The one place that turns an error into an `error: …` line and an exit code. */
function reportError(err: unknown, deps: Deps): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof CliError) {
    deps.io.err.write(`${errorLine(err.message)}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  deps.io.err.write(`${errorLine(message)}\n`);
  // Errors from src/kube (ApiError, TransportError, ConfigError) carry their own exit code.
  const code = (err as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) ? code : ExitCode.failure;
}
