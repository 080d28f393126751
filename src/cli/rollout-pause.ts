// `pause`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `pause`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('pause: not yet available in this build');
}
