// `rollout pause` / `rollout resume`: set or clear spec.strategy.paused through GET + PUT with
// resourceVersion, re-planned on 409. Pausing freezes the step machine and approves nothing;
// resuming thaws it and never touches status (a step in StepPaused still needs approve).

import type { KubeClient } from '../kube/client.js';
import { withKubeClient } from '../kube/from-flags.js';
import { setRolloutPaused } from '../kube/rollout-actions.js';
import type { Deps } from './deps.js';
import { type ExitCodeValue, ObjectFailures } from './errors.js';
import { addRefusal, forEachRollout, printResult } from './rollout-mutation.js';
import type { SetPausedOptions } from './rollout-pause-options.js';

/** Runs `pause` or `resume`: connects with the global flags and sets the flag on each rollout. */
export async function runSetPaused(o: SetPausedOptions, deps: Deps): Promise<ExitCodeValue> {
  return withKubeClient(o.globals, deps, (client) => setPausedRollouts(o, client, deps));
}

/** Pauses or resumes each rollout; returns the exit code (failure if any was refused or failed). */
async function setPausedRollouts(o: SetPausedOptions, client: KubeClient, deps: Deps): Promise<ExitCodeValue> {
  const printed = { printed: 0 };
  const failures = new ObjectFailures(deps.io.err);
  await forEachRollout(o.names, failures, async (name) => {
    const result = await setRolloutPaused(client, client.namespace, name, o.paused);
    if (result.kind === 'refused') return addRefusal(failures, name, result.message);
    return printResult(deps, o.output, result.object, name, result.message, printed);
  });
  return failures.exitCode();
}
