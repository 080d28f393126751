// `rollout undo ROLLOUT… [--to-revision N] [--fast]`. Without --fast: the Rollout's Deployment gets
// the template of its stable (or the given) revision, by GET + PUT with resourceVersion, re-read
// and re-planned on 409; the controller then sees a rollback and cancels the release
// (docs/controller.md §7). With --fast: the Rollout's /status gets a nextStepIndex back to an
// earlier step (a jump, §10), through the same conflict-safe update as approve.
import type { KubeClient } from '../kube/client.js';
import { Resources } from '../kube/resources.js';
import { DefaultRetry, retryOnConflict } from '../kube/retry.js';
import { escapeTerminal } from '../render/escape.js';
import { workloadRefOf } from '../rollout/release.js';
import { ROLLOUT_NAME_PREFIX, type Rollout } from '../rollout/types.js';
import { planFastUndo, planUndo } from '../rollout/undo.js';
import { formatLabelSelector } from '../workload/label-selector.js';
import type { Deployment, ReplicaSet } from '../workload/types.js';
import type { Deps } from './deps.js';
import { type ExitCodeValue, ObjectFailures } from './errors.js';
import { addRefusal, forEachRollout, getRollout, mutateRollout } from './rollout-mutation.js';
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
  const { ro } = await getRollout(client, client.namespace, name);
  const ref = workloadRefOf(ro);
  if (!ref) return addRefusal(failures, name, UndoFailure.noWorkload);
  if (ref.kind !== 'Deployment' || !ref.apiVersion.startsWith('apps/'))
    return failures.add(UndoFailure.notDeployment('undo', ref.kind, ref.name));
  const ns = ro.metadata.namespace ?? client.namespace;
  let outcome: string | undefined;
  try {
    await retryOnConflict(DefaultRetry, async () => {
      // Every attempt re-reads what it writes: a retry with the old resourceVersion would only conflict again.
      const d = await client.get<Deployment>(Resources.deployments, ns, ref.name);
      const rss = await client.list<ReplicaSet>(Resources.replicaSets, ns, { labelSelector: formatLabelSelector(d.spec.selector) });
      const decision = planUndo(ro, d, rss.items, toRevision);
      if (decision.kind === 'refuse') {
        failures.add(`deployments.apps "${escapeTerminal(ref.name)}" ${decision.message}`);
        return;
      }
      if (decision.kind === 'noop') {
        outcome = `deployment.apps/${escapeTerminal(ref.name)} ${decision.reason}`;
        return;
      }
      // PUT, not PATCH: a Deployment changed since the read must fail (409) and be planned again.
      await client.update(Resources.deployments, ns, decision.object);
      outcome = `deployment.apps/${escapeTerminal(ref.name)} rolled back (to revision ${decision.revision})`;
    });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
    return failures.add(`deployments.apps "${escapeTerminal(ref.name)}" ${UndoFailure.gaveUp}`);
  }
  if (outcome) deps.io.out.write(`${outcome}\n`);
}
