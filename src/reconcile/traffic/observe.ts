// Reading the traffic objects a Rollout's routing names: four GETs for one Rollout, or an index
// over two LISTs for many (docs/controller.md §17).
import type { KubeClient } from '../../kube/client.js';
import { isNotFound } from '../../kube/errors.js';
import { Resources } from '../../kube/resources.js';
import type { KubeObject } from '../../kube/types.js';
import type { Rollout } from '../../rollout/types.js';
import type { TrafficObjects } from '../types.js';
import { trafficObjectNames, trafficRoutingOf } from './router.js';

/** Whether the Rollout routes traffic (has a first trafficRoutings entry). */
export const trafficOf = (ro: Rollout) => trafficRoutingOf(ro) !== undefined;

async function getOrUndefined(
  client: KubeClient,
  ref: (typeof Resources)['services' | 'ingresses' | 'httpRoutes'],
  ns: string,
  name: string,
) {
  try {
    return await client.get<KubeObject>(ref, ns, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The objects of one Rollout's traffic routing, by GET; undefined when it routes no traffic. */
export async function observeTraffic(client: KubeClient, ro: Rollout): Promise<TrafficObjects | undefined> {
  if (!trafficOf(ro)) return undefined;
  const ns = ro.metadata.namespace ?? client.namespace;
  const names = trafficObjectNames(ro);
  const [services, ingresses, httpRoutes] = await Promise.all([
    Promise.all(names.services.map((n) => getOrUndefined(client, Resources.services, ns, n))),
    Promise.all(names.ingresses.map((n) => getOrUndefined(client, Resources.ingresses, ns, n))),
    Promise.all(names.httpRoutes.map((n) => getOrUndefined(client, Resources.httpRoutes, ns, n))),
  ]);
  const byName = (objs: (KubeObject | undefined)[]) => Object.fromEntries(objs.filter((o) => o).map((o) => [o!.metadata.name!, o!]));
  return { services: byName(services), ingresses: byName(ingresses), httpRoutes: byName(httpRoutes) };
}

/** An index over listed Services and Ingresses: each Rollout's traffic objects, or undefined when it routes none. */
export function trafficIndex(
  services: KubeObject[],
  ingresses: KubeObject[],
  httpRoutes: KubeObject[] = [],
): (ro: Rollout) => TrafficObjects | undefined {
  const key = (ns: string | undefined, name: string | undefined) => JSON.stringify([ns ?? null, name ?? null]);
  const svc = new Map(services.map((o) => [key(o.metadata.namespace, o.metadata.name), o]));
  const ing = new Map(ingresses.map((o) => [key(o.metadata.namespace, o.metadata.name), o]));
  const routes = new Map(httpRoutes.map((o) => [key(o.metadata.namespace, o.metadata.name), o]));
  return (ro) => {
    if (!trafficOf(ro)) return undefined;
    const ns = ro.metadata.namespace;
    const names = trafficObjectNames(ro);
    const pick = (m: Map<string, KubeObject>, list: string[]) =>
      Object.fromEntries(list.flatMap((n) => (m.has(key(ns, n)) ? [[n, m.get(key(ns, n))!]] : [])));
    return { services: pick(svc, names.services), ingresses: pick(ing, names.ingresses), httpRoutes: pick(routes, names.httpRoutes) };
  };
}
