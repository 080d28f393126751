// `rollout reconcile-once`: the embedded Kruise Rollout controller's passes for each selected
// Rollout, then exit. A pass makes one state change as upstream's reconcile does, so each rollout
// gets passes until one changes nothing (it waits for pods, a timed pause or an approval; at most
// MAX_PASSES). Every write is a PUT with resourceVersion (or a POST for a new ReplicaSet); a 409
// re-reads and re-plans that rollout (bounded). Exit 0 when every run succeeded.

import type { KubeClient } from '../kube/client.js';
import { withKubeClient } from '../kube/from-flags.js';
import { observeAll, type PassResult, type ReconcileAllOptions, reconcileAll, reconcileUntilSettled } from '../reconcile/apply.js';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue, ObjectFailures } from './errors.js';
import { inNamespace } from './rollout-mutation.js';
import type { ReconcileOnceOptions } from './rollout-reconcile-once-options.js';

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}

/** What a failed or refused pass says on its `error:` line: the rollout, then why. */
function failureMessage(r: PassResult, qualify: boolean): string {
  const text = r.error !== undefined ? errorText(inNamespace(r.error, r.key.namespace, r.key.name)) : (r.plan?.refused ?? '');
  if (/^Error from server/.test(text)) return text;
  return `${qualify ? `${r.key.namespace}/` : ''}${r.key.name}: ${text.replace(/^error: /, '')}`;
}

/** One line of text for a run: `rollouts-demo: step 1/3 StepUpgrade -> StepPaused (3 passes; writes: …)`, first state to last. */
export function renderPassLine(r: PassResult, opts: { qualify: boolean; dryRun: boolean }): string {
  const who = opts.qualify ? `${r.key.namespace}/${r.key.name}` : r.key.name;
  if (r.error !== undefined) return `${who}: error: ${errorText(r.error)}`;
  if (r.gaveWay)
    return `${who}: gave way to another writer after ${r.attempts} conflicts (${r.written.length === 0 ? 'no writes' : `writes: ${compact(r.written).join(', ')}`})`;
  const plan = r.plan!;
  if (plan.refused) return `${who}: refused: ${plan.refused}`;
  const names = opts.dryRun
    ? plan.writes.map((w) => (w.op === 'updateStatus' ? `${w.resource}/status` : `${w.resource}/${w.object.metadata.name}`))
    : r.written;
  const writes = names.length === 0 ? 'no writes' : `${opts.dryRun ? 'would write' : 'writes'}: ${compact(names).join(', ')}`;
  const passes = (r.passes ?? 1) > 1 ? `${r.passes} passes; ` : '';
  return `${who}: ${plan.summary} (${passes}${writes})`;
}

/** Many pod writes read as `pods ×9`, not nine names; a name written by several passes as `rollouts/status ×4`. */
function compact(names: string[]): string[] {
  const pods = names.filter((n) => n.startsWith('pods/'));
  let out = names;
  if (pods.length > 3) {
    const rest = names.filter((n) => !n.startsWith('pods/'));
    const i = names.findIndex((n) => n.startsWith('pods/'));
    out = [...rest];
    out.splice(Math.min(i, out.length), 0, `pods ×${pods.length}`);
  }
  const counts = new Map<string, number>();
  for (const n of out) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${n} ×${c}` : n));
}

/** The JSON object of one pass (-o json prints one per line). */
function passJson(r: PassResult, dryRun: boolean): Record<string, unknown> {
  const plan = r.plan;
  return {
    namespace: r.key.namespace,
    name: r.key.name,
    ok: r.error === undefined && !plan?.refused,
    from: plan?.transition.from,
    to: plan?.transition.to,
    summary: plan?.summary,
    dryRun,
    writes: dryRun ? (plan?.writes ?? []).map((w) => ({ op: w.op, resource: w.resource, name: w.object.metadata.name })) : r.written,
    ...(plan?.refused ? { refused: plan.refused } : {}),
    ...(plan?.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : {}),
    ...(plan?.status ? { status: plan.status } : {}),
    ...(r.error !== undefined ? { error: errorText(r.error) } : {}),
    attempts: r.attempts,
    passes: r.passes ?? 1,
    ...(r.gaveWay ? { gaveWay: true } : {}),
  };
}

/** Runs `reconcile-once`: connects with the global flags and runs one pass per selected rollout. */
export async function runReconcileOnce(o: ReconcileOnceOptions, deps: Deps): Promise<ExitCodeValue> {
  return withKubeClient(o.globals, deps, (client) => reconcileSelected(o, client, deps));
}

/**
 * Runs one pass per selected rollout; returns the exit code (failure if any pass failed or was refused).
 * With --all/-A several rollouts are reconciled at once; the lines still come in list order.
 */
async function reconcileSelected(
  o: ReconcileOnceOptions,
  client: KubeClient,
  deps: Deps,
  passOpts: ReconcileAllOptions = {},
): Promise<ExitCodeValue> {
  const opts = { ...passOpts, dryRun: o.dryRun };
  const failures = new ObjectFailures(deps.io.err);
  const emit = (r: PassResult) => {
    const failed = r.error !== undefined || Boolean(r.plan?.refused);
    // -o json reports a failed pass in its object (ok: false), not on stderr.
    if (o.output === 'json') {
      deps.io.out.write(`${JSON.stringify(passJson(r, o.dryRun))}\n`);
      if (failed) failures.addShown();
    } else if (failed) failures.add(failureMessage(r, o.allNamespaces));
    else deps.io.out.write(`${renderPassLine(r, { qualify: o.allNamespaces, dryRun: o.dryRun })}\n`);
  };
  if (o.names.length > 0) {
    for (const name of o.names) emit(await reconcileUntilSettled(client, { namespace: client.namespace, name }, deps.now, opts));
  } else {
    const ns = o.allNamespaces ? undefined : client.namespace;
    const observed = await observeAll(client, ns);
    if (observed.length === 0) {
      // kubectl says so on stderr, and it is not an error.
      deps.io.err.write(ns ? `No resources found in ${ns} namespace.\n` : 'No resources found\n');
      return ExitCode.ok;
    }
    await reconcileAll(client, observed, deps.now, opts, emit);
  }
  return failures.exitCode();
}
