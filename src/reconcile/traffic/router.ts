// Upstream's traffic routing manager (pkg/trafficrouting/manager.go and network/ingress at v0.6.2)
// over the objects a pass observed: the stable Service, the canary Service `<service>-canary`, the
// Ingress and the canary Ingress `<ingress>-canary`. Each task edits copies and records its writes
// (an update with resourceVersion, a create or a delete, never a patch); docs/controller.md §17.
import { kubeTime } from '../../kube/time.js';
import type { KubeObject } from '../../kube/types.js';
import { stepStrategyOf } from '../../rollout/release.js';
import type { Rollout, TrafficRoutingRef } from '../../rollout/types.js';
import { canonicalJson } from '../../workload/hash.js';
import { isPercent, scaledValue } from '../../workload/intstr.js';
import type { PlannedWrite, TrafficObjects } from '../types.js';
import { canaryIngressAnnotations } from './annotations.js';
import { desiredRouteRules, type RouteRule } from './gateway.js';
import type { GraceBook } from './grace.js';

/** The label a Deployment's pods carry their revision in (upstream's RevisionLabelKey). */
export const REVISION_LABEL_KEY = 'pod-template-hash';
/** Upstream's defaultGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 3;

/** The traffic part of a step (upstream's TrafficRoutingStrategy). */
export interface TrafficStrategy {
  traffic?: string;
  matches?: unknown[];
  requestHeaderModifier?: unknown;
}

/** Upstream's TrafficRoutingContext: what the tasks need of the Rollout and its status. */
export interface TrafficContext {
  rollout: Rollout;
  strategy: TrafficStrategy;
  stableRevision: string;
  /** status.canaryStatus.podTemplateHash. */
  canaryRevision: string;
  /** status.canaryStatus.lastUpdateTime; the tasks move it when they modify a Service. */
  lastUpdateTime?: string;
  now: Date;
}

type Service = KubeObject & { spec?: { selector?: Record<string, string>; ports?: { nodePort?: number }[]; [k: string]: unknown } };
interface IngressPath {
  path?: string;
  pathType?: string;
  backend?: { service?: { name?: string } };
}
interface IngressRule {
  host?: string;
  http?: { paths?: IngressPath[] };
}
type Ingress = KubeObject & { spec?: { rules?: IngressRule[]; [k: string]: unknown } };
type HTTPRoute = KubeObject & { spec?: { rules?: RouteRule[]; [k: string]: unknown } };

/** The first traffic routing of a Rollout (upstream uses only the first), if it has one. */
export function trafficRoutingOf(rollout: Rollout): TrafficRoutingRef | undefined {
  return stepStrategyOf(rollout)?.trafficRoutings?.[0];
}

/** Whether a step routes traffic (a weight or matches). */
export function stepRoutesTraffic(step: TrafficStrategy | undefined): boolean {
  return Boolean(
    step && ((step.traffic !== undefined && step.traffic !== null) || (Array.isArray(step.matches) && step.matches.length > 0)),
  );
}

/** The canary Service's name: the stable one's with `-canary`, or the stable one itself with disableGenerateCanaryService. */
export function canaryServiceName(rollout: Rollout): string | undefined {
  const ref = trafficRoutingOf(rollout);
  if (!ref) return undefined;
  return stepStrategyOf(rollout)?.disableGenerateCanaryService ? ref.service : `${ref.service}-canary`;
}

/** The canary Ingress's name (upstream's defaultCanaryIngressName). */
export const canaryIngressName = (name: string) => `${name}-canary`;

/** The names of the objects a Rollout's traffic routing reads. */
export function trafficObjectNames(rollout: Rollout): { services: string[]; ingresses: string[]; httpRoutes: string[] } {
  const ref = trafficRoutingOf(rollout);
  if (!ref) return { services: [], ingresses: [], httpRoutes: [] };
  const services = [...new Set([ref.service, canaryServiceName(rollout)!])];
  const ingresses = ref.ingress?.name ? [ref.ingress.name, canaryIngressName(ref.ingress.name)] : [];
  const httpRoutes = ref.gateway?.httpRouteName ? [ref.gateway.httpRouteName] : [];
  return { services, ingresses, httpRoutes };
}

/** The step's weight as the scripts get it: ceil(traffic of 100), -1 when the step sets none. */
export function stepWeight(traffic: string | undefined): number {
  if (traffic === undefined || traffic === null) return -1;
  // Upstream parses it as an intstr string: anything but a percentage is an error, and weight 0.
  return isPercent(traffic) ? scaledValue(traffic, 100, true) : 0;
}

/** The running traffic tasks of one pass. */
export class TrafficRouter {
  /** The writes, in the order the tasks made them. */
  readonly writes: PlannedWrite[] = [];
  /** How long until a grace period ends (upstream's RecheckDuration). */
  recheckMs?: number;
  /** Why the last task cannot go on (an object missing): upstream's error. */
  error?: string;
  lastUpdateTime?: string;
  private readonly services: Map<string, Service | undefined>;
  private readonly ingresses: Map<string, Ingress | undefined>;
  private readonly httpRoutes: Map<string, HTTPRoute | undefined>;
  private readonly ref: TrafficRoutingRef;
  private readonly namespace: string | undefined;

  constructor(
    objects: TrafficObjects,
    private ctx: TrafficContext,
    private readonly grace: GraceBook,
  ) {
    this.ref = trafficRoutingOf(ctx.rollout)!;
    this.namespace = ctx.rollout.metadata.namespace;
    this.services = new Map(Object.entries(structuredClone(objects.services)) as [string, Service][]);
    this.ingresses = new Map(Object.entries(structuredClone(objects.ingresses)) as [string, Ingress][]);
    this.httpRoutes = new Map(Object.entries(structuredClone(objects.httpRoutes ?? {})) as [string, HTTPRoute][]);
    this.lastUpdateTime = ctx.lastUpdateTime;
  }

  /** The same objects (as this pass's tasks left them) under a new context: the status moved on. */
  with(ctx: TrafficContext): this {
    this.ctx = ctx;
    this.lastUpdateTime = ctx.lastUpdateTime;
    this.error = undefined;
    return this;
  }

  private get disableCanaryService(): boolean {
    return Boolean(stepStrategyOf(this.ctx.rollout)?.disableGenerateCanaryService);
  }

  private get canaryService(): string {
    return canaryServiceName(this.ctx.rollout)!;
  }

  /** GetGraceSeconds: the largest gracePeriodSeconds (absent: the CRD's default 3); a negative one is 3; 0 is respected. */
  private graceSeconds(): number {
    const refs = stepStrategyOf(this.ctx.rollout)?.trafficRoutings ?? [];
    const g = Math.max(0, ...refs.map((r) => r.gracePeriodSeconds ?? DEFAULT_GRACE_SECONDS));
    return g < 0 ? DEFAULT_GRACE_SECONDS : g;
  }

  private withGrace(key: string, action: string, modified: boolean): boolean {
    const { retry, remainingMs } = this.grace.run(key, action, this.graceSeconds(), modified, this.ctx.now);
    if (retry) this.recheckMs = Math.max(this.recheckMs ?? 0, remainingMs);
    return retry;
  }

  private touch(): void {
    this.lastUpdateTime = kubeTime(this.ctx.now);
  }

  private write(op: PlannedWrite['op'], resource: 'services' | 'ingresses' | 'httproutes', object: KubeObject): void {
    const map: Map<string, KubeObject | undefined> =
      resource === 'services' ? this.services : resource === 'ingresses' ? this.ingresses : this.httpRoutes;
    map.set(object.metadata.name!, op === 'delete' ? undefined : structuredClone(object));
    this.writes.push({ op, resource, object: structuredClone(object) });
  }

  private ownerRef() {
    const ro = this.ctx.rollout;
    return {
      apiVersion: 'rollouts.kruise.io/v1beta1',
      kind: 'Rollout',
      name: ro.metadata.name!,
      uid: ro.metadata.uid!,
      controller: true,
      blockOwnerDeletion: true,
    };
  }

  private notFound(resource: 'services' | 'ingresses' | 'httproutes', name: string): string {
    const qualified = {
      services: 'services',
      ingresses: 'ingresses.networking.k8s.io',
      httproutes: 'httproutes.gateway.networking.k8s.io',
    };
    return `${qualified[resource]} "${name}" not found`;
  }

  /** InitializeTrafficRouting: the stable Service and the Ingress exist; else upstream's error. */
  initialize(): string | undefined {
    if (!this.services.get(this.ref.service)) return (this.error = this.notFound('services', this.ref.service));
    const ingress = this.ref.ingress?.name;
    if (ingress && !this.ingresses.get(ingress)) return (this.error = this.notFound('ingresses', ingress));
    const route = this.ref.gateway?.httpRouteName;
    if (route && !this.httpRoutes.get(route)) return (this.error = this.notFound('httproutes', route));
    return undefined;
  }

  /** DoTrafficRouting: the Services select their revisions, then the gateway carries the step's weight / matches. True when done. */
  doTrafficRouting(): boolean {
    if (!stepRoutesTraffic(this.ctx.strategy)) return true;
    const stable = this.services.get(this.ref.service);
    if (!stable) {
      this.error = this.notFound('services', this.ref.service);
      return false;
    }
    const grace = (this.ref.gracePeriodSeconds ?? 0) <= 0 ? DEFAULT_GRACE_SECONDS : this.ref.gracePeriodSeconds!;
    const since = Date.parse(this.lastUpdateTime ?? '');
    if (Number.isFinite(since) && since + grace * 1000 > this.ctx.now.getTime()) {
      this.recheckMs = since + grace * 1000 - this.ctx.now.getTime();
      return false;
    }
    if (!this.disableCanaryService) {
      const { stableRevision, canaryRevision } = this.ctx;
      if (!stableRevision || !canaryRevision) return false;
      let modified = false;
      const canary = this.services.get(this.canaryService);
      if (!canary) {
        this.write('create', 'services', this.newCanaryService(stable));
        modified = true;
      } else if (canary.spec?.selector?.[REVISION_LABEL_KEY] !== canaryRevision) {
        const next = structuredClone(canary);
        next.spec = { ...(next.spec ?? {}), selector: { ...(next.spec?.selector ?? {}), [REVISION_LABEL_KEY]: canaryRevision } };
        this.write('update', 'services', next);
        modified = true;
      }
      if (stable.spec?.selector?.[REVISION_LABEL_KEY] !== stableRevision) {
        this.write('update', 'services', this.withStableSelector(stable, stableRevision));
        modified = true;
      }
      if (modified) {
        this.touch();
        return false;
      }
    }
    return this.ensureRoutes(this.ctx.strategy);
  }

  private withStableSelector(stable: Service, revision: string | undefined): Service {
    const next = structuredClone(stable);
    const selector = { ...(next.spec?.selector ?? {}) };
    if (revision === undefined) delete selector[REVISION_LABEL_KEY];
    else selector[REVISION_LABEL_KEY] = revision;
    next.spec = { ...(next.spec ?? {}), selector };
    return next;
  }

  /** createCanaryService: the stable Service's spec without its addresses, selecting the canary revision. */
  private newCanaryService(stable: Service): Service {
    const spec = structuredClone(stable.spec ?? {}) as NonNullable<Service['spec']>;
    for (const k of ['clusterIP', 'clusterIPs', 'externalIPs', 'ipFamilyPolicy', 'ipFamilies', 'loadBalancerIP']) delete spec[k];
    spec.selector = { ...(spec.selector ?? {}), [REVISION_LABEL_KEY]: this.ctx.canaryRevision };
    for (const port of spec.ports ?? []) delete port.nodePort;
    const patch = stepStrategyOf(this.ctx.rollout)?.patchPodTemplateMetadata as { labels?: Record<string, string> } | undefined;
    // Only keys the selector has (the AppendServiceSelectorGate feature gate is off by default).
    for (const [k, v] of Object.entries(patch?.labels ?? {})) if (k in spec.selector) spec.selector[k] = v;
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.canaryService, namespace: this.namespace, ownerReferences: [this.ownerRef()] },
      spec,
    };
  }

  /** The Ingress provider's EnsureRoutes: true when the canary Ingress carries the step already. */
  private ensureRoutes(strategy: TrafficStrategy): boolean {
    if (this.ref.gateway?.httpRouteName) return this.ensureHttpRoute(strategy);
    const ingress = this.ref.ingress;
    if (!ingress) return true;
    const classType = ingress.classType || 'nginx';
    const weight = stepWeight(strategy.traffic);
    const name = canaryIngressName(ingress.name);
    const canary = this.ingresses.get(name);
    if (!canary) {
      if (weight === 0) return true;
      const stable = this.ingresses.get(ingress.name);
      if (!stable) {
        this.error = this.notFound('ingresses', ingress.name);
        return false;
      }
      const built = this.buildCanaryIngress(stable, name);
      built.metadata.annotations = canaryIngressAnnotations(classType, built.metadata.annotations, { weight: 0 });
      this.write('create', 'ingresses', built);
      return false;
    }
    const annotations = canaryIngressAnnotations(classType, canary.metadata.annotations, {
      weight,
      matches: strategy.matches,
      requestHeaderModifier: strategy.requestHeaderModifier,
    });
    if (canonicalJson(annotations) === canonicalJson(canary.metadata.annotations ?? {})) return true;
    const next = structuredClone(canary);
    next.metadata.annotations = annotations;
    this.write('update', 'ingresses', next);
    return false;
  }

  /** The Gateway API provider's EnsureRoutes: the HTTPRoute's rules as the step wants them (one update). */
  private ensureHttpRoute(strategy: TrafficStrategy): boolean {
    const name = this.ref.gateway!.httpRouteName!;
    const route = this.httpRoutes.get(name);
    if (!route) {
      this.error = this.notFound('httproutes', name);
      return false;
    }
    const weight = strategy.traffic !== undefined && strategy.traffic !== null ? stepWeight(strategy.traffic) : undefined;
    const rules = route.spec?.rules ?? [];
    const desired = desiredRouteRules(rules, this.ref.service, this.canaryService, weight, strategy.matches);
    if (canonicalJson(desired) === canonicalJson(rules)) return true;
    const next = structuredClone(route);
    next.spec = { ...(next.spec ?? {}), rules: desired };
    this.write('update', 'httproutes', next);
    return false;
  }

  /** buildCanaryIngress: the rules whose backend is the stable Service, pointed at the canary one. */
  private buildCanaryIngress(stable: Ingress, name: string): Ingress {
    const rules: IngressRule[] = [];
    for (const rule of (stable.spec?.rules ?? []) as IngressRule[]) {
      const paths = (rule.http?.paths ?? [])
        .filter((p) => p.backend?.service?.name === this.ref.service)
        .map((p) => {
          const path = structuredClone(p);
          path.backend!.service!.name = this.canaryService;
          return path;
        });
      if (paths.length > 0) rules.push({ ...(rule.host !== undefined ? { host: rule.host } : {}), http: { paths } });
    }
    const spec: NonNullable<Ingress['spec']> = { rules };
    if (stable.spec?.ingressClassName !== undefined) spec.ingressClassName = stable.spec.ingressClassName;
    if (stable.spec?.tls !== undefined) spec.tls = structuredClone(stable.spec.tls);
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name,
        namespace: this.namespace,
        ...(stable.metadata.annotations ? { annotations: { ...stable.metadata.annotations } } : {}),
        ...(stable.metadata.labels ? { labels: { ...stable.metadata.labels } } : {}),
        ownerReferences: [this.ownerRef()],
      },
      spec,
    };
  }

  /** RestoreStableService: the stable Service selects every revision again. True to retry. */
  restoreStableService(): boolean {
    const stable = this.services.get(this.ref.service);
    if (!stable) return false;
    let modified = false;
    if (stable.spec?.selector?.[REVISION_LABEL_KEY]) {
      this.write('update', 'services', this.withStableSelector(stable, undefined));
      this.touch();
      modified = true;
    }
    return this.withGrace(stable.metadata.uid ?? this.ref.service, 'restoreService', modified);
  }

  /** PatchStableService: before the first batch, the stable Service selects only the stable revision. True to retry. */
  patchStableService(): boolean {
    if (this.disableCanaryService) return true;
    const stable = this.services.get(this.ref.service);
    if (!stable) {
      this.error = this.notFound('services', this.ref.service);
      return true;
    }
    let modified = false;
    if (stable.spec?.selector?.[REVISION_LABEL_KEY] !== this.ctx.stableRevision) {
      this.write('update', 'services', this.withStableSelector(stable, this.ctx.stableRevision));
      this.touch();
      modified = true;
    }
    return this.withGrace(stable.metadata.uid ?? this.ref.service, 'patchService', modified);
  }

  /** RestoreGateway: the canary Ingress is deleted, all traffic goes to the stable Service. True to retry. */
  restoreGateway(): boolean {
    let modified = false;
    const routeName = this.ref.gateway?.httpRouteName;
    const route = routeName ? this.httpRoutes.get(routeName) : undefined;
    if (route) {
      const rules = route.spec?.rules ?? [];
      const desired = desiredRouteRules(rules, this.ref.service, this.canaryService, -1, undefined);
      if (canonicalJson(desired) !== canonicalJson(rules)) {
        const next = structuredClone(route);
        next.spec = { ...(next.spec ?? {}), rules: desired };
        this.write('update', 'httproutes', next);
        this.touch();
        modified = true;
      }
    }
    const ingress = this.ref.ingress?.name;
    const canary = ingress ? this.ingresses.get(canaryIngressName(ingress)) : undefined;
    if (canary && !canary.metadata.deletionTimestamp) {
      this.write('delete', 'ingresses', canary);
      this.touch();
      modified = true;
    }
    return this.withGrace(this.ctx.rollout.metadata.uid ?? '', 'restoreGateway', modified);
  }

  /**
   * RouteAllTrafficToNewVersion (blue-green's first finalising task on success): the gateway sends
   * 100% to the canary Service, no matches, within the grace period. True to retry.
   */
  routeAllTrafficToNew(): boolean {
    const verified = this.ensureRoutes({ traffic: '100%' });
    if (!verified) this.touch();
    return this.withGrace(this.ctx.rollout.metadata.uid ?? '', 'updateRoute', !verified);
  }

  /** RemoveCanaryService: the canary Service is deleted (never with disableGenerateCanaryService). True to retry. */
  removeCanaryService(ignoreGrace = false): boolean {
    if (this.disableCanaryService) return false;
    const canary = this.services.get(this.canaryService);
    if (canary) this.write('delete', 'services', canary);
    if (ignoreGrace) return false;
    return this.withGrace(`${this.namespace}/${this.canaryService}`, 'removeCanaryService', Boolean(canary));
  }

  /** FinalisingTrafficRouting: restore the stable Service, the gateway, remove the canary Service. True when done. */
  finalising(): boolean {
    if (this.restoreStableService()) return false;
    if (this.restoreGateway()) return false;
    return !this.removeCanaryService();
  }
}
