// `rollout resume`: clear spec.strategy.paused (shares its implementation with pause).
import type { CommandContext } from './context.js';
import { runPausedCommand } from './rollout-pause.js';

/** Runs `resume`. */
export const run = (ctx: CommandContext): Promise<number> => runPausedCommand(ctx, false);
