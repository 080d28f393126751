// `rollout approve`: StepPaused → StepReady through GET + PUT /status with resourceVersion
// (the guide's "use update, not patch"); guards --step and --rollout-id; 409 → re-read, re-check.

import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { withKubeClient } from '../kube/from-flags.js';
import type { KubeObject } from '../kube/types.js';
import {
  type ApproveGuards,
  approvedStepText,
  approveTarget,
  NOT_PAUSED,
  notPausedDetail,
  planApprove,
  recheckAfterConflict,
} from '../rollout/approve.js';
import { isCurrentRelease, subStatusOf, workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import { type Rollout, StepState } from '../rollout/types.js';
import type { Deps } from './deps.js';
import { type ExitCodeValue, ObjectFailures } from './errors.js';
import type { ApproveOptions } from './rollout-approve-options.js';
import { addRefusal, forEachRollout, mutateRollout, printResult } from './rollout-mutation.js';

/** Runs `approve`: connects with the global flags and approves each rollout. */
export async function runApprove(o: ApproveOptions, deps: Deps): Promise<ExitCodeValue> {
  return withKubeClient(o.globals, deps, (client) => approveRollouts(o, client, deps));
}

/** Approves each rollout; returns the exit code (failure if any was refused or failed). */
async function approveRollouts(o: ApproveOptions, client: KubeClient, deps: Deps): Promise<ExitCodeValue> {
  const ns = client.namespace;
  const printed = { printed: 0 };
  const failures = new ObjectFailures(deps.io.err);
  await forEachRollout(o.names, failures, async (name) => {
    let first: ReturnType<typeof approveTarget> | undefined;
    const cli = { cli: deps.invokedAs };
    let lastRead: Rollout | undefined;
    let notPaused = false;
    const plan = (ro: Rollout) => {
      const p = planApprove(ro, o.guards, deps.now(), cli);
      first ??= p.target;
      lastRead = ro;
      notPaused = p.kind === 'refuse' && p.notPaused === true;
      return p;
    };
    const result = await mutateRollout(client, ns, name, plan, {
      subresource: 'status',
      dryRun: o.dryRun,
      // A retry never approves a step the user did not see.
      replan: (fresh) => {
        lastRead = fresh;
        const p = recheckAfterConflict(first!, planApprove(fresh, o.guards, deps.now(), cli));
        notPaused = p.kind === 'refuse' && p.notPaused === true;
        return p;
      },
      landed: (fresh) => {
        const t = approveTarget(fresh);
        const sub = fresh.status?.canaryStatus ?? fresh.status?.blueGreenStatus;
        return t.stepIndex === first!.stepIndex && t.rolloutId === first!.rolloutId && sub?.currentStepState === StepState.StepReady;
      },
    });
    if (result.kind === 'refused') {
      // Only a refusal pays a third request: the workload, for the planned pods of the step.
      if (notPaused && lastRead) return addRefusal(failures, name, await notPausedMessage(client, ns, lastRead, deps.invokedAs));
      return addRefusal(failures, name, result.message);
    }
    if (result.kind === 'noop') {
      // "Already approved" must not be said of a release that has not started: right after a
      // workload change the Rollout still shows the previous release, finished. Only this path
      // pays a third request; an approval that writes stays GET + PUT.
      const stale = await staleReleaseMessage(client, ns, result.object, o.guards);
      if (stale) return addRefusal(failures, name, stale);
      return printResult(deps, o.output, result.object, name, result.reason, printed);
    }
    const what = approvedStepText(result.object, first?.stepIndex);
    const verb = what ? `approved ${what}` : 'approved';
    if (result.dryRun && !o.output) return void deps.io.out.write(`rollout.rollouts.kruise.io/${name} ${verb} (dry run)\n`);
    return printResult(deps, o.output, result.object, name, verb, printed);
  });
  return failures.exitCode();
}

/** The not-'StepPaused' refusal with the planned pods of the step (read from the workload when it can be). */
async function notPausedMessage(client: KubeClient, ns: string, ro: Rollout, cli: string): Promise<string> {
  const ref = workloadRefOf(ro);
  let workload: KubeObject | null = null;
  if (ref) {
    try {
      workload = await client.get(workloadResourceOf(ref), ns, ref.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const word = subStatusOf(ro)?.kind === 'blueGreenStatus' ? 'blue-green' : 'canary';
  return `${NOT_PAUSED(word)}: ${notPausedDetail(ro, workload, cli)}`;
}

/** Why a status cannot vouch for "already approved": it belongs to an earlier release of the workload. */
async function staleReleaseMessage(client: KubeClient, ns: string, ro: Rollout, guards: ApproveGuards): Promise<string | undefined> {
  const ref = workloadRefOf(ro);
  if (!ref) return undefined;
  let workload: KubeObject;
  try {
    workload = await client.get(workloadResourceOf(ref), ns, ref.name);
  } catch (err) {
    // No workload, no newer release to confuse with: the status is all there is.
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (isCurrentRelease(ro, workload)) return undefined;
  const seen = subStatusOf(ro)?.status.observedWorkloadGeneration;
  const wait = `rollout watch ${ro.metadata.name} --until paused${guards.step !== undefined ? ` --step ${guards.step}` : ''}`;
  return `does not allow to approve: the status is from an earlier release (it observed ${ref.kind} generation ${seen ?? 'none'}, the ${ref.kind} is at ${workload.metadata.generation}); the controller has not started the current release yet: wait for it with \`${wait}\`; nothing was written`;
}
