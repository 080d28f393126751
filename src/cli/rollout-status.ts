// `status`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `status`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('status: not yet available in this build');
}
