// `sandbox`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `sandbox`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('sandbox: not yet available in this build');
}
