// `rollout status ROLLOUT… [-w] [--timeout D] [-o json|yaml]`: one GET of the Rollout and one of its
// workload, printed as the rollout view; exit 0 whatever the state. `-w` is `rollout watch --until completed`.

import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import { Resources } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import { loadYaml } from '../kube/yaml.js';
import { workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { type RolloutView, type TrafficObjectView, toRolloutView, toTrafficObjectViews, trafficObjectRefs } from '../rollout/view.js';
import { formatLabelSelector } from '../workload/label-selector.js';
import type { LabelSelector } from '../workload/types.js';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue } from './errors.js';
import { getRollout } from './rollout-mutation.js';
import type { StatusOptions } from './rollout-status-options.js';

/**
 * Reads one rollout and its workload (≤ 2 requests; a missing workload is shown as not found), and
 * while it is Progressing its BatchRelease (one more; none is shown when it does not exist).
 */
async function readRolloutView(client: KubeClient, name: string, now: Date): Promise<RolloutView> {
  const { ro, workload, batchRelease } = await readRolloutObjects(client, name);
  const pods = workload ? await listWorkloadPods(client, workload) : null;
  return toRolloutView(ro, workload, now, batchRelease, pods, await readTrafficObjects(client, ro));
}

/**
 * The canary Ingresses and HTTPRoutes of a Rollout's traffic routing: one GET each (absent ones are
 * shown absent); null when it routes none, or when they cannot be read.
 */
export async function readTrafficObjects(client: KubeClient, ro: Rollout): Promise<TrafficObjectView[] | null> {
  const names = trafficObjectRefs(ro);
  if (names.length === 0) return null;
  const found = await Promise.all(
    names.map(({ kind, name }) =>
      client.get(kind === 'Ingress' ? Resources.ingresses : Resources.httpRoutes, ro.metadata.namespace ?? client.namespace, name).then(
        (o): KubeObject => ({ ...o, kind }),
        (err) => {
          if (isNotFound(err)) return undefined;
          throw err;
        },
      ),
    ),
  ).catch(() => null);
  // Not readable (no permission on Ingresses, say): the view goes without it rather than failing.
  if (!found) return null;
  return toTrafficObjectViews(
    names,
    found.filter((o): o is KubeObject => o !== undefined),
  );
}

/** The pods of a workload: one LIST by its selector (null when it has none to list by). */
export async function listWorkloadPods(client: KubeClient, workload: KubeObject): Promise<KubeObject[] | null> {
  const selector = formatLabelSelector((workload.spec as { selector?: LabelSelector } | undefined)?.selector);
  if (!selector) return null;
  const list = await client.list(Resources.pods, workload.metadata.namespace ?? client.namespace, { labelSelector: selector });
  return list.items;
}

/** The Rollout, its workload (null: not found) and, while Progressing, its BatchRelease. */
async function readRolloutObjects(
  client: KubeClient,
  name: string,
): Promise<{ ro: Rollout; workload: KubeObject | null; batchRelease: KubeObject | null }> {
  const namespace = client.namespace;
  const { ro } = await getRollout(client, namespace, name);
  const ref = workloadRefOf(ro);
  let workload: KubeObject | null = null;
  if (ref) {
    try {
      workload = await client.get(workloadResourceOf(ref), ro.metadata.namespace ?? namespace, ref.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  let batchRelease: KubeObject | null = null;
  if (ro.status?.phase === 'Progressing') {
    try {
      batchRelease = await client.get(Resources.batchReleases, ro.metadata.namespace ?? namespace, ro.metadata.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return { ro, workload, batchRelease };
}

/**
 * Prints the views as text, JSON (one object, or a List for several) or YAML. The text renderer
 * (chalk) and `yaml` are imported only for the format that needs them: start-up time of `-o json`.
 */
async function printViews(
  views: RolloutView[],
  output: StatusOptions['output'],
  deps: Deps,
  color: boolean,
  allPods: boolean,
): Promise<void> {
  if (output === 'text') {
    const [{ chalkFor }, { renderRolloutText }] = await Promise.all([import('./color.js'), import('../render/rollout-text.js')]);
    const chalk = chalkFor({ color }, deps);
    deps.io.out.write(`${views.map((v) => renderRolloutText(v, { chalk, allPods })).join('\n\n')}\n`);
    return;
  }
  const data = views.length === 1 ? views[0] : { kind: 'List', apiVersion: 'v1', items: views };
  if (output === 'json') deps.io.out.write(`${JSON.stringify(data, null, 2)}\n`);
  else deps.io.out.write((await loadYaml()).stringify(data));
}

/** Runs `rollout status`: one read per rollout, printed; with -w, `rollout watch --until completed`. */
export async function runStatus(o: StatusOptions, deps: Deps): Promise<ExitCodeValue> {
  if (o.watch) {
    const { runWatchCommand } = await import('./rollout-watch.js');
    return runWatchCommand(o.watch, deps);
  }
  const { withKubeClient } = await import('../kube/from-flags.js');
  return withKubeClient(o.globals, deps, async (client) => {
    const views: RolloutView[] = [];
    for (const name of o.names) views.push(await readRolloutView(client, name, deps.now()));
    await printViews(views, o.output, deps, o.globals.color, o.pods);
    return ExitCode.ok;
  });
}
