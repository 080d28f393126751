// The entry point: parses argv, runs one command, and maps every error to an exit code.
import { CommanderError } from 'commander';
import { type Deps, processDeps } from './deps.js';
import { CliError, ExitCode, errorLine } from './errors.js';
import { handOff } from './handoff.js';
import { buildProgram } from './program.js';

/** Runs the CLI; returns the exit code (only src/cli/process.ts ends the process). */
export async function main(argv: string[], overrides: Partial<Deps> = {}): Promise<number> {
  const deps = processDeps(overrides);
  const result = { code: ExitCode.ok as number };
  const program = buildProgram(deps, result, main);
  // What this CLI does not handle goes to another kubectl-kruise on PATH (kruise-tools), if any.
  const handedOff = await handOff(argv, program, deps);
  if (handedOff !== undefined) return handedOff;
  for (const cmd of [program, ...allCommands(program)]) {
    cmd.exitOverride();
    cmd.configureOutput({
      writeOut: (s) => deps.io.out.write(s),
      writeErr: (s) => deps.io.err.write(s),
      outputError: (s, write) => write(s.endsWith('\n') ? s : `${s}\n`),
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (err) {
    return reportError(err, deps);
  }
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
