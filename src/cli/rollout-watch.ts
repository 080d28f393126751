// `watch`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `watch`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('watch: not yet available in this build');
}
