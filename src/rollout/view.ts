// The rollout view model: what `rollout status` shows and `-o json|yaml` prints, built from the
// objects and a clock value (pure). Renderers (src/render/) only format it.
import type { KubeObject } from '../kube/types.js';
import { assessRollout } from './assess.js';
import { comparePods, groupPods, imagesOf, type PodGroupView, type PodView, podImages, toPodView } from './pods.js';
import { workloadRefOf } from './release.js';
import type { Rollout } from './types.js';

/** One step of the plan as shown: `replicas` as written, `planned` pods, how it pauses. */
export interface StepView {
  index: number;
  replicas: string | null;
  traffic: string | null;
  planned: number | null;
  /** "manual" waits for approve; "none" goes on at once; "timed" waits pauseSeconds. */
  pause: 'manual' | 'none' | 'timed';
  pauseSeconds: number | null;
  current: boolean;
}

/** One status condition, as written. */
export interface ConditionView {
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
  lastTransitionTime: string | null;
}

/**
 * The stable JSON shape of `rollout status -o json|yaml` (and, with `time`, of each
 * `rollout watch -o json` line). Missing values are null, never absent:
 *
 * ```
 * { kind: "RolloutStatusView", apiVersion: "kruise.cli/v1",
 *   name, namespace, rolloutApiVersion, generation, observedGeneration,
 *   phase, message,                      // raw status.phase / status.message
 *   style: "Partition"|"Canary"|"BlueGreen",
 *   currentStepIndex, currentStepState,   // raw, from the sub-status (else the v1beta1 mirror)
 *   nextStepIndex, totalSteps, lastUpdateTime, finalisingStep, subStatus: "canaryStatus"|"blueGreenStatus"|null,
 *   subStatusMessage, pauseRemainingSeconds,
 *   steps: [{ index, replicas, traffic, planned, pause, pauseSeconds, current }],
 *   batch: { planned, updated, ready },
 *   revisions: { stable, canary },
 *   rolloutId: { observed, workload },
 *   workload: { apiVersion, kind, name, found, generation, replicas } | null,
 *   observedWorkloadGeneration,
 *   paused, disabled, deleting,
 *   conditions: [{ type, status, reason, message, lastTransitionTime }],
 *   done, waitingForApproval, currentRelease, cancelled,
 *   images: { stable: [..]|null, canary: [..]|null },
 *   pods: [{ name, ready, isReady, status, restarts, batch, revision, revisionHash, creationTimestamp, ageSeconds }] | null,
 *   podGroups: [{ revision, batch, ready, total }] | null,   // null: the pods were not read
 *   traffic: { routings: [{ service, ingress, gateway }], current, matches } | null }  // null: no traffic routing
 * ```
 * Fields are only ever added, never renamed (scripts parse this).
 */
export interface RolloutView {
  kind: 'RolloutStatusView';
  apiVersion: 'kruise.cli/v1';
  name: string;
  namespace: string;
  rolloutApiVersion: string;
  generation: number | null;
  observedGeneration: number | null;
  phase: string | null;
  message: string | null;
  style: 'Partition' | 'Canary' | 'BlueGreen';
  currentStepIndex: number | null;
  currentStepState: string | null;
  nextStepIndex: number | null;
  totalSteps: number;
  lastUpdateTime: string | null;
  finalisingStep: string | null;
  subStatus: 'canaryStatus' | 'blueGreenStatus' | null;
  subStatusMessage: string | null;
  /** Seconds left of a timed pause in StepPaused (from lastUpdateTime and `now`), else null. */
  pauseRemainingSeconds: number | null;
  steps: StepView[];
  batch: { planned: number | null; updated: number | null; ready: number | null };
  revisions: { stable: string | null; canary: string | null };
  rolloutId: { observed: string | null; workload: string | null };
  workload: { apiVersion: string; kind: string; name: string; found: boolean; generation: number | null; replicas: number | null } | null;
  observedWorkloadGeneration: number | null;
  paused: boolean;
  disabled: boolean;
  deleting: boolean;
  conditions: ConditionView[];
  done: boolean;
  waitingForApproval: boolean;
  currentRelease: boolean;
  cancelled: boolean;
  /** The Rollout's BatchRelease, present only when there is one (a release in progress). */
  batchRelease?: BatchReleaseView;
  /** The images each revision runs (canary null outside a release). */
  images: { stable: string[] | null; canary: string[] | null };
  /** The workload's pods (null: not read), canary first, by batch. */
  pods: PodView[] | null;
  /** Ready / total pods per revision and batch (null: not read). */
  podGroups: PodGroupView[] | null;
  /** Traffic routing and the current step's traffic (null: the Rollout routes no traffic). */
  traffic: TrafficView | null;
  /** A blue-green release in progress: both sides (null otherwise, or when the pods were not read). */
  blueGreen: BlueGreenView | null;
}

/** One side of a blue-green release: its revision, its pods, and the share of traffic the step gives it. */
export interface BlueGreenSideView {
  revision: string | null;
  ready: number;
  total: number;
  /** "50%" (null without traffic routing, or when the step sets no traffic). */
  traffic: string | null;
}

/** Blue (the stable revision) and green (the release) during a blue-green release. */
export interface BlueGreenView {
  blue: BlueGreenSideView;
  green: BlueGreenSideView;
}

/**
 * Both sides of a blue-green release and the current step's traffic: counted from the pods when
 * they were read, else from the workload's status (its pods less the updated ones) and the
 * Rollout's (updatedReadyReplicas).
 */
function blueGreenOf(
  revisions: RolloutView['revisions'],
  podViews: PodView[] | null,
  workload: KubeObject | null | undefined,
  greenReady: number | null,
  traffic: TrafficView | null,
): BlueGreenView | null {
  const s = ((workload as { status?: unknown } | null | undefined)?.status ?? {}) as Record<string, number | undefined>;
  // Neither pods nor a workload status to count from: nothing to show.
  if (!podViews && s.replicas === undefined) return null;
  const ready = greenReady ?? 0;
  const fromStatus = {
    canary: { ready: Math.min(ready, s.updatedReplicas ?? 0), total: s.updatedReplicas ?? 0 },
    stable: { ready: Math.max(0, (s.readyReplicas ?? 0) - ready), total: Math.max(0, (s.replicas ?? 0) - (s.updatedReplicas ?? 0)) },
  };
  const side = (revision: 'stable' | 'canary') => {
    if (!podViews) return fromStatus[revision];
    const pods = podViews.filter((p) => p.revision === revision);
    return { ready: pods.filter((p) => p.isReady).length, total: pods.length };
  };
  const green = traffic?.current ?? null;
  const weight = green !== null && /^\d+%$/.test(green.trim()) ? Number.parseInt(green, 10) : null;
  return {
    blue: { revision: revisions.stable, ...side('stable'), traffic: weight === null ? null : `${100 - weight}%` },
    green: { revision: revisions.canary, ...side('canary'), traffic: weight === null ? null : `${weight}%` },
  };
}

/** What the Rollout does with traffic: where it routes, and the current step's weight / matches. */
export interface TrafficView {
  routings: { service: string; ingress: string | null; gateway: string | null }[];
  /** The current step's `traffic` ("20%"), null when it sets none. */
  current: string | null;
  /** The current step's header/query matches (as written), null when none. */
  matches: unknown[] | null;
  /** What the canary objects in the cluster carry (null: not read). */
  cluster: TrafficObjectView[] | null;
}

/**
 * A canary Ingress as the cluster holds it: its canary annotations (names without the provider
 * prefix); or an HTTPRoute: the weight of each Service it routes to (`echoserver: "80"`,
 * `echoserver-canary: "20"`, and `matches` when a rule to the canary Service matches headers).
 */
export interface TrafficObjectView {
  kind: 'Ingress' | 'HTTPRoute';
  name: string;
  found: boolean;
  /** `canary-weight: "20"`, `canary-by-header: "user-agent"`, … (empty when absent). */
  canary: Record<string, string>;
}

/** The objects `rollout status` reads to show what the gateway carries: each canary Ingress and each HTTPRoute. */
export function trafficObjectRefs(ro: Rollout): { kind: 'Ingress' | 'HTTPRoute'; name: string }[] {
  const strategy = ro.spec?.strategy?.canary ?? ro.spec?.strategy?.blueGreen;
  return (strategy?.trafficRoutings ?? []).flatMap((r) => [
    ...(r.ingress?.name ? [{ kind: 'Ingress' as const, name: `${r.ingress.name}-canary` }] : []),
    ...(r.gateway?.httpRouteName ? [{ kind: 'HTTPRoute' as const, name: r.gateway.httpRouteName }] : []),
  ]);
}

type RouteRules = { backendRefs?: { name?: string; weight?: number }[]; matches?: { headers?: unknown[]; queryParams?: unknown[] }[] }[];

/** The view of an HTTPRoute: the weight of each backend Service, summed over rules without header matches. */
function routeView(name: string, o: KubeObject | undefined): TrafficObjectView {
  const canary: Record<string, string> = {};
  const rules = ((o?.spec as { rules?: RouteRules } | undefined)?.rules ?? []) as RouteRules;
  for (const rule of rules) {
    const matched = (rule.matches ?? []).some((m) => (m.headers?.length ?? 0) > 0 || (m.queryParams?.length ?? 0) > 0);
    for (const ref of rule.backendRefs ?? []) {
      if (!ref.name) continue;
      if (matched) canary.matches = `${canary.matches ? `${canary.matches}, ` : ''}${ref.name}`;
      else canary[ref.name] = String(ref.weight ?? 1);
    }
  }
  return { kind: 'HTTPRoute', name, found: Boolean(o), canary };
}

/** The view of the canary Ingresses read (`found` per name; an absent one routes nothing to the canary). */
export function toTrafficObjectViews(
  names: (string | { kind: 'Ingress' | 'HTTPRoute'; name: string })[],
  found: KubeObject[],
): TrafficObjectView[] {
  return names.map((entry) => {
    const { kind, name } = typeof entry === 'string' ? { kind: 'Ingress' as const, name: entry } : entry;
    const o = found.find((x) => x.metadata?.name === name && x.kind === kind);
    if (kind === 'HTTPRoute') return routeView(name, o);
    const canary: Record<string, string> = {};
    for (const [k, v] of Object.entries(o?.metadata?.annotations ?? {})) {
      const key = k.split('/')[1] ?? '';
      if (key.startsWith('canary-') || key === 'request-header-control-update') canary[key] = v;
    }
    return { kind: 'Ingress', name, found: Boolean(o), canary };
  });
}

/** What `rollout status` shows of a BatchRelease (docs/controller.md §12). */
export interface BatchReleaseView {
  name: string;
  phase: string | null;
  /** 0-based, as in the BatchRelease's status. */
  currentBatch: number | null;
  batchState: string | null;
  batches: number;
}

/** The view of a BatchRelease object as read from the server. */
export function toBatchReleaseView(br: KubeObject): BatchReleaseView {
  const o = br as KubeObject & {
    spec?: { releasePlan?: { batches?: unknown[] } };
    status?: { phase?: string; canaryStatus?: { currentBatch?: number; batchState?: string } };
  };
  return {
    name: br.metadata?.name ?? '',
    phase: orNull(o.status?.phase),
    currentBatch: orNull(o.status?.canaryStatus?.currentBatch),
    batchState: orNull(o.status?.canaryStatus?.batchState),
    batches: Array.isArray(o.spec?.releasePlan?.batches) ? o.spec.releasePlan.batches.length : 0,
  };
}

const orNull = <T>(v: T | undefined | null): T | null => (v === undefined || v === null ? null : v);

/** The traffic view of a Rollout (null when it has no traffic routing). */
function trafficOf(ro: Rollout, currentStep: number | undefined, cluster: TrafficObjectView[] | null): TrafficView | null {
  const strategy = ro.spec?.strategy?.canary ?? ro.spec?.strategy?.blueGreen;
  const routings = strategy?.trafficRoutings ?? [];
  if (routings.length === 0 && !strategy?.trafficRoutingRef) return null;
  const step = currentStep !== undefined ? strategy?.steps?.[currentStep - 1] : undefined;
  const gateway = (g: { httpRouteName?: string } | undefined) => (g?.httpRouteName ? `HTTPRoute/${g.httpRouteName}` : null);
  return {
    routings: routings.map((r) => ({
      service: r.service,
      ingress: r.ingress?.name ? `${r.ingress.classType ? `${r.ingress.classType}:` : ''}${r.ingress.name}` : null,
      gateway: gateway(r.gateway),
    })),
    current: step?.traffic ?? (typeof step?.weight === 'number' ? `${step.weight}%` : null),
    matches: Array.isArray(step?.matches) && step.matches.length > 0 ? step.matches : null,
    cluster,
  };
}

/** The images each revision runs: the workload's template for the new one, pods for the old. */
function imagesView(
  workload: KubeObject | null | undefined,
  pods: KubeObject[] | null | undefined,
  revisions: { stable: string | null; canary: string | null },
  inRelease: boolean,
): RolloutView['images'] {
  const template = workload ? imagesOf((workload.spec?.template as { spec?: { containers?: { image?: string }[] } })?.spec) : null;
  if (!inRelease) return { stable: template ?? podImages(pods ?? [], revisions.stable), canary: null };
  return { stable: podImages(pods ?? [], revisions.stable), canary: template ?? podImages(pods ?? [], revisions.canary) };
}

/** Builds the view of a Rollout and its workload (null: not found) at time `now`; `pods` null: not read. */
export function toRolloutView(
  ro: Rollout,
  workload: KubeObject | null | undefined,
  now: Date,
  batchRelease?: KubeObject | null,
  pods?: KubeObject[] | null,
  trafficObjects?: TrafficObjectView[] | null,
): RolloutView {
  const a = assessRollout(ro, workload);
  const ref = workloadRefOf(ro);
  const step = a.currentStepIndex !== undefined ? a.steps[a.currentStepIndex - 1] : undefined;
  let pauseRemainingSeconds: number | null = null;
  if (a.currentStepState === 'StepPaused' && step?.pause.kind === 'timed' && a.lastUpdateTime) {
    const since = Date.parse(a.lastUpdateTime);
    if (!Number.isNaN(since)) pauseRemainingSeconds = Math.max(0, Math.ceil((since + step.pause.seconds * 1000 - now.getTime()) / 1000));
  }
  const revisions = { stable: orNull(a.stableRevision), canary: orNull(a.canaryRevision) };
  const inRelease = revisions.canary !== null && revisions.canary !== revisions.stable && !a.done && a.subStatusKind !== undefined;
  const podViews = pods ? pods.map((p) => toPodView(p, revisions, now)).sort(comparePods) : null;
  const traffic = trafficOf(ro, a.currentStepIndex, trafficObjects ?? null);
  return {
    kind: 'RolloutStatusView',
    apiVersion: 'kruise.cli/v1',
    name: ro.metadata?.name ?? '',
    namespace: ro.metadata?.namespace ?? '',
    rolloutApiVersion: ro.apiVersion,
    generation: orNull(ro.metadata?.generation),
    observedGeneration: orNull(ro.status?.observedGeneration),
    phase: orNull(a.phase),
    message: a.message || null,
    style: a.style,
    currentStepIndex: orNull(a.currentStepIndex),
    currentStepState: a.currentStepState || null,
    nextStepIndex: orNull(a.nextStepIndex),
    totalSteps: a.steps.length,
    lastUpdateTime: orNull(a.lastUpdateTime),
    finalisingStep: orNull(a.finalisingStep),
    subStatus: orNull(a.subStatusKind),
    subStatusMessage: orNull(a.subStatusMessage),
    pauseRemainingSeconds,
    steps: a.steps.map((s) => ({
      index: s.index,
      replicas: s.replicas === undefined ? null : String(s.replicas),
      traffic: orNull(s.traffic),
      planned: orNull(s.planned),
      pause: s.pause.kind,
      pauseSeconds: s.pause.kind === 'timed' ? s.pause.seconds : null,
      current: s.index === a.currentStepIndex,
    })),
    batch: { planned: orNull(a.planned), updated: orNull(a.updated), ready: orNull(a.ready) },
    revisions,
    rolloutId: { observed: orNull(a.observedRolloutID), workload: orNull(a.workloadRolloutID) },
    workload: ref
      ? {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          name: ref.name,
          found: Boolean(workload),
          generation: orNull(a.workloadGeneration),
          replicas: orNull(a.workloadReplicas),
        }
      : null,
    observedWorkloadGeneration: orNull(a.observedWorkloadGeneration),
    paused: a.paused,
    disabled: a.disabled,
    deleting: a.deleting,
    conditions: a.conditions.map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason || null,
      message: c.message || null,
      lastTransitionTime: orNull(c.lastTransitionTime),
    })),
    done: a.done,
    waitingForApproval: a.waitingForApproval,
    currentRelease: a.currentRelease,
    cancelled: a.cancelled,
    ...(batchRelease ? { batchRelease: toBatchReleaseView(batchRelease) } : {}),
    images: imagesView(workload, pods, revisions, inRelease),
    pods: podViews,
    podGroups: podViews ? groupPods(podViews) : null,
    traffic,
    blueGreen: a.style === 'BlueGreen' && inRelease ? blueGreenOf(revisions, podViews, workload, orNull(a.ready), traffic) : null,
  };
}
