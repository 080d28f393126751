// The conflict-safe update of a Rollout, for every caller (the CLI's verbs and the dashboard):
// read it (v1beta1, else v1alpha1), plan from what was read, PUT with resourceVersion, and on 409
// read again and plan again. Answers that are not a Rollout are refused, never written back.

import type { Rollout } from '../rollout/types.js';
import { ROLLOUT_QUALIFIED_RESOURCE } from '../rollout/types.js';
import type { KubeClient } from './client.js';
import { ApiError, isConflict, isObjectNotFound, TransportError } from './errors.js';
import { type ResourceRef, Resources, resourcePath } from './resources.js';
import { DefaultRetry, type RetryHooks, retryOnConflict } from './retry.js';

/** An answer no Rollout can be read from (a missing API, a 200 that is not a Rollout): one `error:` line, exit 1. */
export class RolloutReadError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'RolloutReadError';
  }
}

/** A Rollout as read, with the API version it was read at (writes go to the same one). */
export interface ReadRollout {
  ro: Rollout;
  ref: ResourceRef;
}

/** A NotFound for a Rollout names the namespace searched (a wrong -n is the usual cause). */
export function inNamespace(err: unknown, ns: string, name: string): unknown {
  if (!isObjectNotFound(err, name) || err.status.message?.includes(' in namespace ')) return err;
  const message = `${err.status.message ?? `${ROLLOUT_QUALIFIED_RESOURCE} "${name}" not found`} in namespace "${ns}"`;
  return new ApiError({ ...err.status, message }, err.request);
}

/** GETs a Rollout at v1beta1; a server without v1beta1 (a 404 that is not about the object) is asked at v1alpha1. */
export async function getRollout(client: KubeClient, ns: string, name: string, ref?: ResourceRef): Promise<ReadRollout> {
  try {
    return await getRolloutAt(client, ns, name, ref);
  } catch (err) {
    throw inNamespace(err, ns, name);
  }
}

async function getRolloutAt(client: KubeClient, ns: string, name: string, ref?: ResourceRef): Promise<ReadRollout> {
  if (ref) return { ro: checkedRollout(await client.get<Rollout>(ref, ns, name), ref, ns, name), ref };
  try {
    const ro = await client.get<Rollout>(Resources.rolloutsV1beta1, ns, name);
    return { ro: checkedRollout(ro, Resources.rolloutsV1beta1, ns, name), ref: Resources.rolloutsV1beta1 };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 404 || isObjectNotFound(err, name)) throw err;
    let ro: Rollout;
    try {
      ro = await client.get<Rollout>(Resources.rolloutsV1alpha1, ns, name);
    } catch (err2) {
      if (isObjectNotFound(err2, name)) throw err2;
      // Neither version is served: the CRD is missing, which a bare "not found" would hide.
      if (err2 instanceof ApiError && err2.code === 404) {
        throw new RolloutReadError(
          'the server has no rollouts.kruise.io API (neither v1beta1 nor v1alpha1 is served); is Kruise Rollouts installed in this cluster? (check --context/--server)',
        );
      }
      throw err;
    }
    return { ro: checkedRollout(ro, Resources.rolloutsV1alpha1, ns, name), ref: Resources.rolloutsV1alpha1 };
  }
}

/** A 200 that is not a Rollout (a proxy, a wrong --server) must never be planned on, written back or reported as written. */
function checkedRollout(ro: unknown, ref: ResourceRef, ns: string, name: string, method = 'GET'): Rollout {
  const where = `${method} ${resourcePath(ref, ns, name)}`;
  if (!ro || typeof ro !== 'object' || Array.isArray(ro)) {
    throw new RolloutReadError(
      `the server answered ${where} with something that is not a Kubernetes object; check --server (is it a Kubernetes API server?)`,
    );
  }
  const o = ro as { kind?: unknown; apiVersion?: unknown; metadata?: { name?: unknown } };
  if (
    o.kind !== 'Rollout' ||
    typeof o.apiVersion !== 'string' ||
    !o.apiVersion.startsWith('rollouts.kruise.io/') ||
    o.metadata?.name !== name
  ) {
    const what =
      typeof o.kind === 'string' && o.kind
        ? `a ${o.kind}${typeof o.apiVersion === 'string' ? ` (${o.apiVersion})` : ''}`
        : 'an object without a kind';
    throw new RolloutReadError(
      `the server answered ${where} with ${what}, not a Rollout named "${name}"; check --server (is it a Kubernetes API server?)`,
    );
  }
  return ro as Rollout;
}

/** What a planner decides for one Rollout as read. */
export type MutationDecision = { kind: 'write'; object: Rollout } | { kind: 'noop'; reason: string } | { kind: 'refuse'; message: string };

/** The outcome for one Rollout. */
export type MutationResult =
  | { kind: 'written'; object: Rollout; dryRun: boolean }
  | { kind: 'noop'; object: Rollout; reason: string }
  | { kind: 'refused'; message: string };

/** Hooks for the update loop; `sleep`/`random` are injected so tests do not wait. */
export interface MutateOptions extends RetryHooks {
  subresource?: 'status';
  dryRun: boolean;
  /**
   * Re-plans after a conflict (or an uncertain write) from the fresh read. Default: `plan`.
   * approve uses it to refuse a step the user did not see.
   */
  replan?: (fresh: Rollout) => MutationDecision;
  /** After a write whose outcome is unknown (5xx, reset): did the fresh read show it landed? */
  landed?: (fresh: Rollout) => boolean;
}

/**
 * GET → plan → PUT with resourceVersion; on 409 re-GET and re-plan (client-go's RetryOnConflict
 * with DefaultRetry). A write that failed without an answer (5xx, reset) is re-read once: if it
 * landed it counts, otherwise it is planned and sent once more.
 */
export async function mutateRollout(
  client: KubeClient,
  ns: string,
  name: string,
  plan: (ro: Rollout) => MutationDecision,
  o: MutateOptions,
): Promise<MutationResult> {
  let { ro, ref } = await getRollout(client, ns, name);
  let uncertainRetries = 1;
  /** The resourceVersion our unanswered write was based on: a re-read at another one may carry it. */
  let uncertainFrom: string | undefined;
  try {
    return await retryOnConflict(
      DefaultRetry,
      async (n) => {
        if (n > 1) ({ ro, ref } = await getRollout(client, ns, name, ref));
        let decision = n > 1 ? (o.replan ?? plan)(ro) : plan(ro);
        for (;;) {
          if (decision.kind === 'refuse')
            return { kind: 'refused', message: afterUncertainWrite(decision.message, uncertainFrom, ro, name) };
          if (decision.kind === 'noop') return { kind: 'noop', object: ro, reason: decision.reason };
          if (o.dryRun) return { kind: 'written', object: decision.object, dryRun: true };
          try {
            const answer = await client.update<Rollout>(ref, ns, decision.object, o.subresource ? { subresource: o.subresource } : {});
            const written = checkedRollout(answer, ref, ns, name, 'PUT');
            // The answer is the object as stored: it must show what was written.
            if (o.landed && !o.landed(written)) {
              throw new RolloutReadError(
                `the server answered PUT ${resourcePath(ref, ns, name)}${o.subresource ? `/${o.subresource}` : ''} with a Rollout that does not show the change; it may not have been written: check with \`rollout status ${name}\``,
              );
            }
            return { kind: 'written', object: written, dryRun: false };
          } catch (err) {
            const uncertain =
              (err instanceof ApiError && err.code >= 500) ||
              (err instanceof TransportError && (err.failure === 'reset' || err.failure === 'non-json' || err.failure === 'invalid'));
            if (!uncertain || uncertainRetries-- <= 0) throw err;
            uncertainFrom = ro.metadata.resourceVersion;
            ({ ro, ref } = await getRollout(client, ns, name, ref));
            if (o.landed?.(ro)) return { kind: 'written', object: ro, dryRun: false };
            decision = (o.replan ?? plan)(ro);
          }
        }
      },
      o,
    );
  } catch (err) {
    if (!isConflict(err)) throw err;
    return {
      kind: 'refused',
      message: `gave up after ${DefaultRetry.steps} conflicting updates (the object keeps changing); nothing was written`,
    };
  }
}

/**
 * A refusal after a write whose answer was an error: "nothing was written" holds only when the
 * object is still at the version that write was based on. Otherwise the rollout changed since, and
 * the change may be ours (a 500 whose write landed, then the controller moved on): say so.
 */
function afterUncertainWrite(message: string, uncertainFrom: string | undefined, fresh: Rollout, name: string): string {
  if (uncertainFrom === undefined || fresh.metadata.resourceVersion === uncertainFrom) return message;
  return `${message.replace(/; nothing was written$/, '')}; the earlier write was answered with an error and the rollout has changed since, so that write may have landed: check with \`rollout status ${name}\``;
}
