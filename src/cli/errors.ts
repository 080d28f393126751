// Typed errors; exactly one place (main) turns them into exit codes and `error: …` lines.
import { maskUrlCredentials } from '../kube/log.js';
import { escapeTerminal } from '../render/escape.js';

/** The documented exit codes (README, `--help`). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  timeout: 3,
  cannotHold: 4,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user should see as one `error: …` line, with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags or arguments: nothing was sent to the server. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** An `error: …` line (kubectl style, one line); a server's `Error from server (…)` keeps its own prefix. */
export function errorLine(message: string): string {
  // A server URL with a password in it must not reach a terminal or a CI log.
  // Server text in an error (a Status message, a rollout's name) is shown, never obeyed.
  const oneLine = escapeTerminal(maskUrlCredentials(message.replace(/\s*\n\s*/g, ' ').trim()));
  return /^error: /i.test(oneLine) || /^Error from server/.test(oneLine) ? oneLine : `error: ${oneLine}`;
}

/**
 * The failures of a command over several objects (kubectl's aggregate): each object's failure is
 * printed once as an `error:` line and the others still run; the command then exits 1.
 */
export class ObjectFailures {
  private failed = 0;
  constructor(private readonly err: { write(chunk: string): unknown }) {}

  /** Prints one object's failure. */
  add(message: string): void {
    this.failed++;
    this.err.write(`${errorLine(message)}\n`);
  }

  /** Counts a failure the output already shows (an `-o json` object with `ok: false`). */
  addShown(): void {
    this.failed++;
  }

  /** failure if any object failed, else `otherwise`. */
  exitCode(otherwise: ExitCodeValue = ExitCode.ok): ExitCodeValue {
    return this.failed > 0 ? ExitCode.failure : otherwise;
  }
}
