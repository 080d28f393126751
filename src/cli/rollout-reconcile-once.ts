// `reconcile-once`: not implemented yet.
import type { CommandContext } from './context.js';
import { CliError } from './errors.js';

/** Runs `reconcile-once`. */
export async function run(_ctx: CommandContext): Promise<number> {
  throw new CliError('reconcile-once: not yet available in this build');
}
