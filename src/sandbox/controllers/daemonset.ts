// The sandbox's Advanced DaemonSet controller (`apps.kruise.io/v1alpha1`): what OpenKruise's
// DaemonSet controller does that a rollout depends on (docs/sandbox-kinds.md §6) — one pod per node
// (the Node objects stored, else DEFAULT_SANDBOX_NODES), one ControllerRevision per template, pods
// labelled with its hash, `rollingUpdate.partition` (pods kept at the old revision; the nodes
// updated first are the last by name, as Kruise's filterDaemonPodsNodeToUpdate), `paused`,
// recreate updates within `maxUnavailable`, and the status counts with `daemonSetHash`.

import { CONTROLLER_REVISION_HASH_LABEL } from '../../workload/cloneset.js';
import { ADVANCED_DAEMONSET_RESOURCE, type AdvancedDaemonSet, daemonPartition } from '../../workload/daemonset.js';
import { controllerRef } from '../../workload/deployment.js';
import { canonicalJson, podTemplateHash } from '../../workload/hash.js';
import { scaledValue } from '../../workload/intstr.js';
import { isPodReady } from '../../workload/pods.js';
import type { Pod } from '../../workload/types.js';
import { type ControllerRevision, newRevision } from './cloneset.js';
import { podAvailability } from './pod.js';
import type { ControllerAction, ControllerResult } from './types.js';

/** What one pass is given: the DaemonSet, the nodes it runs on, its pods and ControllerRevisions. */
export interface DaemonSetInput {
  ds: AdvancedDaemonSet;
  nodes: string[];
  pods: Pod[];
  revisions: ControllerRevision[];
  now: Date;
  randomSuffix: () => string;
  hashSalt?: string;
}

const hashOf = (pod: Pod): string => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

/** One pass over one Advanced DaemonSet; re-run whenever it, one of its pods or a Node changes. */
export function reconcileDaemonSet(input: DaemonSetInput): ControllerResult {
  const { ds, now } = input;
  if (ds.metadata.deletionTimestamp) return { actions: [] };
  const actions: ControllerAction[] = [];
  const hash = podTemplateHash(ds.spec.template, input.hashSalt);
  const revisionName = `${ds.metadata.name}-${hash}`;
  if (!input.revisions.some((r) => r.metadata.name === revisionName))
    actions.push({ op: 'create', resource: 'controllerrevisions', object: newRevision(ds, revisionName, input.revisions) });

  const nodes = [...new Set(input.nodes)].sort();
  const wanted = new Set(nodes);
  const onNode = new Map<string, Pod>();
  const taken = new Set(input.pods.map((p) => p.metadata.name));
  for (const p of input.pods) {
    if (p.metadata.deletionTimestamp) continue;
    const node = String(p.spec?.nodeName ?? '');
    // A pod on a node that is gone, or a second pod on a node, goes.
    if (!wanted.has(node) || onNode.has(node)) actions.push({ op: 'delete', resource: 'pods', object: p });
    else onNode.set(node, p);
  }
  const create = (node: string): void => {
    const pod = newPod(ds, node, hash, input.randomSuffix, taken);
    actions.push({ op: 'create', resource: 'pods', object: pod });
    onNode.set(node, pod);
  };
  // Missing pods are created from the current template (as Kruise and the native controller do).
  for (const node of nodes) if (!onNode.has(node)) create(node);

  // Rolling update: at most `nodes − partition` nodes updated, the last by name first; an old pod is
  // recreated only within maxUnavailable.
  const rolling = ds.spec.updateStrategy?.rollingUpdate ?? {};
  const onDelete = ds.spec.updateStrategy?.type === 'OnDelete';
  if (!onDelete && !rolling.paused) {
    const maxUpdate = Math.max(0, nodes.length - Math.max(0, daemonPartition(ds)));
    let updated = nodes.filter((n) => hashOf(onNode.get(n)!) === hash).length;
    let budget = maxUnavailableOf(ds, nodes.length) - nodes.filter((n) => !isPodReady(onNode.get(n)!)).length;
    for (let i = nodes.length - 1; i >= 0 && updated < maxUpdate && budget > 0; i--) {
      const old = onNode.get(nodes[i]!)!;
      if (hashOf(old) === hash) continue;
      actions.push({ op: 'delete', resource: 'pods', object: old });
      create(nodes[i]!);
      updated++;
      if (isPodReady(old)) budget--;
    }
  }

  const pods = [...onNode.values()];
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  let requeueAfterMs: number | undefined;
  const available = (p: Pod): boolean => {
    const a = podAvailability(p, minReadySeconds, now);
    if (!a.available && a.remainingMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, a.remainingMs);
    return a.available;
  };
  const numberAvailable = pods.filter(available).length;
  const status: NonNullable<AdvancedDaemonSet['status']> = {
    ...(ds.status ?? {}),
    observedGeneration: ds.metadata.generation ?? 0,
    desiredNumberScheduled: nodes.length,
    currentNumberScheduled: pods.length,
    numberMisscheduled: 0,
    numberReady: pods.filter(isPodReady).length,
    updatedNumberScheduled: pods.filter((p) => hashOf(p) === hash).length,
    numberAvailable,
    numberUnavailable: nodes.length - numberAvailable,
    daemonSetHash: hash,
  };
  if (canonicalJson(status) !== canonicalJson(ds.status ?? {}))
    actions.push({ op: 'updateStatus', resource: ADVANCED_DAEMONSET_RESOURCE, object: { ...ds, status } });
  return requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs };
}

/** maxUnavailable in pods (Kruise's default 1; rounded up as the native DaemonSet does; at least 1). */
function maxUnavailableOf(ds: AdvancedDaemonSet, nodes: number): number {
  try {
    return Math.max(1, scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, nodes, true));
  } catch {
    return 1;
  }
}

function newPod(ds: AdvancedDaemonSet, node: string, hash: string, randomSuffix: () => string, taken: Set<string | undefined>): Pod {
  let id = randomSuffix();
  for (let i = 0; taken.has(`${ds.metadata.name}-${id}`) && i < 100; i++) id = randomSuffix();
  const name = `${ds.metadata.name}-${id}`;
  taken.add(name);
  const copy = structuredClone(ds.spec.template);
  const metadata: Pod['metadata'] = {
    name,
    namespace: ds.metadata.namespace,
    labels: { ...(copy.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
    ownerReferences: [controllerRef(ds)],
  };
  if (copy.metadata?.annotations) metadata.annotations = { ...copy.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { ...((copy.spec ?? { containers: [] }) as Pod['spec']), nodeName: node } };
}
