// PURE: the pods of a rollout's workload as `rollout status` shows them — which revision and batch
// each belongs to, and a STATUS word computed as kubectl's pod printer does (CrashLoopBackOff,
// ImagePullBackOff, Pending, Terminating…). No I/O; `now` comes in for the age.
import type { KubeObject } from '../kube/types.js';
import { Label } from './types.js';

/** One pod as shown: kubectl's NAME READY STATUS RESTARTS AGE, plus its batch and revision. */
export interface PodView {
  name: string;
  /** Ready containers / containers, as kubectl's READY column: "1/1". */
  ready: string;
  /** The pod's Ready condition is True (and it is not being deleted). */
  isReady: boolean;
  /** kubectl's STATUS column: Running, Pending, ContainerCreating, CrashLoopBackOff, Terminating… */
  status: string;
  restarts: number;
  /** The `rollouts.kruise.io/rollout-batch-id` label (1-based batch), null when unlabelled. */
  batch: string | null;
  /** Which of the Rollout's revisions the pod runs: stable, canary, or null (neither / unknown). */
  revision: 'stable' | 'canary' | null;
  /** The pod's `pod-template-hash` (Deployment) or `controller-revision-hash` label. */
  revisionHash: string | null;
  creationTimestamp: string | null;
  /** Seconds since creation at the view's `now` (null without a creation time). */
  ageSeconds: number | null;
}

/** Ready / total pods of one revision and batch (batch null: unlabelled pods). */
export interface PodGroupView {
  revision: 'stable' | 'canary' | null;
  batch: string | null;
  ready: number;
  total: number;
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: unknown;
    terminated?: { reason?: string; signal?: number; exitCode?: number };
  };
}

interface PodLike extends KubeObject {
  spec?: { containers?: { name?: string; image?: string }[]; [k: string]: unknown };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    [k: string]: unknown;
  };
}

function containerStatusReason(cs: ContainerStatus): string | undefined {
  const s = cs.state;
  if (s?.waiting?.reason) return s.waiting.reason;
  if (s?.terminated) {
    if (s.terminated.reason) return s.terminated.reason;
    if (s.terminated.signal) return `Signal:${s.terminated.signal}`;
    return `ExitCode:${s.terminated.exitCode ?? 0}`;
  }
  return undefined;
}

/** kubectl's STATUS column for a pod (printPod, reduced to the fields a pod status carries). */
export function podStatusText(pod: KubeObject): string {
  const p = pod as PodLike;
  let reason = p.status?.reason || p.status?.phase || 'Unknown';
  const init = p.status?.initContainerStatuses ?? [];
  const initTotal = init.length;
  let initializing = false;
  for (const [i, cs] of init.entries()) {
    const t = cs.state?.terminated;
    if (t && (t.exitCode ?? 0) === 0) continue;
    initializing = true;
    const r = containerStatusReason(cs);
    if (t) reason = `Init:${r}`;
    else if (r && r !== 'PodInitializing') reason = `Init:${r}`;
    else reason = `Init:${i}/${initTotal}`;
    break;
  }
  if (!initializing) {
    let running = false;
    const containers = p.status?.containerStatuses ?? [];
    for (let i = containers.length - 1; i >= 0; i--) {
      const cs = containers[i]!;
      const r = containerStatusReason(cs);
      if (r) reason = r;
      else if (cs.ready && cs.state?.running !== undefined) running = true;
    }
    // A pod with a container still running after another completed is Running (or NotReady).
    if (reason === 'Completed' && running) reason = isPodReadyCondition(p) ? 'Running' : 'NotReady';
  }
  if (p.metadata?.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function isPodReadyCondition(p: PodLike): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The revision hash a pod carries: pod-template-hash (Deployment), else controller-revision-hash. */
function revisionHashOf(pod: KubeObject): string | null {
  const labels = pod.metadata?.labels ?? {};
  return labels['pod-template-hash'] ?? labels['controller-revision-hash'] ?? null;
}

/** Whether a pod's revision hash names `revision` (a ControllerRevision name ends with it). */
function sameRevision(hash: string | null, revision: string | null): boolean {
  if (!hash || !revision) return false;
  return hash === revision || hash.endsWith(`-${revision}`);
}

/** Builds the view of one pod against the Rollout's stable and canary revisions. */
export function toPodView(pod: KubeObject, revisions: { stable: string | null; canary: string | null }, now: Date): PodView {
  const p = pod as PodLike;
  const containers = p.status?.containerStatuses ?? [];
  const total = Math.max(p.spec?.containers?.length ?? 0, containers.length);
  const readyCount = containers.filter((c) => c.ready).length;
  const hash = revisionHashOf(pod);
  // The canary revision wins: after a release both revisions are the same.
  const revision = sameRevision(hash, revisions.canary) ? 'canary' : sameRevision(hash, revisions.stable) ? 'stable' : null;
  const created = p.metadata?.creationTimestamp ?? null;
  const since = created ? Date.parse(created) : Number.NaN;
  return {
    name: p.metadata?.name ?? '',
    ready: `${readyCount}/${total}`,
    isReady: !p.metadata?.deletionTimestamp && isPodReadyCondition(p),
    status: podStatusText(pod),
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    batch: p.metadata?.labels?.[Label.batchId] ?? null,
    revision,
    revisionHash: hash,
    creationTimestamp: created,
    ageSeconds: Number.isNaN(since) ? null : Math.max(0, Math.floor((now.getTime() - since) / 1000)),
  };
}

/** Orders pods as kruise-tools does (by batch, then ready first), then by name. */
export function comparePods(a: PodView, b: PodView): number {
  const rank = (p: PodView) => (p.revision === 'canary' ? 0 : p.revision === 'stable' ? 1 : 2);
  return (
    rank(a) - rank(b) ||
    (a.batch ?? '').localeCompare(b.batch ?? '', undefined, { numeric: true }) ||
    Number(b.isReady) - Number(a.isReady) ||
    a.name.localeCompare(b.name)
  );
}

/** Ready / total per revision and batch, canary first. */
export function groupPods(pods: PodView[]): PodGroupView[] {
  const groups = new Map<string, PodGroupView>();
  for (const p of [...pods].sort(comparePods)) {
    const key = `${p.revision}/${p.batch}`;
    const g = groups.get(key) ?? { revision: p.revision, batch: p.batch, ready: 0, total: 0 };
    g.total++;
    if (p.isReady) g.ready++;
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** The distinct images of a pod template or pod spec, in container order. */
export function imagesOf(spec: { containers?: { image?: string }[] } | undefined): string[] {
  return [...new Set((spec?.containers ?? []).map((c) => c.image ?? '').filter((i) => i !== ''))];
}

/** The images of the pods of one revision (first pod found), else null. */
export function podImages(pods: KubeObject[], hash: string | null): string[] | null {
  const pod = pods.find((p) => sameRevision(revisionHashOf(p), hash));
  return pod ? imagesOf((pod as PodLike).spec) : null;
}
