// `rollout undo ROLLOUT… [--to-revision N] [--fast]`. Without --fast: the Rollout's Deployment gets
// the template of its stable (or the given) revision, by GET + PUT with resourceVersion, re-read
// and re-planned on 409; the controller then sees a rollback and cancels the release
// (docs/controller.md §7). With --fast: the Rollout's /status gets a nextStepIndex back to an
// earlier step (a jump, §10), through the same conflict-safe update as approve.
import type { KubeClient } from '../kube/client.js';
import { DefaultRetry } from '../kube/retry.js';
import { undoRolloutWorkload } from '../kube/rollout-actions.js';
import { escapeTerminal } from '../render/escape.js';
import { ROLLOUT_NAME_PREFIX, type Rollout } from '../rollout/types.js';
import { planFastUndo } from '../rollout/undo.js';
import type { Deps } from './deps.js';
import { type ExitCodeValue, ObjectFailures } from './errors.js';
import { addRefusal, forEachRollout, mutateRollout } from './rollout-mutation.js';
import type { UndoOptions } from './rollout-undo-options.js';

/** The one message of each undo failure that is not the plan's. */
export const UndoFailure = {
  notDeployment: (verb: 'undo' | 'history', kind: string, name: string) =>
    `${verb} supports Deployment workloads; the workload is ${escapeTerminal(kind)} "${escapeTerminal(name)}"`,
  noWorkload: 'has no workloadRef: there is no workload to roll back',
  gaveUp: `gave up after ${DefaultRetry.steps} conflicting updates (the workload keeps changing); nothing was written`,
} as const;

/** Runs `rollout undo` on each rollout; exit 1 if any was refused or failed. */
export async function runUndo(o: UndoOptions, deps: Deps): Promise<ExitCodeValue> {
  const { withKubeClient } = await import('../kube/from-flags.js');
  return withKubeClient(o.globals, deps, async (client) => {
    const failures = new ObjectFailures(deps.io.err);
    await forEachRollout(o.names, failures, async (name) => {
      if (o.fast) return undoFast(client, name, deps, failures);
      return undoWorkload(client, name, o.toRevision, deps, failures);
    });
    return failures.exitCode();
  });
}

async function undoFast(client: KubeClient, name: string, deps: Deps, failures: ObjectFailures): Promise<void> {
  let step = 0;
  const result = await mutateRollout(
    client,
    client.namespace,
    name,
    (ro) => {
      const d = planFastUndo(ro);
      if (d.kind === 'write') step = d.step;
      return d;
    },
    { subresource: 'status', dryRun: false, landed: (fresh) => subNext(fresh) === step },
  );
  if (result.kind === 'refused') return addRefusal(failures, name, result.message);
  deps.io.out.write(`${ROLLOUT_NAME_PREFIX}/${name} rolled back (to step ${step})\n`);
}

/** The sub-status' nextStepIndex. */
function subNext(ro: Rollout): number | undefined {
  return (ro.status?.canaryStatus ?? ro.status?.blueGreenStatus)?.nextStepIndex;
}

async function undoWorkload(
  client: KubeClient,
  name: string,
  toRevision: number | undefined,
  deps: Deps,
  failures: ObjectFailures,
): Promise<void> {
  const r = await undoRolloutWorkload(client, client.namespace, name, toRevision);
  if (r.kind === 'no-workload') return addRefusal(failures, name, UndoFailure.noWorkload);
  if (r.kind === 'not-deployment') return failures.add(UndoFailure.notDeployment('undo', r.workloadKind, r.workload));
  const d = escapeTerminal(r.deployment);
  if (r.kind === 'refused') return failures.add(`deployments.apps "${d}" ${r.message}`);
  if (r.kind === 'gave-up') return failures.add(`deployments.apps "${d}" ${UndoFailure.gaveUp}`);
  deps.io.out.write(`deployment.apps/${d} ${r.message}\n`);
}
