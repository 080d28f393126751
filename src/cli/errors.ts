// Typed errors; exactly one place (main) turns them into exit codes and `error: …` lines.

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
