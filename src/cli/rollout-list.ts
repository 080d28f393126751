// `rollout list [-A] [-w] [-o json|yaml|wide]`: one LIST of Rollouts (v1beta1, else v1alpha1) as a
// kubectl table; -w then follows the collection with the watch API and prints a row per change.
import type { KubeClient } from '../kube/client.js';
import { ApiError } from '../kube/errors.js';
import { type ResourceRef, Resources } from '../kube/resources.js';
import type { KubeList } from '../kube/types.js';
import { loadYaml } from '../kube/yaml.js';
import { type ListColumns, listCells, listHeader } from '../render/list-text.js';
import { renderTable } from '../render/table.js';
import { type RolloutListRow, sortRows, toRolloutListRow } from '../rollout/list.js';
import type { Rollout } from '../rollout/types.js';
import { commandClock } from '../runtime/clock.js';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue } from './errors.js';
import type { ListOptions } from './rollout-list-options.js';

/** Runs `rollout list`. */
export async function runList(o: ListOptions, deps: Deps): Promise<ExitCodeValue> {
  const { withKubeClient } = await import('../kube/from-flags.js');
  return withKubeClient(o.globals, deps, async (client) => {
    const namespace = o.allNamespaces ? undefined : client.namespace;
    const { list, ref } = await listRollouts(client, namespace);
    const rows = sortRows(list.items.map(toRolloutListRow));
    const columns: ListColumns = { allNamespaces: o.allNamespaces, wide: o.output === 'wide' };
    if (!o.watch) {
      await printRows(rows, o, columns, deps, namespace);
      return ExitCode.ok;
    }
    return watchRows(client, ref, namespace, rows, list.metadata?.resourceVersion, o, columns, deps);
  });
}

/** LIST at v1beta1; a server that serves only v1alpha1 is asked there. */
async function listRollouts(client: KubeClient, namespace: string | undefined): Promise<{ list: KubeList<Rollout>; ref: ResourceRef }> {
  try {
    return { list: await client.list<Rollout>(Resources.rolloutsV1beta1, namespace), ref: Resources.rolloutsV1beta1 };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 404) throw err;
    return { list: await client.list<Rollout>(Resources.rolloutsV1alpha1, namespace), ref: Resources.rolloutsV1alpha1 };
  }
}

/** kubectl's message for an empty list (on stderr, so stdout stays data). */
function noneFound(namespace: string | undefined): string {
  return namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`;
}

async function printRows(rows: RolloutListRow[], o: ListOptions, columns: ListColumns, deps: Deps, namespace: string | undefined) {
  if (o.output === 'json' || o.output === 'yaml') {
    const data = { kind: 'List', apiVersion: 'v1', items: rows };
    deps.io.out.write(o.output === 'json' ? `${JSON.stringify(data, null, 2)}\n` : (await loadYaml()).stringify(data));
    return;
  }
  if (rows.length === 0) {
    deps.io.err.write(noneFound(namespace));
    return;
  }
  const now = deps.now();
  deps.io.out.write(renderTable([listHeader(columns), ...rows.map((r) => listCells(r, columns, now))]));
}

/**
 * Prints the list, then a row whenever a rollout's row changes (its age aside), as `kubectl get -w`;
 * with -o json one row object per line. Runs until Ctrl-C (exit 130, as every interrupted command).
 */
async function watchRows(
  client: KubeClient,
  ref: ResourceRef,
  namespace: string | undefined,
  initial: RolloutListRow[],
  resourceVersion: string | undefined,
  o: ListOptions,
  columns: ListColumns,
  deps: Deps,
): Promise<ExitCodeValue> {
  const { followCollection } = await import('../kube/follow-list.js');
  const json = o.output === 'json';
  // Column widths are fixed by the first rows, as kubectl's watch printer does (later rows may be wider).
  const header = listHeader(columns);
  const widths = header.map((h) => h.length);
  const shown = new Map<string, string>();
  const key = (r: RolloutListRow) => `${r.namespace}/${r.name}`;
  const format = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('   ')}`.trimEnd();
  const print = (r: RolloutListRow, deleted = false) => {
    const cells = listCells(r, columns, deps.now());
    // The row without its age: a row is printed again only when something but time changed.
    const ageAt = header.indexOf('AGE');
    const identity = `${deleted ? 'DELETED ' : ''}${JSON.stringify(cells.filter((_, i) => i !== ageAt))}`;
    if (shown.get(key(r)) === identity) return;
    shown.set(key(r), identity);
    deps.io.out.write(json ? `${JSON.stringify({ ...r, ...(deleted ? { deleted: true } : {}) })}\n` : `${format(cells)}\n`);
  };
  if (!json) {
    const now = deps.now();
    for (const r of initial) {
      listCells(r, columns, now).forEach((c, i) => {
        widths[i] = Math.max(widths[i]!, c.length);
      });
    }
    deps.io.out.write(`${format(header)}\n`);
    if (initial.length === 0) deps.io.err.write(noneFound(namespace));
  }
  for (const r of initial) print(r);
  const stop = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, stop.signal]) : stop.signal;
  await followCollection(
    client,
    ref,
    namespace,
    (ev) => {
      if (ev.type === 'list') {
        // A re-list (after 410 Gone) prints the rows that changed meanwhile.
        for (const r of sortRows(ev.objects.map((x) => toRolloutListRow(x as Rollout)))) print(r);
        return;
      }
      print(toRolloutListRow(ev.object as Rollout), ev.type === 'DELETED');
    },
    signal,
    commandClock,
    { resourceVersion },
  );
  return deps.signal?.aborted ? ExitCode.interrupted : ExitCode.ok;
}
