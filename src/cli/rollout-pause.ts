// `rollout pause`: set spec.strategy.paused through GET + PUT with resourceVersion, re-planned on 409.
// Pausing freezes the step machine; it approves nothing.
import type { CommandContext } from './context.js';
import type { Deps } from './deps.js';
import { parseRolloutArgs } from './resource-args.js';
import { forEachRollout, mutateRollout, parseMutationOutput, printRefusal, printResult, type MutationOutput } from './rollout-mutation.js';
import { clientFromGlobals } from '../kube/from-flags.js';
import type { KubeClient } from '../kube/client.js';
import { planPause } from '../rollout/pause.js';

/** Validated `pause` options. */
export interface PauseOptions {
  names: string[];
  output: MutationOutput;
}

/** Parses and validates arguments and flags; a usage error sends no request. */
export function completePause(args: string[], opts: Record<string, unknown>): PauseOptions {
  return { names: parseRolloutArgs(args), output: parseMutationOutput(opts.output) };
}

/** Pauses each rollout; returns the exit code (1 if any was refused or failed). */
export async function runPause(o: PauseOptions, client: KubeClient, deps: Deps): Promise<number> {
  const printed = { printed: 0 };
  let refused = false;
  const code = await forEachRollout(o.names, deps, async (name) => {
    const result = await mutateRollout(client, client.namespace, name, planPause, {
      dryRun: false,
      // A write that may have landed: it did if the flag now reads as we set it.
      landed: (fresh) => (fresh.spec?.strategy?.paused === true) === true,
    });
    if (result.kind === 'refused') {
      refused = true;
      return printRefusal(deps, name, result.message);
    }
    return printResult(deps, o.output, result.object, name, 'paused', printed);
  });
  return refused ? 1 : code;
}

/** Runs `pause`. */
export async function run(ctx: CommandContext): Promise<number> {
  const o = completePause(ctx.args, ctx.opts);
  const client = await clientFromGlobals(ctx.globals, ctx.deps);
  try {
    return await runPause(o, client, ctx.deps);
  } finally {
    client.close();
  }
}
