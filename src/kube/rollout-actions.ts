// The conflict-safe actions on one Rollout, shared by the CLI's verbs and the dashboard: approve
// (with its --step / --rollout-id guards re-checked after every 409), pause, resume, and undo of
// the workload. Each returns data — written, nothing to do, refused with the CLI's message — and
// leaves printing to its caller.

import {
  type ApproveGuards,
  approvedStepText,
  approveTarget,
  NOT_PAUSED,
  notPausedDetail,
  planApprove,
  recheckAfterConflict,
} from '../rollout/approve.js';
import { planPause, planResume } from '../rollout/pause.js';
import { isCurrentRelease, subStatusOf, workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import { type Rollout, StepState } from '../rollout/types.js';
import { planUndo } from '../rollout/undo.js';
import { formatLabelSelector } from '../workload/label-selector.js';
import type { Deployment, ReplicaSet } from '../workload/types.js';
import type { KubeClient } from './client.js';
import { isNotFound } from './errors.js';
import { Resources } from './resources.js';
import { DefaultRetry, retryOnConflict } from './retry.js';
import { getRollout, mutateRollout } from './rollout-update.js';
import type { KubeObject } from './types.js';

/** What an action did to one rollout. `message` is the CLI's text (after `rollout.rollouts.kruise.io/NAME`, or after `"NAME"` for a refusal). */
export type ActionResult =
  | { kind: 'written'; object: Rollout; message: string; dryRun: boolean }
  | { kind: 'noop'; object: Rollout; message: string; reason: string }
  | { kind: 'refused'; message: string };

/** Approves the step a rollout waits at: GET + PUT /status; a retry never approves a step the first read did not show. */
export async function approveRollout(
  client: KubeClient,
  ns: string,
  name: string,
  guards: ApproveGuards,
  ctx: { now: () => Date; cli: string; dryRun?: boolean },
): Promise<ActionResult> {
  let first: ReturnType<typeof approveTarget> | undefined;
  const cli = { cli: ctx.cli };
  let lastRead: Rollout | undefined;
  let notPaused = false;
  const plan = (ro: Rollout) => {
    const p = planApprove(ro, guards, ctx.now(), cli);
    first ??= p.target;
    lastRead = ro;
    notPaused = p.kind === 'refuse' && p.notPaused === true;
    return p;
  };
  const result = await mutateRollout(client, ns, name, plan, {
    subresource: 'status',
    dryRun: ctx.dryRun === true,
    replan: (fresh) => {
      lastRead = fresh;
      const p = recheckAfterConflict(first!, planApprove(fresh, guards, ctx.now(), cli));
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
    if (notPaused && lastRead) return { kind: 'refused', message: await notPausedMessage(client, ns, lastRead, ctx.cli) };
    return result;
  }
  if (result.kind === 'noop') {
    // "Already approved" must not be said of a release that has not started: right after a
    // workload change the Rollout still shows the previous release, finished. Only this path
    // pays a third request; an approval that writes stays GET + PUT.
    const stale = await staleReleaseMessage(client, ns, result.object, guards);
    if (stale) return { kind: 'refused', message: stale };
    return { kind: 'noop', object: result.object, message: result.reason, reason: result.reason };
  }
  const what = approvedStepText(result.object, first?.stepIndex);
  return { kind: 'written', object: result.object, message: what ? `approved ${what}` : 'approved', dryRun: result.dryRun };
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

/** Pauses (paused true) or resumes a rollout: spec.strategy.paused by GET + PUT, re-planned on 409. */
export async function setRolloutPaused(client: KubeClient, ns: string, name: string, paused: boolean): Promise<ActionResult> {
  const result = await mutateRollout(client, ns, name, paused ? planPause : planResume, {
    dryRun: false,
    // A write that may have landed: it did if the flag now reads as we set it.
    landed: (fresh) => (fresh.spec?.strategy?.paused === true) === paused,
  });
  if (result.kind === 'refused') return result;
  return { kind: 'written', object: result.object as Rollout, message: paused ? 'paused' : 'resumed', dryRun: false };
}

/** What an undo of the workload did: the CLI prints `deployment.apps/NAME …`; a refusal is about the Deployment. */
export type UndoResult =
  | { kind: 'done'; deployment: string; message: string }
  | { kind: 'refused'; deployment: string; message: string }
  | { kind: 'gave-up'; deployment: string }
  | { kind: 'no-workload' }
  | { kind: 'not-deployment'; workloadKind: string; workload: string };

/** Rolls the Rollout's Deployment back to its stable (or the given) revision: GET + LIST + PUT, all again on 409. */
export async function undoRolloutWorkload(client: KubeClient, ns: string, name: string, toRevision?: number): Promise<UndoResult> {
  const { ro } = await getRollout(client, ns, name);
  const ref = workloadRefOf(ro);
  if (!ref) return { kind: 'no-workload' };
  if (ref.kind !== 'Deployment' || !ref.apiVersion.startsWith('apps/'))
    return { kind: 'not-deployment', workloadKind: ref.kind, workload: ref.name };
  const at = ro.metadata.namespace ?? ns;
  let outcome: UndoResult | undefined;
  try {
    await retryOnConflict(DefaultRetry, async () => {
      // Every attempt re-reads what it writes: a retry with the old resourceVersion would only conflict again.
      const d = await client.get<Deployment>(Resources.deployments, at, ref.name);
      const rss = await client.list<ReplicaSet>(Resources.replicaSets, at, { labelSelector: formatLabelSelector(d.spec.selector) });
      const decision = planUndo(ro, d, rss.items, toRevision);
      if (decision.kind === 'refuse') outcome = { kind: 'refused', deployment: ref.name, message: decision.message };
      else if (decision.kind === 'noop') outcome = { kind: 'done', deployment: ref.name, message: decision.reason };
      else {
        // PUT, not PATCH: a Deployment changed since the read must fail (409) and be planned again.
        await client.update(Resources.deployments, at, decision.object);
        outcome = { kind: 'done', deployment: ref.name, message: `rolled back (to revision ${decision.revision})` };
      }
    });
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
    return { kind: 'gave-up', deployment: ref.name };
  }
  return outcome!;
}
