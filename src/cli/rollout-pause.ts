// `rollout pause` / `rollout resume`: set or clear spec.strategy.paused through GET + PUT with
// resourceVersion, re-planned on 409. Pausing freezes the step machine and approves nothing;
// resuming thaws it and never touches status (a step in StepPaused still needs approve).
import type { CommandContext } from './context.js';
import type { Deps } from './deps.js';
import { parseRolloutArgs } from './resource-args.js';
import { forEachRollout, mutateRollout, parseMutationOutput, printRefusal, printResult, type MutationOutput } from './rollout-mutation.js';
import { clientFromGlobals } from '../kube/from-flags.js';
import type { KubeClient } from '../kube/client.js';
import { planPause, planResume } from '../rollout/pause.js';

/** Validated `pause`/`resume` options: `paused` is the value to set. */
export interface SetPausedOptions {
  names: string[];
  output: MutationOutput;
  paused: boolean;
}

/** Parses and validates arguments and flags; a usage error sends no request. */
export function completeSetPaused(args: string[], opts: Record<string, unknown>, paused: boolean): SetPausedOptions {
  return { names: parseRolloutArgs(args), output: parseMutationOutput(opts.output), paused };
}

/** Pauses or resumes each rollout; returns the exit code (1 if any was refused or failed). */
export async function runSetPaused(o: SetPausedOptions, client: KubeClient, deps: Deps): Promise<number> {
  const printed = { printed: 0 };
  let refused = false;
  const code = await forEachRollout(o.names, deps, async (name) => {
    const result = await mutateRollout(client, client.namespace, name, o.paused ? planPause : planResume, {
      dryRun: false,
      // A write that may have landed: it did if the flag now reads as we set it.
      landed: (fresh) => (fresh.spec?.strategy?.paused === true) === o.paused,
    });
    if (result.kind === 'refused') {
      refused = true;
      return printRefusal(deps, name, result.message);
    }
    return printResult(deps, o.output, result.object, name, o.paused ? 'paused' : 'resumed', printed);
  });
  return refused ? 1 : code;
}

/** Runs `pause` (paused = true) or `resume` (paused = false). */
export async function runPausedCommand(ctx: CommandContext, paused: boolean): Promise<number> {
  const o = completeSetPaused(ctx.args, ctx.opts, paused);
  const client = await clientFromGlobals(ctx.globals, ctx.deps);
  try {
    return await runSetPaused(o, client, ctx.deps);
  } finally {
    client.close();
  }
}

/** Runs `pause`. */
export const run = (ctx: CommandContext): Promise<number> => runPausedCommand(ctx, true);
