// Which traffic routings the embedded controller runs (docs/controller.md §17): the first
// trafficRoutings entry with a Service and an Ingress of a classType upstream bundles a script
// for. The rest is refused with a reason, and the workload is never taken.
import type { CanaryStrategy } from '../../rollout/types.js';
import { INGRESS_CLASS_TYPES } from './annotations.js';

/** Why the Rollout's traffic routing is not run, if it is not. */
export function unsupportedTraffic(canary: CanaryStrategy, workloadKind?: string): string | undefined {
  if (canary.trafficRoutingRef)
    return `trafficRoutingRef (a TrafficRouting object) is not supported by the embedded controller; use trafficRoutings in the strategy`;
  const routings = canary.trafficRoutings ?? [];
  if (routings.length === 0) return undefined;
  const ref = routings[0]!;
  // The Services select revisions by pod-template-hash, and only Deployment releases are tested with it.
  if (workloadKind !== undefined && workloadKind !== 'Deployment')
    return `traffic routing is run for Deployment workloads only, not ${workloadKind}`;
  if ((ref.customNetworkRefs?.length ?? 0) > 0)
    return 'customNetworkRefs (Lua-scripted providers such as Istio) are not supported by the embedded controller';
  if (!ref.service) return 'trafficRoutings[0].service is empty';
  if (ref.gateway?.httpRouteName) return undefined;
  if (!ref.ingress?.name) return 'trafficRoutings[0] names neither an ingress nor a gateway httpRouteName';
  const classType = ref.ingress.classType || 'nginx';
  if (!(INGRESS_CLASS_TYPES as readonly string[]).includes(classType))
    return `ingress classType "${classType}" has no bundled script; the embedded controller knows ${INGRESS_CLASS_TYPES.join(', ')}`;
  return undefined;
}
