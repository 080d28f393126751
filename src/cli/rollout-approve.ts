// `rollout approve`: StepPaused → StepReady through GET + PUT /status with resourceVersion
// (the guide's "use update, not patch"); guards --step and --rollout-id; 409 → re-read, re-check.

import type { KubeClient } from '../kube/client.js';
import { withKubeClient } from '../kube/from-flags.js';
import { approveRollout } from '../kube/rollout-actions.js';
import type { Deps } from './deps.js';
import { type ExitCodeValue, ObjectFailures } from './errors.js';
import type { ApproveOptions } from './rollout-approve-options.js';
import { addRefusal, forEachRollout, printResult } from './rollout-mutation.js';

/** Runs `approve`: connects with the global flags and approves each rollout. */
export async function runApprove(o: ApproveOptions, deps: Deps): Promise<ExitCodeValue> {
  return withKubeClient(o.globals, deps, (client) => approveRollouts(o, client, deps));
}

/** Approves each rollout; returns the exit code (failure if any was refused or failed). */
async function approveRollouts(o: ApproveOptions, client: KubeClient, deps: Deps): Promise<ExitCodeValue> {
  const printed = { printed: 0 };
  const failures = new ObjectFailures(deps.io.err);
  await forEachRollout(o.names, failures, async (name) => {
    const result = await approveRollout(client, client.namespace, name, o.guards, {
      now: deps.now,
      cli: deps.invokedAs,
      dryRun: o.dryRun,
    });
    if (result.kind === 'refused') return addRefusal(failures, name, result.message);
    if (result.kind === 'written' && result.dryRun && !o.output)
      return void deps.io.out.write(`rollout.rollouts.kruise.io/${name} ${result.message} (dry run)\n`);
    return printResult(deps, o.output, result.object, name, result.message, printed);
  });
  return failures.exitCode();
}
