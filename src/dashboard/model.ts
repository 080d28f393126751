// PURE: what the dashboard page shows, built from the objects its watches hold and a clock value.
// One entry per Rollout: the same RolloutView as `rollout status -o json` (pods included), plus
// the Rollout's recent events. The server diffs entries and pushes only the ones that changed.
import type { KubeObject } from '../kube/types.js';
import { workloadRefOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { type RolloutView, toRolloutView } from '../rollout/view.js';
import { matchesSelector } from '../workload/label-selector.js';
import type { LabelSelector } from '../workload/types.js';

/** One event about a Rollout, as the detail view lists it. */
export interface EventView {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastTimestamp: string | null;
}

/** One rollout on the page: `key` is `namespace/name`. */
export interface DashboardEntry {
  key: string;
  view: RolloutView;
  events: EventView[];
}

/** The objects the dashboard's watches hold, keyed by `namespace/name` (workloads by `kind/namespace/name`). */
export interface ClusterObjects {
  rollouts: Map<string, Rollout>;
  workloads: Map<string, KubeObject>;
  pods: Map<string, KubeObject>;
  events: Map<string, KubeObject>;
}

/** The events kept per rollout (the newest). */
const EVENTS_PER_ROLLOUT = 20;

/** `namespace/name` of an object. */
export function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

/** The key of a workload: `Kind/namespace/name`. */
export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/**
 * Pods by namespace and by each of their labels (`key=value`): a workload's candidates are the pods
 * with the first label its selector requires, so a page of 100 rollouts does not match every pod
 * against every selector.
 */
type PodIndex = Map<string, { all: KubeObject[]; byLabel: Map<string, KubeObject[]> }>;

function indexPods(pods: Iterable<KubeObject>): PodIndex {
  const index: PodIndex = new Map();
  for (const p of pods) {
    const ns = p.metadata.namespace ?? '';
    let at = index.get(ns);
    if (!at) index.set(ns, (at = { all: [], byLabel: new Map() }));
    at.all.push(p);
    for (const [k, v] of Object.entries(p.metadata.labels ?? {})) {
      const key = `${k}=${v}`;
      const list = at.byLabel.get(key);
      if (list) list.push(p);
      else at.byLabel.set(key, [p]);
    }
  }
  return index;
}

/** The pods of a workload: same namespace, matching its selector (none without a selector). */
function podsOf(workload: KubeObject, index: PodIndex): KubeObject[] {
  const selector = (workload.spec as { selector?: LabelSelector } | undefined)?.selector;
  if (!selector) return [];
  const at = index.get(workload.metadata.namespace ?? '');
  if (!at) return [];
  const first = Object.entries(selector.matchLabels ?? {})[0];
  const candidates = first ? (at.byLabel.get(`${first[0]}=${first[1]}`) ?? []) : at.all;
  return candidates.filter((p) => matchesSelector(p.metadata.labels, selector));
}

/** Groups events by the Rollout they are about (`namespace/name`), newest first. */
function eventsByRollout(events: Iterable<KubeObject>): Map<string, EventView[]> {
  const by = new Map<string, (EventView & { at: number })[]>();
  for (const e of events) {
    const about = e.involvedObject as { kind?: string; name?: string; namespace?: string } | undefined;
    if (about?.kind !== 'Rollout') continue;
    const key = `${about.namespace ?? e.metadata.namespace ?? ''}/${about.name ?? ''}`;
    const last = (e.lastTimestamp as string | undefined) ?? (e.eventTime as string | undefined) ?? e.metadata.creationTimestamp ?? null;
    const list = by.get(key) ?? [];
    list.push({
      type: String(e.type ?? 'Normal'),
      reason: String(e.reason ?? ''),
      message: String(e.message ?? ''),
      count: typeof e.count === 'number' ? e.count : 1,
      lastTimestamp: last,
      at: last ? Date.parse(last) || 0 : 0,
    });
    by.set(key, list);
  }
  const out = new Map<string, EventView[]>();
  for (const [key, list] of by) {
    list.sort((a, b) => b.at - a.at);
    out.set(
      key,
      list.slice(0, EVENTS_PER_ROLLOUT).map(({ at: _at, ...v }) => v),
    );
  }
  return out;
}

/** What an entry was built from: the same objects (by identity) give the same entry. */
interface Built {
  inputs: unknown[];
  entry: DashboardEntry;
  text: string;
}

const sameInputs = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The page's entries, kept between changes: `update` rebuilds only the rollouts whose Rollout,
 * workload, pods or events changed (the watches replace an object on every change, so identity
 * says it), and answers what the open pages must be sent.
 */
export class DashboardEntries {
  private built = new Map<string, Built>();

  /** Rebuilds from `objects` at `now`; returns the entries that changed and the keys that went. */
  update(objects: ClusterObjects, now: Date): { upserts: DashboardEntry[]; removed: string[] } {
    const events = eventsByRollout(objects.events.values());
    const pods = indexPods(objects.pods.values());
    const next = new Map<string, Built>();
    const upserts: DashboardEntry[] = [];
    for (const [key, ro] of objects.rollouts) {
      const ref = workloadRefOf(ro);
      const ns = ro.metadata.namespace ?? '';
      const workload = ref ? (objects.workloads.get(workloadKey(ref.kind, ns, ref.name)) ?? null) : null;
      const mine = workload ? podsOf(workload, pods) : null;
      const evs = events.get(key) ?? [];
      const inputs = [ro, workload, ...(mine ?? ['no pods']), JSON.stringify(evs)];
      const before = this.built.get(key);
      if (before && sameInputs(before.inputs, inputs)) {
        next.set(key, before);
        continue;
      }
      const entry: DashboardEntry = { key, view: toRolloutView(ro, workload, now, null, mine), events: evs };
      const text = JSON.stringify(entry);
      next.set(key, { inputs, entry, text });
      if (before?.text !== text) upserts.push(entry);
    }
    const removed = [...this.built.keys()].filter((k) => !next.has(k));
    this.built = next;
    return { upserts, removed };
  }

  /** Every entry as last built, sorted by namespace and name. */
  all(): DashboardEntry[] {
    return [...this.built.values()].map((b) => b.entry).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
