// `rollout history ROLLOUT [-o json|yaml]`: reads the Rollout, its Deployment, the Deployment's
// ReplicaSets and (when the cluster serves them) RolloutHistory objects; writes nothing.
import { ApiError } from '../kube/errors.js';
import { Resources } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import { loadYaml } from '../kube/yaml.js';
import { renderHistoryText } from '../render/history-text.js';
import { toHistoryView } from '../rollout/history.js';
import { workloadRefOf } from '../rollout/release.js';
import { ROLLOUT_QUALIFIED_RESOURCE } from '../rollout/types.js';
import { formatLabelSelector } from '../workload/label-selector.js';
import type { Deployment, ReplicaSet } from '../workload/types.js';
import type { Deps } from './deps.js';
import { CliError, ExitCode, type ExitCodeValue } from './errors.js';
import type { HistoryOptions } from './rollout-history-options.js';
import { getRollout } from './rollout-mutation.js';
import { UndoFailure } from './rollout-undo.js';

const ROLLOUT_HISTORIES = {
  group: 'rollouts.kruise.io',
  version: 'v1alpha1',
  resource: 'rollouthistories',
  kind: 'RolloutHistory',
  namespaced: true,
} as const;

/** Runs `rollout history`. */
export async function runHistory(o: HistoryOptions, deps: Deps): Promise<ExitCodeValue> {
  const { withKubeClient } = await import('../kube/from-flags.js');
  return withKubeClient(o.globals, deps, async (client) => {
    const { ro } = await getRollout(client, client.namespace, o.name);
    const ref = workloadRefOf(ro);
    if (!ref) throw new CliError(`${ROLLOUT_QUALIFIED_RESOURCE} "${o.name}" ${UndoFailure.noWorkload}`);
    if (ref.kind !== 'Deployment') throw new CliError(UndoFailure.notDeployment('history', ref.kind, ref.name));
    const ns = ro.metadata.namespace ?? client.namespace;
    const d = await client.get<Deployment>(Resources.deployments, ns, ref.name);
    const rss = await client.list<ReplicaSet>(Resources.replicaSets, ns, { labelSelector: formatLabelSelector(d.spec.selector) });
    let histories: KubeObject[] = [];
    try {
      histories = (await client.list(ROLLOUT_HISTORIES, ns)).items;
    } catch (err) {
      // A cluster without the RolloutHistory CRD (or without read access to it) has no records to show.
      if (!(err instanceof ApiError) || (err.code !== 404 && err.code !== 403)) throw err;
    }
    const view = toHistoryView(ro, d, rss.items, histories);
    if (o.output === 'json') deps.io.out.write(`${JSON.stringify(view, null, 2)}\n`);
    else if (o.output === 'yaml') deps.io.out.write((await loadYaml()).stringify(view));
    else deps.io.out.write(renderHistoryText(view, deps.now()));
    return ExitCode.ok;
  });
}
