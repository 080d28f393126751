// `rollout resume`: clear spec.strategy.paused through GET + PUT with resourceVersion, re-planned on 409.
// Resume is not approve: status (a step in StepPaused) is never touched.
import type { CommandContext } from './context.js';
import type { Deps } from './deps.js';
import { parseRolloutArgs } from './resource-args.js';
import { forEachRollout, mutateRollout, parseMutationOutput, printRefusal, printResult, type MutationOutput } from './rollout-mutation.js';
import { clientFromGlobals } from '../kube/from-flags.js';
import type { KubeClient } from '../kube/client.js';
import { planResume } from '../rollout/pause.js';

/** Validated `resume` options. */
export interface ResumeOptions {
  names: string[];
  output: MutationOutput;
}

/** Parses and validates arguments and flags; a usage error sends no request. */
export function completeResume(args: string[], opts: Record<string, unknown>): ResumeOptions {
  return { names: parseRolloutArgs(args), output: parseMutationOutput(opts.output) };
}

/** Resumes each rollout; returns the exit code (1 if any was refused or failed). */
export async function runResume(o: ResumeOptions, client: KubeClient, deps: Deps): Promise<number> {
  const printed = { printed: 0 };
  let refused = false;
  const code = await forEachRollout(o.names, deps, async (name) => {
    const result = await mutateRollout(client, client.namespace, name, planResume, {
      dryRun: false,
      // A write that may have landed: it did if the flag now reads as we set it.
      landed: (fresh) => (fresh.spec?.strategy?.paused === true) === false,
    });
    if (result.kind === 'refused') {
      refused = true;
      return printRefusal(deps, name, result.message);
    }
    return printResult(deps, o.output, result.object, name, 'resumed', printed);
  });
  return refused ? 1 : code;
}

/** Runs `resume`. */
export async function run(ctx: CommandContext): Promise<number> {
  const o = completeResume(ctx.args, ctx.opts);
  const client = await clientFromGlobals(ctx.globals, ctx.deps);
  try {
    return await runResume(o, client, ctx.deps);
  } finally {
    client.close();
  }
}
