// Shared by approve, pause, resume and undo: run each rollout, collect refusals, print kubectl's
// name line or the object as written. The conflict-safe update itself is src/kube/rollout-update.ts.

import { ApiError } from '../kube/errors.js';
import { loadYaml } from '../kube/yaml.js';
import type { Rollout } from '../rollout/types.js';
import { ROLLOUT_NAME_PREFIX, ROLLOUT_QUALIFIED_RESOURCE } from '../rollout/types.js';
import type { Deps } from './deps.js';
import type { ObjectFailures } from './errors.js';
import type { MutationOutput } from './flags.js';

export { getRollout, inNamespace, mutateRollout } from '../kube/rollout-update.js';

/** Runs `each` for every name; an object's API answer (404, 403, 422…) is that object's failure, and the others still run. */
export async function forEachRollout(names: string[], failures: ObjectFailures, each: (name: string) => Promise<void>): Promise<void> {
  for (const name of names) {
    try {
      await each(name);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failures.add(err.message);
    }
  }
}

/** A refused rollout: `error: rollouts.rollouts.kruise.io "NAME" <message>`. */
export function addRefusal(failures: ObjectFailures, name: string, message: string): void {
  failures.add(`${ROLLOUT_QUALIFIED_RESOURCE} "${name}" ${message}`);
}

/** Prints a result: the name line with `verb` (or the object with -o). Objects are separated for yaml. */
export async function printResult(
  deps: Deps,
  output: MutationOutput,
  object: Rollout,
  name: string,
  verb: string,
  state: { printed: number },
): Promise<void> {
  const out = deps.io.out;
  if (output === 'name') out.write(`${ROLLOUT_NAME_PREFIX}/${name}\n`);
  else if (output === 'json') out.write(`${JSON.stringify(object, null, 4)}\n`);
  else if (output === 'yaml') {
    const { stringify } = await loadYaml();
    out.write(`${state.printed > 0 ? '---\n' : ''}${stringify(object)}`);
  } else out.write(`${ROLLOUT_NAME_PREFIX}/${name} ${verb}\n`);
  state.printed++;
}
