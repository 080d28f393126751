// `approve`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `approve`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('approve: not yet available in this build');
}
