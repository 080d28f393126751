// `demo`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `demo`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('demo: not yet available in this build');
}
