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

/** The pods of a workload: same namespace, matching its selector (none without a selector). */
function podsOf(workload: KubeObject, pods: Iterable<KubeObject>): KubeObject[] {
  const selector = (workload.spec as { selector?: LabelSelector } | undefined)?.selector;
  if (!selector) return [];
  const out: KubeObject[] = [];
  for (const p of pods) {
    if (p.metadata.namespace === workload.metadata.namespace && matchesSelector(p.metadata.labels, selector)) out.push(p);
  }
  return out;
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

/** Every rollout's entry at time `now`, sorted by namespace and name. */
export function toDashboardEntries(objects: ClusterObjects, now: Date): DashboardEntry[] {
  const events = eventsByRollout(objects.events.values());
  const entries: DashboardEntry[] = [];
  for (const [key, ro] of objects.rollouts) {
    const ref = workloadRefOf(ro);
    const ns = ro.metadata.namespace ?? '';
    const workload = ref ? (objects.workloads.get(workloadKey(ref.kind, ns, ref.name)) ?? null) : null;
    const pods = workload ? podsOf(workload, objects.pods.values()) : null;
    entries.push({ key, view: toRolloutView(ro, workload, now, null, pods), events: events.get(key) ?? [] });
  }
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** What changed between two sets of entries (as serialised): upserts and removed keys. */
export function diffEntries(
  before: Map<string, string>,
  after: DashboardEntry[],
): { upserts: DashboardEntry[]; removed: string[]; next: Map<string, string> } {
  const next = new Map<string, string>();
  const upserts: DashboardEntry[] = [];
  for (const e of after) {
    const text = JSON.stringify(e);
    next.set(e.key, text);
    if (before.get(e.key) !== text) upserts.push(e);
  }
  const removed = [...before.keys()].filter((k) => !next.has(k));
  return { upserts, removed, next };
}
