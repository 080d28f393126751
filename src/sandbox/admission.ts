// Kruise's Rollout validating webhook (pkg/webhook/rollout/validating), as pure rules with the
// exact upstream messages (docs/controller.md §3). The server wraps the message in a 422 Status.
import { workloadRefOf } from '../rollout/release.js';
import { type CanaryStep, type CanaryStrategy, Phase, type Rollout, type TrafficRoutingRef, type WorkloadRef } from '../rollout/types.js';
import { canonicalJson } from '../workload/hash.js';
import type { IntOrString } from '../workload/types.js';
import { rolloutToStorage } from './convert.js';

/** Upstream's --partition-percent-limit default. */
const PARTITION_PERCENT_LIMIT = 50;

// Group/kind pairs the Rollout may target (upstream knownWorkloadGVKs plus the native DaemonSet).
const SUPPORTED_WORKLOADS = new Set([
  'apps/Deployment',
  'apps/ReplicaSet',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps.kruise.io/CloneSet',
  'apps.kruise.io/StatefulSet',
  'apps.kruise.io/DaemonSet',
]);
const BLUEGREEN_WORKLOADS = new Set(['apps/Deployment', 'apps.kruise.io/CloneSet']);

type Style = 'Partition' | 'Canary' | 'BlueGreen' | '';

/** The first violation of Kruise's Rollout validating webhook, or undefined. */
export function validateRollout(obj: Rollout, old: Rollout | undefined, others: Rollout[]): string | undefined {
  // The webhook validates the v1beta1 form; a v1alpha1 body is judged as it will be stored.
  const ro = asV1beta1(obj);
  const violation = validateSpec(ro) ?? validateConflict(ro, others.map(asV1beta1));
  if (violation || !old) return violation;
  return validateUpdate(asV1beta1(old), ro);
}

function asV1beta1(ro: Rollout): Rollout {
  return String(ro.apiVersion ?? '').endsWith('/v1alpha1') ? rolloutToStorage(ro) : ro;
}

function styleOf(ro: Rollout): Style {
  const s = ro.spec?.strategy;
  if (!s?.canary && !s?.blueGreen) return '';
  if (s.blueGreen) return 'BlueGreen';
  return s.canary?.enableExtraWorkloadForCanary ? 'Canary' : 'Partition';
}

function groupKind(ref: WorkloadRef): string {
  const apiVersion = String(ref.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}/${ref.kind}`;
}

function validateSpec(ro: Rollout): string | undefined {
  const style = styleOf(ro);
  const ref = workloadRefOf(ro);
  if (!ref) return 'WorkloadRef is required';
  if (!SUPPORTED_WORKLOADS.has(groupKind(ref))) return 'WorkloadRef kind is not supported';
  if (style === 'BlueGreen' && !BLUEGREEN_WORKLOADS.has(groupKind(ref))) return 'WorkloadRef kind is not supported for bluegreen style';

  const strategy = ro.spec.strategy ?? {};
  if (!strategy.canary && !strategy.blueGreen) return 'Canary and BlueGreen cannot both be empty';
  if (strategy.canary && strategy.blueGreen) return 'Canary and BlueGreen cannot both be set';
  const s = (strategy.blueGreen ?? strategy.canary) as CanaryStrategy;
  const stepsViolation = validateSteps(s.steps ?? [], style);
  if (stepsViolation) return stepsViolation;
  const routings = s.trafficRoutings ?? [];
  if (routings.length > 1) return 'Rollout currently only support single TrafficRouting.';
  for (const t of routings) {
    const v = validateTrafficRouting(t);
    if (v) return v;
  }
  return undefined;
}

/** apimachinery's GetScaledValueFromIntOrPercent(v, 100, true): integers as they are, "N%" → N, anything else an error. */
function scaledTo100(v: IntOrString): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  const m = /^(-?\d+)%$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

// A nil replicas counts as a percentage when comparing neighbours, as upstream.
const isPercentType = (v: IntOrString | undefined | null): boolean => v === undefined || v === null || typeof v === 'string';

function validateSteps(steps: CanaryStep[], style: Style): string | undefined {
  if (steps.length === 0) return 'The number of Canary.Steps cannot be empty';
  for (const step of steps) {
    if (step.replicas === undefined || step.replicas === null) return 'replicas cannot be empty';
    const replicas = scaledTo100(step.replicas);
    if (replicas === undefined || replicas <= 0 || (replicas > 100 && typeof step.replicas === 'string')) {
      return 'replicas must be positive number, or a percentage with "0%" < canaryReplicas <= "100%"';
    }
    const hasTraffic = step.traffic !== undefined && step.traffic !== null;
    if (!hasTraffic && (step.matches ?? []).length === 0) continue;
    if (style === 'Partition' && typeof step.replicas === 'string' && replicas > PARTITION_PERCENT_LIMIT) {
      return 'For partition style rollout: step[x].replicas must not greater than partition-percent-limit if traffic specified';
    }
    if (!hasTraffic) continue;
    const weight = typeof step.traffic === 'string' ? scaledTo100(step.traffic) : undefined;
    if (style === 'BlueGreen') {
      if (weight === undefined || weight < 0 || weight > 100) {
        return 'traffic must be percentage with "0%" <= traffic <= "100%" in blueGreen strategy';
      }
    } else if (weight === undefined || weight <= 0 || weight > 100) {
      return 'traffic must be percentage with "0%" < traffic <= "100%" in canary strategy';
    }
  }
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1]!.replicas!;
    const curr = steps[i]!.replicas!;
    // Only neighbours of the same type (both percentages or both integers) are comparable.
    if (isPercentType(prev) !== isPercentType(curr)) continue;
    if (scaledTo100(curr)! < scaledTo100(prev)!) return 'Steps.CanaryReplicas must be a non decreasing sequence';
  }
  return undefined;
}

function validateTrafficRouting(t: TrafficRoutingRef): string | undefined {
  if ((t.gracePeriodSeconds ?? 0) < 0) return 'TrafficRouting.GracePeriodSeconds cannot be negative';
  if (!t.service) return 'TrafficRouting.Service cannot be empty';
  if (!t.gateway && !t.ingress && !t.customNetworkRefs) return 'TrafficRoutings are not set';
  if (t.ingress && !t.ingress.name) return 'TrafficRouting.Ingress.Ingress cannot be empty';
  if (t.gateway && !t.gateway.httpRouteName) return 'TrafficRouting.Gateway must set the name of HTTPRoute or HTTPsRoute';
  return undefined;
}

function sameRef(a: WorkloadRef | undefined, b: WorkloadRef | undefined): boolean {
  return !!a && !!b && canonicalJson(a) === canonicalJson(b);
}

function validateConflict(ro: Rollout, others: Rollout[]): string | undefined {
  for (const other of others) {
    if (other.metadata.name === ro.metadata.name) continue;
    if ((other.metadata.namespace ?? '') !== (ro.metadata.namespace ?? '')) continue;
    if (!sameRef(workloadRefOf(other), workloadRefOf(ro))) continue;
    return `This rollout conflict with Rollout(${other.metadata.namespace ?? ''}/${other.metadata.name}), one workload only have less than one Rollout`;
  }
  return undefined;
}

function trafficRoutingsOf(ro: Rollout): TrafficRoutingRef[] {
  const s = ro.spec?.strategy;
  return (s?.blueGreen ?? s?.canary)?.trafficRoutings ?? [];
}

function stepsOf(ro: Rollout): CanaryStep[] {
  const s = ro.spec?.strategy;
  return (s?.blueGreen ?? s?.canary)?.steps ?? [];
}

function validateUpdate(old: Rollout, ro: Rollout): string | undefined {
  const phase = old.status?.phase;
  // Only a release in flight pins the plan's shape; step contents and spec.strategy.paused stay editable.
  if (phase !== Phase.Progressing && phase !== Phase.Terminating) return undefined;
  if (canonicalJson(workloadRefOf(old) ?? null) !== canonicalJson(workloadRefOf(ro) ?? null))
    return "Rollout 'ObjectRef' field is immutable";
  if (canonicalJson(trafficRoutingsOf(old)) !== canonicalJson(trafficRoutingsOf(ro)))
    return "Rollout 'Strategy.Canary|BlueGreen.TrafficRoutings' field is immutable";
  if (styleOf(old) !== styleOf(ro)) return 'Rollout style and enableExtraWorkloadForCanary are immutable';
  if (stepsOf(old).length !== stepsOf(ro).length) return 'Amount of Rollout steps are immutable';
  return undefined;
}
