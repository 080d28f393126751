// The API resources the sandbox serves, and the discovery documents built from them.

/** One served resource: enough to route a URL and to answer discovery. */
export interface SandboxResource {
  /** Plural, unique across the sandbox: the store's key. */
  plural: string;
  /** '' for the core group. */
  group: string;
  /** Versions served; the first is the storage version. */
  versions: string[];
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served: status, scale. */
  subresources: ('status' | 'scale')[];
  verbs: string[];
  /** The status a create stores, whatever the client sent (none: the client's, or none when status is a subresource). */
  initialStatus?: Record<string, unknown>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const SANDBOX_RESOURCES: readonly SandboxResource[] = [
  {
    plural: 'namespaces',
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    initialStatus: { phase: 'Active' },
  },
  {
    plural: 'pods',
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
    verbs: ALL_VERBS,
    initialStatus: { phase: 'Pending' },
  },
  // Stored objects only: no controller allocates load balancers or fills Endpoints.
  {
    plural: 'services',
    group: '',
    versions: ['v1'],
    kind: 'Service',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    verbs: ALL_VERBS,
    initialStatus: { loadBalancer: {} },
  },
  {
    plural: 'endpoints',
    group: '',
    versions: ['v1'],
    kind: 'Endpoints',
    singular: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    subresources: [],
    verbs: ALL_VERBS,
  },
  {
    plural: 'configmaps',
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    subresources: [],
    verbs: ALL_VERBS,
  },
  {
    plural: 'secrets',
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    singular: 'secret',
    namespaced: true,
    subresources: [],
    verbs: ALL_VERBS,
  },
  {
    plural: 'events',
    group: '',
    versions: ['v1'],
    kind: 'Event',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    subresources: [],
    verbs: ALL_VERBS,
  },
  {
    plural: 'deployments',
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    verbs: ALL_VERBS,
    initialStatus: {},
  },
  {
    plural: 'replicasets',
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    verbs: ALL_VERBS,
    initialStatus: {},
  },
  {
    plural: 'ingresses',
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'Ingress',
    singular: 'ingress',
    namespaced: true,
    shortNames: ['ing'],
    subresources: ['status'],
    verbs: ALL_VERBS,
    initialStatus: { loadBalancer: {} },
  },
  {
    plural: 'endpointslices',
    group: 'discovery.k8s.io',
    versions: ['v1'],
    kind: 'EndpointSlice',
    singular: 'endpointslice',
    namespaced: true,
    subresources: [],
    verbs: ALL_VERBS,
  },
  {
    plural: 'ingressclasses',
    group: 'networking.k8s.io',
    versions: ['v1'],
    kind: 'IngressClass',
    singular: 'ingressclass',
    namespaced: false,
    subresources: [],
    verbs: ALL_VERBS,
  },
  {
    plural: 'rollouts',
    group: 'rollouts.kruise.io',
    versions: ['v1beta1', 'v1alpha1'],
    kind: 'Rollout',
    singular: 'rollout',
    namespaced: true,
    shortNames: ['ro'],
    subresources: ['status'],
    verbs: ALL_VERBS,
  },
  {
    // Served at its storage version only: the sandbox converts Rollouts, not BatchReleases.
    plural: 'batchreleases',
    group: 'rollouts.kruise.io',
    versions: ['v1beta1'],
    kind: 'BatchRelease',
    singular: 'batchrelease',
    namespaced: true,
    subresources: ['status'],
    verbs: ALL_VERBS,
  },
  {
    plural: 'customresourcedefinitions',
    group: 'apiextensions.k8s.io',
    versions: ['v1'],
    kind: 'CustomResourceDefinition',
    singular: 'customresourcedefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
    verbs: ALL_VERBS,
  },
];

const BY_PATH = new Map<string, SandboxResource>();
const BY_PLURAL = new Map<string, SandboxResource>();
for (const r of SANDBOX_RESOURCES) {
  BY_PLURAL.set(r.plural, r);
  for (const v of r.versions) BY_PATH.set(`${r.group}/${v}/${r.plural}`, r);
}

/** The resource served at group/version/plural, if any. */
export function findResource(group: string, version: string, plural: string): SandboxResource | undefined {
  return BY_PATH.get(`${group}/${version}/${plural}`);
}

/** The resource with this plural name (the store's key). */
export function resourceByPlural(plural: string): SandboxResource {
  const r = BY_PLURAL.get(plural);
  if (!r) throw new Error(`unknown sandbox resource ${plural}`);
  return r;
}

/** The resource of an owner reference's apiVersion and kind, if the sandbox serves it. */
export function resourceByKind(apiVersion: string, kind: string): SandboxResource | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  return SANDBOX_RESOURCES.find((r) => r.group === group && r.kind === kind);
}

/** The apiVersion string of group/version: `apps/v1`, `v1`. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** How kubectl names a resource in messages: `deployments.apps`, `pods`. */
export function qualifiedName(r: SandboxResource): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

/** How Kubernetes names a kind in validation messages: `Deployment.apps`, `Pod`. */
export function qualifiedKind(r: SandboxResource): string {
  return r.group === '' ? r.kind : `${r.kind}.${r.group}`;
}

/** Every group/version served, grouped by group (core first). */
function groupVersions(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of SANDBOX_RESOURCES) {
    const list = out.get(r.group) ?? [];
    for (const v of r.versions) if (!list.includes(v)) list.push(v);
    out.set(r.group, list);
  }
  return out;
}

/** GET /api. */
export function apiVersionsDoc(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /apis: a plain APIGroupList (kubectl accepts it even when it asked for aggregated discovery). */
export function apiGroupListDoc(): unknown {
  const groups = [...groupVersions()]
    .filter(([g]) => g !== '')
    .map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** GET /apis/GROUP. */
export function apiGroupDoc(group: string): unknown | undefined {
  const versions = groupVersions().get(group);
  if (!versions || group === '') return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: versions.map((version) => ({ groupVersion: `${group}/${version}`, version })),
    preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
  };
}

/** GET /api/v1, /apis/GROUP/VERSION: an APIResourceList, or undefined when not served. */
export function apiResourceListDoc(group: string, version: string): unknown | undefined {
  const served = SANDBOX_RESOURCES.filter((r) => r.group === group && r.versions.includes(version));
  if (served.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const r of served) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources) {
      if (sub === 'status') {
        resources.push({
          name: `${r.plural}/status`,
          singularName: '',
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['get', 'patch', 'update'],
        });
      } else {
        // The scale client (kubectl scale) finds the Scale kind through these fields.
        resources.push({
          name: `${r.plural}/scale`,
          singularName: '',
          namespaced: r.namespaced,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        });
      }
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

/** GET /version. */
export function versionDoc(): unknown {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-kruise-sandbox',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
