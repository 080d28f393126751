// Shape checks on request bodies: what the API server's decoder (400) and validation (422)
// refuse before anything is stored. Pure.
import type { KubeObject } from '../kube/types.js';
import { matchesSelector } from '../workload/label-selector.js';
import type { LabelSelector } from '../workload/types.js';
import { badRequest, invalid, invalidFields } from './errors.js';
import {
  defaultBinding,
  defaultCrd,
  defaultCronJob,
  defaultDaemonSet,
  defaultHpa,
  defaultJob,
  defaultNetworkPolicy,
  defaultPriorityClass,
  defaultReplicationController,
  defaultStatefulSet,
  defaultStorageClass,
  defaultVolume,
  defaultVolumeClaim,
} from './kind-defaults.js';
import { apiVersionOf, type SandboxResource } from './resources.js';
import { defaultSecret, defaultService } from './service.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Where the request put the object: the URL's namespace and name (for PUT/PATCH). */
export interface RequestTarget {
  resource: SandboxResource;
  version: string;
  namespace?: string;
  name?: string;
}

/**
 * Checks the decoded body against the URL and fills in apiVersion/kind/namespace as the server
 * defaults them. Returns a new object.
 */
export function checkBody(body: unknown, t: RequestTarget): KubeObject {
  const r = t.resource;
  const expected = apiVersionOf(r.group, t.version);
  if (!isPlainObject(body)) {
    throw badRequest(`the object provided is unrecognized (must be of type ${r.kind}): expected a JSON object, got ${typeName(body)}`);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== undefined && body.kind !== r.kind) {
    throw badRequest(
      `${String(body.kind)} in version "${t.version}" cannot be handled as a ${r.kind}: the kind in the data does not match the URL`,
    );
  }
  if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
    throw badRequest(
      `${r.kind} in version "${t.version}" cannot be handled as a ${r.kind}: metadata must be an object, got ${typeName(body.metadata)}`,
    );
  }
  const meta = { ...((body.metadata as Record<string, unknown>) ?? {}) };
  for (const field of ['labels', 'annotations'] as const) {
    const m = meta[field];
    if (m === undefined || m === null) continue;
    if (!isPlainObject(m) || Object.values(m).some((v) => typeof v !== 'string')) {
      throw badRequest(`${r.kind} in version "${t.version}" cannot be handled as a ${r.kind}: metadata.${field} must be a map of strings`);
    }
  }
  for (const field of ['name', 'namespace', 'generateName', 'resourceVersion'] as const) {
    if (meta[field] !== undefined && typeof meta[field] !== 'string') {
      throw badRequest(
        `${r.kind} in version "${t.version}" cannot be handled as a ${r.kind}: metadata.${field} must be a string, got ${typeName(meta[field])}`,
      );
    }
  }
  if (body.spec !== undefined && !isPlainObject(body.spec)) {
    throw badRequest(
      `${r.kind} in version "${t.version}" cannot be handled as a ${r.kind}: spec must be an object, got ${typeName(body.spec)}`,
    );
  }
  if (r.namespaced) {
    if (meta.namespace && t.namespace && meta.namespace !== t.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = meta.namespace || t.namespace;
    if (!meta.namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
  } else delete meta.namespace;
  if (t.name !== undefined) {
    if (!meta.name) meta.name = t.name;
    else if (meta.name !== t.name)
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${t.name})`);
  }
  return dropNulls({ ...body, apiVersion: expected, kind: r.kind, metadata: meta }) as KubeObject;
}

/**
 * The object without null-valued fields, as decoding into Go types (built-ins) or pruning
 * (structural CRDs) leaves it: `creationTimestamp: null` in a template kubectl sends back must
 * not make it a different template.
 */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
    return out;
  }
  return value;
}

/** Validation of a create or update of the main resource (422 on the first violation). */
export function validateObject(obj: KubeObject, r: SandboxResource): void {
  const name = obj.metadata.name ?? '';
  if (!name && !obj.metadata.generateName) throw invalid(r, '', 'metadata.name', 'Required value: name or generateName is required');
  if (name && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
    throw invalid(
      r,
      name,
      'metadata.name',
      `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  if (r.kind === 'Deployment' || r.kind === 'ReplicaSet') validateWorkload(obj, r, name);
  if (r.key === 'customresourcedefinitions') validateCrd(obj, r, name);
  if (r.kind === 'Pod') {
    if (!obj.spec || !Array.isArray(obj.spec.containers) || obj.spec.containers.length === 0) {
      throw invalid(r, name, 'spec.containers', 'Required value');
    }
  }
}

/** What kube-apiserver checks first on a CRD: its name, names, scope and versions (422 with every violation). */
function validateCrd(obj: KubeObject, r: SandboxResource, name: string): void {
  const spec = (obj.spec ?? {}) as {
    group?: string;
    scope?: string;
    names?: { plural?: string; kind?: string };
    versions?: { name?: string; served?: boolean; storage?: boolean }[];
  };
  const errors: { field: string; reason: string; message: string }[] = [];
  const required = (field: string) => errors.push({ field, reason: 'FieldValueRequired', message: 'Required value' });
  if (!spec.group) required('spec.group');
  if (!spec.names?.plural) required('spec.names.plural');
  if (!spec.names?.kind) required('spec.names.kind');
  if (spec.group && spec.names?.plural && name !== `${spec.names.plural}.${spec.group}`) {
    errors.push({
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
    });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({
      field: 'spec.scope',
      reason: spec.scope === undefined ? 'FieldValueRequired' : 'FieldValueNotSupported',
      message:
        spec.scope === undefined ? 'Required value' : `Unsupported value: "${spec.scope}": supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0)
    errors.push({
      field: 'spec.versions',
      reason: 'FieldValueInvalid',
      message: 'Invalid value: null: must have exactly one version marked as storage version',
    });
  else if (versions.filter((v) => v?.storage).length !== 1) {
    errors.push({
      field: 'spec.versions',
      reason: 'FieldValueInvalid',
      message: 'Invalid value: must have exactly one version marked as storage version',
    });
  }
  if (errors.length) throw invalidFields(r, name, errors);
}

function validateWorkload(obj: KubeObject, r: SandboxResource, name: string): void {
  const spec = obj.spec as Record<string, unknown> | undefined;
  if (!spec) throw invalid(r, name, 'spec.selector', 'Required value');
  const replicas = spec.replicas;
  if (replicas !== undefined && replicas !== null) {
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw badRequest(
        `${r.kind} in version "v1" cannot be handled as a ${r.kind}: spec.replicas must be an integer, got ${typeName(replicas)}`,
      );
    }
    if (replicas < 0) throw invalid(r, name, 'spec.replicas', `Invalid value: ${replicas}: must be greater than or equal to 0`);
  }
  if (!isPlainObject(spec.selector)) throw invalid(r, name, 'spec.selector', 'Required value');
  if (!isPlainObject(spec.template)) throw invalid(r, name, 'spec.template', 'Required value');
  const selector = spec.selector as LabelSelector;
  if (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length) {
    throw invalid(r, name, 'spec.selector', 'Invalid value: empty selector is invalid for deployment');
  }
  const template = spec.template as { metadata?: { labels?: Record<string, string> }; spec?: { containers?: unknown } };
  const podSpec = template.spec;
  if (podSpec !== undefined && !isPlainObject(podSpec)) {
    throw badRequest(
      `${r.kind} in version "v1" cannot be handled as a ${r.kind}: spec.template.spec must be an object, got ${typeName(podSpec)}`,
    );
  }
  if (!Array.isArray(podSpec?.containers) || podSpec.containers.length === 0)
    throw invalid(r, name, 'spec.template.spec.containers', 'Required value');
  if (podSpec.containers.some((c) => !isPlainObject(c) || typeof c.name !== 'string' || !c.name)) {
    throw invalid(r, name, 'spec.template.spec.containers[].name', 'Required value');
  }
  const labels = template.metadata?.labels;
  if (!matchesSelector(labels, selector)) {
    throw invalid(
      r,
      name,
      'spec.template.metadata.labels',
      `Invalid value: ${JSON.stringify(labels ?? {})}: \`selector\` does not match template \`labels\``,
    );
  }
}

/** The server-side defaults of each kind that has them. */
const DEFAULTERS: Record<string, (obj: KubeObject, r: SandboxResource) => KubeObject> = {
  Deployment: defaultWorkload,
  ReplicaSet: defaultWorkload,
  Service: defaultService,
  Secret: defaultSecret,
  StatefulSet: (o) => defaultStatefulSet(o, defaultPodTemplate),
  DaemonSet: (o) => defaultDaemonSet(o, defaultPodTemplate),
  ReplicationController: (o) => defaultReplicationController(o, defaultPodTemplate),
  Job: (o) => defaultJob(o, defaultPodTemplate),
  CronJob: (o) => defaultCronJob(o, defaultPodTemplate),
  PodTemplate: (o) => ({ ...o, template: o.template ? defaultPodTemplate(o.template as Record<string, unknown>) : o.template }),
  HorizontalPodAutoscaler: defaultHpa,
  PersistentVolumeClaim: defaultVolumeClaim,
  PersistentVolume: defaultVolume,
  NetworkPolicy: defaultNetworkPolicy,
  StorageClass: defaultStorageClass,
  PriorityClass: defaultPriorityClass,
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
  CustomResourceDefinition: defaultCrd,
};

/** Server-side defaults clients read back (replicas 1, RollingUpdate 25%/25%, Service type ClusterIP, ...). Returns a new object. */
export function applyDefaults(obj: KubeObject, r: SandboxResource): KubeObject {
  const defaulter = r.crd ? undefined : DEFAULTERS[r.kind];
  return defaulter ? defaulter(obj, r) : obj;
}

function defaultWorkload(obj: KubeObject, r: SandboxResource): KubeObject {
  const spec = { ...(obj.spec as Record<string, unknown>) };
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (r.kind === 'Deployment') {
    const strategy = { ...((spec.strategy as Record<string, unknown> | undefined) ?? {}) };
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...((strategy.rollingUpdate as object | undefined) ?? {}) };
    }
    spec.strategy = strategy;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
  }
  if (spec.template && typeof spec.template === 'object') spec.template = defaultPodTemplate(spec.template as Record<string, unknown>);
  return { ...obj, spec };
}

/**
 * The pod template defaults a real API server stores. They matter beyond looks: clients send
 * templates back as they read them (`kubectl rollout undo` copies a ReplicaSet's template, with
 * `resources: {}`), and a template compares equal to its ReplicaSet's only if both are defaulted.
 */
function defaultPodTemplate(template: Record<string, unknown>): Record<string, unknown> {
  const podSpec = template.spec;
  if (!podSpec || typeof podSpec !== 'object' || Array.isArray(podSpec)) return template;
  const spec = { ...(podSpec as Record<string, unknown>) };
  for (const field of ['containers', 'initContainers']) {
    if (!Array.isArray(spec[field])) continue;
    spec[field] = (spec[field] as unknown[]).map((c) => {
      if (!c || typeof c !== 'object' || Array.isArray(c)) return c;
      const container = { ...(c as Record<string, unknown>) };
      container.resources ??= {};
      if (Array.isArray(container.ports)) {
        container.ports = container.ports.map((p) => (p && typeof p === 'object' && !Array.isArray(p) ? { protocol: 'TCP', ...p } : p));
      }
      container.terminationMessagePath ??= '/dev/termination-log';
      container.terminationMessagePolicy ??= 'File';
      if (typeof container.image === 'string') container.imagePullPolicy ??= pullPolicyFor(container.image);
      return container;
    });
  }
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  return { ...template, spec };
}

/** Kubernetes' default: Always for `:latest` or an untagged image, else IfNotPresent. */
function pullPolicyFor(image: string): string {
  const name = image.split('@')[0]!;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}
