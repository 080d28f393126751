// The API resources the tool reads and writes, named as the REST paths need them.

/** A group/version/resource, enough to build every REST path. */
export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: 'rollouts'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export const Resources = {
  rolloutsV1beta1: { group: 'rollouts.kruise.io', version: 'v1beta1', resource: 'rollouts', kind: 'Rollout', namespaced: true },
  rolloutsV1alpha1: { group: 'rollouts.kruise.io', version: 'v1alpha1', resource: 'rollouts', kind: 'Rollout', namespaced: true },
  deployments: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  cloneSets: { group: 'apps.kruise.io', version: 'v1alpha1', resource: 'clonesets', kind: 'CloneSet', namespaced: true },
  statefulSets: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  advancedStatefulSets: { group: 'apps.kruise.io', version: 'v1beta1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  advancedDaemonSets: { group: 'apps.kruise.io', version: 'v1alpha1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  replicaSets: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  pods: { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  namespaces: { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  events: { group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  batchReleases: { group: 'rollouts.kruise.io', version: 'v1beta1', resource: 'batchreleases', kind: 'BatchRelease', namespaced: true },
  services: { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  ingresses: { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true },
  httpRoutes: { group: 'gateway.networking.k8s.io', version: 'v1beta1', resource: 'httproutes', kind: 'HTTPRoute', namespaced: true },
  hpas: { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true },
} as const satisfies Record<string, ResourceRef>;

/** The REST path of a collection or of one object (and optionally a subresource). */
export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  const base = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const obj = name !== undefined ? `/${encodeURIComponent(name)}` : '';
  const sub = subresource ? `/${subresource}` : '';
  return `${base}${ns}/${ref.resource}${obj}${sub}`;
}
