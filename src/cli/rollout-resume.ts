// `resume`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `resume`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('resume: not yet available in this build');
}
