// `rollout reconcile-once`: one pass of the embedded Kruise Rollout controller per selected
// Rollout, then exit. Every write is a PUT with resourceVersion (or a POST for a new ReplicaSet);
// a 409 re-reads and re-plans that rollout (bounded). Exit 0 when every pass succeeded.
import type { CommandContext } from './context.js';
import type { Deps } from './deps.js';
import { UsageError } from './errors.js';
import { parseRolloutArgs } from './resource-args.js';
import { clientFromGlobals } from '../kube/from-flags.js';
import type { KubeClient } from '../kube/client.js';
import { observeAll, reconcileAll, reconcileOnce, type PassResult, type ReconcileAllOptions } from '../reconcile/apply.js';

/** Validated `reconcile-once` options. */
export interface ReconcileOnceOptions {
  /** Rollout names (empty with --all / -A). */
  names: string[];
  all: boolean;
  allNamespaces: boolean;
  dryRun: boolean;
  output?: 'json';
}

/** Parses and validates arguments and flags; a usage error sends no request. */
export function completeReconcileOnce(args: string[], opts: Record<string, unknown>): ReconcileOnceOptions {
  const all = opts.all === true;
  const allNamespaces = opts.allNamespaces === true;
  if (opts.output !== undefined && opts.output !== 'json') throw new UsageError(`invalid -o "${String(opts.output)}": reconcile-once supports -o json`);
  if (args.length === 0 && !all && !allNamespaces) throw new UsageError('give ROLLOUT… (rollout/NAME or NAME), --all, or -A');
  if (args.length > 0 && (all || allNamespaces)) throw new UsageError('give either rollout names or --all/-A, not both');
  const names = args.length > 0 ? parseRolloutArgs(args) : [];
  return { names, all, allNamespaces, dryRun: opts.dryRun === true, output: opts.output as 'json' | undefined };
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}

/** The stderr line of a failed or refused pass, kubectl style. */
function errorLine(r: PassResult, qualify: boolean): string {
  const text = r.error !== undefined ? errorText(r.error) : (r.plan?.refused ?? '');
  if (/^Error from server/.test(text)) return text;
  return `error: ${qualify ? `${r.key.namespace}/` : ''}${r.key.name}: ${text.replace(/^error: /, '')}`;
}

/** One line of text for a pass: `rollouts-demo: step 1/3 StepUpgrade -> StepPaused (writes: …)`. */
export function renderPassLine(r: PassResult, opts: { qualify: boolean; dryRun: boolean }): string {
  const who = opts.qualify ? `${r.key.namespace}/${r.key.name}` : r.key.name;
  if (r.error !== undefined) return `${who}: error: ${errorText(r.error)}`;
  const plan = r.plan!;
  if (plan.refused) return `${who}: refused: ${plan.refused}`;
  const names = opts.dryRun ? plan.writes.map((w) => (w.op === 'updateStatus' ? `${w.resource}/status` : `${w.resource}/${w.object.metadata.name}`)) : r.written;
  const writes = names.length === 0 ? 'no writes' : `${opts.dryRun ? 'would write' : 'writes'}: ${compact(names).join(', ')}`;
  return `${who}: ${plan.summary} (${writes})`;
}

/** Many pod writes read as `pods ×9`, not nine names. */
function compact(names: string[]): string[] {
  const pods = names.filter((n) => n.startsWith('pods/'));
  if (pods.length <= 3) return names;
  const rest = names.filter((n) => !n.startsWith('pods/'));
  const i = names.findIndex((n) => n.startsWith('pods/'));
  const out = [...rest];
  out.splice(Math.min(i, out.length), 0, `pods ×${pods.length}`);
  return out;
}

/** The JSON object of one pass (-o json prints one per line). */
export function passJson(r: PassResult, dryRun: boolean): Record<string, unknown> {
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
  };
}

/**
 * Runs one pass per selected rollout; returns the exit code (1 if any pass failed or was refused).
 * With --all/-A several rollouts are reconciled at once; the lines still come in list order.
 */
export async function runReconcileOnce(o: ReconcileOnceOptions, client: KubeClient, deps: Deps, passOpts: ReconcileAllOptions = {}): Promise<number> {
  const results: PassResult[] = [];
  const opts = { ...passOpts, dryRun: o.dryRun };
  const emit = (r: PassResult) => {
    results.push(r);
    if (o.output === 'json') deps.io.out.write(`${JSON.stringify(passJson(r, o.dryRun))}\n`);
    else if (r.error !== undefined || r.plan?.refused) deps.io.err.write(`${errorLine(r, o.allNamespaces)}\n`);
    else deps.io.out.write(`${renderPassLine(r, { qualify: o.allNamespaces, dryRun: o.dryRun })}\n`);
  };
  if (o.names.length > 0) {
    for (const name of o.names) emit(await reconcileOnce(client, { namespace: client.namespace, name }, deps.now, opts));
  } else {
    const ns = o.allNamespaces ? undefined : client.namespace;
    const observed = await observeAll(client, ns);
    if (observed.length === 0) {
      deps.io.err.write(ns ? `No resources found in ${ns} namespace.\n` : 'No resources found\n');
      return 0;
    }
    await reconcileAll(client, observed, deps.now, opts, emit);
  }
  return results.every((r) => r.error === undefined && !r.plan?.refused) ? 0 : 1;
}

/** Runs `reconcile-once`. */
export async function run(ctx: CommandContext): Promise<number> {
  const o = completeReconcileOnce(ctx.args, ctx.opts);
  const client = await clientFromGlobals(ctx.globals, ctx.deps);
  try {
    return await runReconcileOnce(o, client, ctx.deps);
  } finally {
    client.close();
  }
}
