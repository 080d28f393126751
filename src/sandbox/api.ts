// The API semantics between HTTP and the store: body checks, version conversion, admission,
// subresources (status, scale) and patches. Synchronous, so each write is atomic.
import type { KubeList, KubeObject } from '../kube/types.js';
import type { Rollout } from '../rollout/types.js';
import { CLONESET_RESOURCE, type CloneSet } from '../workload/cloneset.js';
import { ADVANCED_DAEMONSET_RESOURCE, type AdvancedDaemonSet } from '../workload/daemonset.js';
import { formatLabelSelector } from '../workload/label-selector.js';
import { ADVANCED_STATEFULSET_RESOURCE, STATEFULSET_RESOURCE, type StatefulSetLike } from '../workload/statefulset.js';
import type { Deployment, LabelSelector, ReplicaSet } from '../workload/types.js';
import { validateRollout } from './admission.js';
import { rolloutFromStorage, rolloutToStorage } from './convert.js';
import { convertBuiltin } from './convert-builtin.js';
import { badRequest, invalidFields, notFound, StatusError, statusFailure } from './errors.js';
import { applyPatch, PatchError, type PatchType } from './patch.js';
import { apiVersionOf, type SandboxResource } from './resources.js';
import { applySchemaDefaults, pruneUnknown, type StructuralSchema, validateAgainstSchema } from './schema.js';
import type { ObjectFilter } from './selectors.js';
import { allocatedBy, allocateService } from './service.js';
import type { DeleteOptions, SandboxStore } from './store.js';
import type { WorkloadAdmission } from './types.js';
import { applyDefaults, checkBody, type RequestTarget, validateObject } from './validation.js';

/** A request's object address: resource, version asked for, namespace, name, subresource. */
export interface Target extends RequestTarget {
  subresource?: 'status' | 'scale';
}

/** The API operations, in the version the client asked for. */
export class SandboxApi {
  constructor(
    readonly store: SandboxStore,
    private readonly workloadAdmission?: WorkloadAdmission,
  ) {}

  /** A stored object in the requested version. */
  toVersion(r: SandboxResource, version: string, obj: KubeObject): KubeObject {
    if (r.key === 'rollouts') return rolloutFromStorage(obj as Rollout, version as 'v1alpha1' | 'v1beta1');
    if (r.versions.length > 1) return convertBuiltin(r, version, obj);
    return obj;
  }

  private toStorage(r: SandboxResource, obj: KubeObject): KubeObject {
    if (r.versions.length > 1 && r.key !== 'rollouts') return convertBuiltin(r, r.versions[0]!, obj);
    if (r.key !== 'rollouts') return obj;
    try {
      return rolloutToStorage(obj);
    } catch (err) {
      // A body the conversion cannot read is the client's fault, as a decode error would be.
      throw badRequest(`Rollout in version "${obj.apiVersion.split('/')[1]}" cannot be handled as a Rollout: ${(err as Error).message}`);
    }
  }

  private current(t: Target): KubeObject {
    const obj = this.store.get(t.resource.key, t.namespace, t.name!);
    if (!obj) throw notFound(t.resource, t.name!);
    return obj;
  }

  /** GET one object (or its scale). */
  get(t: Target): unknown {
    const obj = this.current(t);
    if (t.subresource === 'scale') return toScale(t.resource, obj);
    return this.toVersion(t.resource, t.version, obj);
  }

  /** GET a collection. */
  list(t: Target, filter: ObjectFilter): KubeList {
    const r = t.resource;
    const items = this.store.list(r.key, filter).map((o) => this.toVersion(r, t.version, o));
    items.sort((a, b) => compareKeys(a, b));
    return {
      apiVersion: apiVersionOf(r.group, t.version),
      kind: `${r.kind}List`,
      metadata: { resourceVersion: String(this.store.resourceVersion) },
      items,
    };
  }

  /** POST to a collection. */
  create(t: Target, body: unknown): KubeObject {
    const r = t.resource;
    const obj = this.structural(t, checkBody(body, { ...t, name: undefined }));
    validateObject(obj, r);
    const defaulted = this.allocate(r, applyDefaults(obj, r), undefined);
    let stored = this.toStorage(r, defaulted);
    if (r.key === 'rollouts') this.admitRollout(stored as Rollout, undefined);
    checkSize(stored);
    stored = this.store.create(r.key, stored);
    const created = this.toVersion(r, t.version, stored);
    // The garbage collector deletes a dependent whose controller is already gone (a create that
    // raced with its owner's deletion); the sandbox does it at once.
    if (this.controllerGone(stored)) this.store.delete(r.key, stored.metadata.namespace, stored.metadata.name!);
    return created;
  }

  /**
   * A custom resource as its CRD's schema (for the version written) makes it: defaults filled
   * in, unknown fields pruned, then validated (422 with every violation). Other kinds: as is.
   */
  private structural(t: Target, obj: KubeObject): KubeObject {
    const r = t.resource;
    if (!r.crd) return obj;
    const crd = this.store.get('customresourcedefinitions', undefined, r.crd);
    const versions = (crd?.spec?.versions ?? []) as { name: string; schema?: { openAPIV3Schema?: StructuralSchema } }[];
    const schema = versions.find((v) => v.name === t.version)?.schema?.openAPIV3Schema;
    if (!schema) return obj;
    const shaped = pruneUnknown(applySchemaDefaults(obj, schema), schema, true) as KubeObject;
    const errors = validateAgainstSchema(shaped, schema);
    if (t.subresource === 'status') {
      const onlyStatus = errors.filter((e) => e.field === 'status' || e.field.startsWith('status.'));
      if (onlyStatus.length) throw invalidFields(r, shaped.metadata.name ?? '', onlyStatus);
    } else if (errors.length) throw invalidFields(r, shaped.metadata.name ?? '', errors);
    return shaped;
  }

  /** Whether the object's controller reference names an object (of a served kind) that no longer exists. */
  private controllerGone(obj: KubeObject): boolean {
    const ref = (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
    const owner = ref ? this.store.resources.byKind(ref.apiVersion, ref.kind) : undefined;
    if (!ref || !owner) return false;
    const cur = this.store.get(owner.key, owner.namespaced ? obj.metadata.namespace : undefined, ref.name);
    return !cur || cur.metadata.uid !== ref.uid;
  }

  /** PUT to an object, its status or its scale. */
  update(t: Target, body: unknown): unknown {
    if (t.subresource === 'scale') return this.updateScale(t, body);
    const obj = this.structural(t, checkBody(body, t));
    return this.write(t, obj);
  }

  /** PATCH an object, its status or its scale. */
  patch(t: Target, patch: unknown, type: PatchType): unknown {
    const r = t.resource;
    const cur = this.current(t);
    const doc = t.subresource === 'scale' ? toScale(r, cur) : this.toVersion(r, t.version, cur);
    let patched: unknown;
    try {
      patched = applyPatch(doc, patch, type, t.subresource === 'scale' ? 'Scale' : r.kind, !!r.crd && t.subresource !== 'scale');
    } catch (err) {
      if (err instanceof PatchError) throw new StatusError(statusFailure(err.code, err.message));
      throw err;
    }
    if (t.subresource === 'scale') return this.updateScale(t, patched);
    const obj = this.structural(t, checkBody(patched, t));
    return this.write(t, obj);
  }

  private write(t: Target, obj: KubeObject): KubeObject {
    const r = t.resource;
    if (t.subresource !== 'status') validateObject(obj, r);
    let next = this.toStorage(r, t.subresource === 'status' ? obj : applyDefaults(obj, r));
    checkSize(next);
    if (t.subresource === 'status') {
      // Only .status (and the preconditions) of the body count for the status subresource.
      const stored = this.store.update(r.key, next, { subresource: 'status' });
      return this.toVersion(r, t.version, stored);
    }
    const old = this.current(t);
    next = this.allocate(r, next, old);
    if (r.key === 'rollouts') this.admitRollout(next as Rollout, old as Rollout);
    if (r.key === 'deployments') next = this.admitDeployment(old as Deployment, next as Deployment);
    if (r.key === CLONESET_RESOURCE && old && this.workloadAdmission?.admitCloneSetUpdate) {
      const rollouts = this.store.list<Rollout>('rollouts', { namespace: old.metadata.namespace });
      next = this.workloadAdmission.admitCloneSetUpdate(old as CloneSet, next as CloneSet, { rollouts });
    }
    if (
      (r.key === STATEFULSET_RESOURCE || r.key === ADVANCED_STATEFULSET_RESOURCE) &&
      old &&
      this.workloadAdmission?.admitStatefulSetUpdate
    ) {
      const rollouts = this.store.list<Rollout>('rollouts', { namespace: old.metadata.namespace });
      next = this.workloadAdmission.admitStatefulSetUpdate(old as StatefulSetLike, next as StatefulSetLike, { rollouts });
    }
    if (r.key === ADVANCED_DAEMONSET_RESOURCE && old && this.workloadAdmission?.admitDaemonSetUpdate) {
      const rollouts = this.store.list<Rollout>('rollouts', { namespace: old.metadata.namespace });
      next = this.workloadAdmission.admitDaemonSetUpdate(old as AdvancedDaemonSet, next as AdvancedDaemonSet, { rollouts });
    }
    return this.toVersion(r, t.version, this.store.update(r.key, next));
  }

  /** What the Service registry allocates from the cluster's ranges (other kinds: unchanged). */
  private allocate(r: SandboxResource, obj: KubeObject, old: KubeObject | undefined): KubeObject {
    if (r.key !== 'services') return obj;
    const services = this.store.list('services', {});
    return allocateService(r, obj, old, allocatedBy(services, old?.metadata));
  }

  /** Runs the workload admission (if any) on a Deployment update, as Kruise's webhook does. */
  admitDeployment(old: Deployment, next: Deployment): Deployment {
    if (!this.workloadAdmission) return next;
    const ns = old.metadata.namespace;
    const rollouts = this.store.list<Rollout>('rollouts', { namespace: ns });
    const replicaSets = this.store
      .dependentsOf<ReplicaSet>(old.metadata.uid!, 'replicasets')
      .filter((rs) => (rs.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === old.metadata.uid));
    return this.workloadAdmission.admitDeploymentUpdate(old, next, { rollouts, replicaSets });
  }

  private admitRollout(obj: Rollout, old: Rollout | undefined): void {
    const others = this.store
      .list<Rollout>('rollouts', { namespace: obj.metadata.namespace })
      .filter((o) => o.metadata.name !== obj.metadata.name);
    let message: string | undefined;
    try {
      message = validateRollout(obj, old, others);
    } catch (err) {
      message = `invalid Rollout: ${(err as Error).message}`;
    }
    if (message) {
      throw new StatusError(
        statusFailure(422, `admission webhook "vrollout.kb.io" denied the request: ${message}`, 'Invalid', {
          name: obj.metadata.name,
          group: 'rollouts.kruise.io',
          kind: 'Rollout',
          causes: [{ reason: 'FieldValueInvalid', message }],
        }),
      );
    }
  }

  private updateScale(t: Target, body: unknown): unknown {
    const r = t.resource;
    const cur = this.current(t);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('the object provided is unrecognized (must be of type Scale)');
    const scale = body as { kind?: string; metadata?: { resourceVersion?: string; name?: string }; spec?: { replicas?: unknown } };
    if (scale.kind !== undefined && scale.kind !== 'Scale') throw badRequest(`${scale.kind} in version "v1" cannot be handled as a Scale`);
    if (scale.metadata?.name && scale.metadata.name !== t.name) {
      throw badRequest(`the name of the object (${scale.metadata.name}) does not match the name on the URL (${t.name})`);
    }
    const replicas = scale.spec?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas))
      throw badRequest('Scale in version "v1" cannot be handled as a Scale: spec.replicas must be an integer');
    if (replicas < 0) {
      throw new StatusError(
        statusFailure(
          422,
          `Scale.autoscaling "${t.name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
          'Invalid',
        ),
      );
    }
    const next = setPath(
      { ...cur, metadata: { ...cur.metadata, resourceVersion: scale.metadata?.resourceVersion || cur.metadata.resourceVersion } },
      scalePaths(r).spec,
      replicas,
    );
    return toScale(r, this.store.update(r.key, next));
  }

  /** DELETE one object: returns its last state. */
  delete(t: Target, opts: DeleteOptions): KubeObject {
    const obj = this.store.delete(t.resource.key, t.namespace, t.name!, opts);
    return this.toVersion(t.resource, t.version, obj);
  }

  /** DELETE a collection (with selectors). */
  deleteCollection(t: Target, filter: ObjectFilter, opts: DeleteOptions): KubeList {
    const list = this.list(t, filter);
    const items: KubeObject[] = [];
    for (const o of list.items) {
      if (!this.store.get(t.resource.key, o.metadata.namespace, o.metadata.name!)) continue;
      items.push(this.delete({ ...t, namespace: o.metadata.namespace, name: o.metadata.name }, opts));
    }
    return { ...list, items };
  }
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Where a kind keeps its replicas and selector: the CRD's scale paths, else the built-in kinds' fields. */
function scalePaths(r: SandboxResource): { spec: string; status: string; selector?: string } {
  if (r.scale) return { spec: r.scale.specReplicasPath, status: r.scale.statusReplicasPath, selector: r.scale.labelSelectorPath };
  return { spec: '.spec.replicas', status: '.status.replicas' };
}

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A copy of obj with the value at a dotted path set (objects on the way copied or created). */
function setPath<T>(obj: T, path: string, value: unknown): T {
  const keys = path.replace(/^\./, '').split('.');
  const set = (cur: unknown, i: number): unknown => {
    const o = cur && typeof cur === 'object' && !Array.isArray(cur) ? { ...(cur as Record<string, unknown>) } : {};
    o[keys[i]!] = i === keys.length - 1 ? value : set(o[keys[i]!], i + 1);
    return o;
  };
  return set(obj, 0) as T;
}

/** The autoscaling/v1 Scale of an object with a scale subresource. */
function toScale(r: SandboxResource, obj: KubeObject): unknown {
  const paths = scalePaths(r);
  // A ReplicationController's selector is a plain map; the others' a LabelSelector.
  const selector = paths.selector
    ? getPath(obj, paths.selector)
    : r.kind === 'ReplicationController'
      ? formatLabelSelector({ matchLabels: obj.spec?.selector as Record<string, string> | undefined })
      : formatLabelSelector(obj.spec?.selector as LabelSelector | undefined);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: (getPath(obj, paths.spec) as number | undefined) ?? (r.crd ? 0 : 1) },
    status: {
      replicas: (getPath(obj, paths.status) as number | undefined) ?? 0,
      ...(selector ? { selector } : r.crd ? {} : { selector: '' }),
    },
  };
}

/** etcd's default --max-request-bytes: the largest object a real cluster stores. */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** 413 for an object etcd would refuse, as kube-apiserver passes etcd's error on. */
function checkSize(obj: KubeObject): void {
  const bytes = Buffer.byteLength(JSON.stringify(obj));
  if (bytes <= MAX_OBJECT_BYTES) return;
  throw new StatusError(
    statusFailure(
      413,
      `etcdserver: request is too large (the object is ${bytes} bytes; the limit is ${MAX_OBJECT_BYTES})`,
      'RequestEntityTooLarge',
    ),
  );
}
