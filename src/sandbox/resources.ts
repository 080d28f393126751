// The API resources the sandbox serves, and the discovery documents built from them: the
// built-in kinds (builtin-kinds.ts) and, per store, the kinds of the CustomResourceDefinitions
// it holds (applied at run time, or the embedded Kruise ones).
import { BUILTIN_KINDS } from './builtin-kinds.js';
/** One served resource: enough to route a URL and to answer discovery. */
export interface SandboxResource {
  /** The store's key: the plural for built-in kinds, `plural.group` for custom resources. */
  key: string;
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
  initialStatus?: Record<string, unknown> | ((obj: { spec?: Record<string, unknown> }) => Record<string, unknown>);
  /** With a status subresource: a create still keeps the status the client sent (Nodes). */
  keepStatusOnCreate?: boolean;
  /** Served from a CustomResourceDefinition (its name), not built in. */
  crd?: string;
  /** A custom resource's scale subresource paths (built-in kinds: spec.replicas, status.replicas, spec.selector). */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

/** Kubernetes' version priority: GA > beta > alpha, higher numbers first, others last by name. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const level = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: unknown; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
}

interface CrdLike {
  metadata: { name?: string; deletionTimestamp?: string };
  spec?: {
    group?: string;
    scope?: string;
    names?: { plural?: string; singular?: string; kind?: string; shortNames?: string[]; categories?: string[] };
    versions?: CrdVersion[];
  };
}

/** The served kind of a CustomResourceDefinition, or undefined when it serves nothing. */
export function resourceOfCrd(crd: CrdLike): SandboxResource | undefined {
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group || !names.plural || !names.kind) return undefined;
  const served = (spec.versions ?? []).filter((v) => v.served !== false);
  if (served.length === 0) return undefined;
  const storage = served.find((v) => v.storage) ?? served[0]!;
  const subs = storage.subresources ?? {};
  const subresources: ('status' | 'scale')[] = [];
  if (subs.status) subresources.push('status');
  if (subs.scale) subresources.push('scale');
  return {
    key: `${names.plural}.${spec.group}`,
    plural: names.plural,
    group: spec.group,
    versions: served.map((v) => v.name).sort(compareVersions),
    kind: names.kind,
    singular: names.singular || names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
    ...(names.categories?.length ? { categories: names.categories } : {}),
    subresources,
    verbs: ALL_VERBS,
    crd: crd.metadata.name,
    ...(subs.scale ? { scale: subs.scale } : {}),
  };
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * What one sandbox serves: the built-in kinds, plus the kinds of the CRDs in its store (kept up
 * to date by the store as CRDs come and go). A CRD naming a built-in kind adds nothing.
 */
export class ResourceRegistry {
  private readonly byPath = new Map<string, SandboxResource>();
  private readonly byKey = new Map<string, SandboxResource>();
  /** CRD name → the key of the kind it serves. */
  private readonly fromCrd = new Map<string, string>();
  private all: SandboxResource[] = [];

  constructor() {
    for (const r of BUILTIN_KINDS) this.add(r);
  }

  private add(r: SandboxResource): void {
    this.byKey.set(r.key, r);
    for (const v of r.versions) this.byPath.set(`${r.group}/${v}/${r.plural}`, r);
    this.all = [...this.byKey.values()];
  }

  private removeKey(key: string): void {
    const r = this.byKey.get(key);
    if (!r) return;
    this.byKey.delete(key);
    for (const v of r.versions) if (this.byPath.get(`${r.group}/${v}/${r.plural}`) === r) this.byPath.delete(`${r.group}/${v}/${r.plural}`);
    this.all = [...this.byKey.values()];
  }

  /** Serves (or stops serving) the kind of a CRD that was stored, changed or removed (undefined). */
  setCrd(name: string, crd: CrdLike | undefined): void {
    const oldKey = this.fromCrd.get(name);
    if (oldKey) {
      this.removeKey(oldKey);
      this.fromCrd.delete(name);
    }
    const r = crd ? resourceOfCrd(crd) : undefined;
    if (!r) return;
    const builtin = BUILTIN_KINDS.some((b) => b.group === r.group && b.plural === r.plural);
    if (builtin || this.byKey.has(r.key)) return;
    this.add(r);
    this.fromCrd.set(name, r.key);
  }

  /** The store key of the kind a CRD serves, if it serves one. */
  keyOfCrd(name: string): string | undefined {
    return this.fromCrd.get(name);
  }

  /** Every served resource. */
  list(): readonly SandboxResource[] {
    return this.all;
  }

  /** The resource served at group/version/plural, if any. */
  find(group: string, version: string, plural: string): SandboxResource | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The resource stored under this key (throws for an unknown one: a bug, not a request). */
  byStoreKey(key: string): SandboxResource {
    const r = this.byKey.get(key);
    if (!r) throw new Error(`unknown sandbox resource ${key}`);
    return r;
  }

  /** The resource stored under this key, if it is (still) served. */
  maybe(key: string): SandboxResource | undefined {
    return this.byKey.get(key);
  }

  /** The resource of an owner reference's apiVersion and kind, if the sandbox serves it. */
  byKind(apiVersion: string, kind: string): SandboxResource | undefined {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
    return this.all.find((r) => r.group === group && r.kind === kind);
  }

  /** Every group/version served, grouped by group (core first). */
  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    out.set('', ['v1']);
    for (const r of this.all) {
      const list = out.get(r.group) ?? [];
      for (const v of r.versions) if (!list.includes(v)) list.push(v);
      out.set(r.group, list);
    }
    for (const [g, list] of out) out.set(g, list.sort(compareVersions));
    return out;
  }
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

/** GET /api. */
export function apiVersionsDoc(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /apis: a plain APIGroupList (kubectl accepts it even when it asked for aggregated discovery). */
export function apiGroupListDoc(registry: ResourceRegistry): unknown {
  const groups = [...registry.groupVersions()]
    .filter(([g]) => g !== '')
    .map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** GET /apis/GROUP. */
export function apiGroupDoc(registry: ResourceRegistry, group: string): unknown | undefined {
  const versions = registry.groupVersions().get(group);
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
export function apiResourceListDoc(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const served = registry.list().filter((r) => r.group === group && r.versions.includes(version));
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
    if (r.key === 'pods') {
      // Served with an error that says why: there is no container runtime (routes.ts).
      for (const [sub, verbs] of [
        ['attach', ['create', 'get']],
        ['exec', ['create', 'get']],
        ['log', ['get']],
        ['portforward', ['create', 'get']],
      ] as const) {
        resources.push({
          name: `pods/${sub}`,
          singularName: '',
          namespaced: true,
          kind: sub === 'log' ? 'Pod' : `Pod${sub === 'exec' ? 'ExecOptions' : sub === 'attach' ? 'AttachOptions' : 'PortForwardOptions'}`,
          verbs,
        });
      }
    }
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
