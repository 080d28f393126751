// kubectl-style help text shared by every command: examples (each with a `#` comment line),
// then the exit codes.
import type { Command } from 'commander';

const EXIT_CODES_HELP = `
Exit codes:
  0  success; the awaited condition holds
  1  failure: API error, not found, or a refused action (e.g. approve when not paused)
  2  usage error: bad flags or arguments (nothing was sent to the server)
  3  timeout: --timeout passed before the condition held
  4  the awaited condition can no longer hold (rolled back, disabled, deleted, superseded)`;

/** The description of a ROLLOUT argument. */
export const ROLLOUT_ARG = 'rollout/NAME, ro/NAME, NAME, or `rollout NAME`';

function examples(name: string, items: [string, string][]): string {
  // {name} marks where the invoked name goes when it is not the first word (`source <({name} …)`).
  const line = (cmd: string) => (cmd.includes('{name}') ? cmd.replace('{name}', name) : `${name} ${cmd}`);
  return `\nExamples:\n${items.map(([what, cmd]) => `  # ${what}\n  ${line(cmd)}`).join('\n\n')}\n`;
}

/** The text after a command's options: its examples, an optional note, the exit codes. */
export function help(name: string, items: [string, string][], note = ''): string {
  return examples(name, items) + (note ? `\n${note}` : '') + EXIT_CODES_HELP;
}

/**
 * Help for a command that talks to no cluster and awaits no rollout (sandbox, demo, version,
 * completion): its examples and note only, and only its own options (no connection flags).
 */
export function ownHelp(cmd: Command, name: string, items: [string, string][], note = ''): Command {
  return cmd.configureHelp({ showGlobalOptions: false }).addHelpText('after', examples(name, items) + (note ? `\n${note}` : ''));
}
