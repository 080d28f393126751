// Server-side defaults of the stored-only built-in kinds: the fields kube-apiserver fills in and
// clients read back (a StatefulSet's updateStrategy, a Job's backoffLimit, an HPA's behavior…).
// Pure: each takes an object and returns a new one.
import type { KubeObject } from '../kube/types.js';

// biome-ignore lint/suspicious/noExplicitAny: defaulting fills fields of many kinds' specs, not one TypeScript type
type Json = any;

/** The pod template defaults (validation.ts), passed in to keep one definition. */
export type TemplateDefaulter = (template: Record<string, unknown>) => Record<string, unknown>;

function withSpec(obj: KubeObject, fill: (spec: Json) => void): KubeObject {
  const spec: Json = structuredClone(obj.spec ?? {});
  fill(spec);
  return { ...obj, spec };
}

function template(spec: Json, key: string, podTemplate: TemplateDefaulter): void {
  if (spec[key] && typeof spec[key] === 'object') spec[key] = podTemplate(spec[key]);
}

export function defaultStatefulSet(obj: KubeObject, podTemplate: TemplateDefaulter): KubeObject {
  return withSpec(obj, (spec) => {
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy ??= { type: 'RollingUpdate' };
    if (spec.updateStrategy.type === 'RollingUpdate') spec.updateStrategy.rollingUpdate ??= { partition: 0 };
    spec.revisionHistoryLimit ??= 10;
    spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    if (Array.isArray(spec.volumeClaimTemplates)) {
      spec.volumeClaimTemplates = spec.volumeClaimTemplates.map((t: Json) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        ...t,
        spec: { volumeMode: 'Filesystem', ...(t?.spec ?? {}) },
        status: { phase: 'Pending' },
      }));
    }
    template(spec, 'template', podTemplate);
  });
}

export function defaultDaemonSet(obj: KubeObject, podTemplate: TemplateDefaulter): KubeObject {
  return withSpec(obj, (spec) => {
    spec.updateStrategy ??= { type: 'RollingUpdate' };
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...(spec.updateStrategy.rollingUpdate ?? {}) };
    }
    spec.revisionHistoryLimit ??= 10;
    template(spec, 'template', podTemplate);
  });
}

export function defaultReplicationController(obj: KubeObject, podTemplate: TemplateDefaulter): KubeObject {
  return withSpec(obj, (spec) => {
    spec.replicas ??= 1;
    const labels = spec.template?.metadata?.labels;
    if (!spec.selector && labels) spec.selector = { ...labels };
    template(spec, 'template', podTemplate);
  });
}

/** The Job defaults (the controller-uid selector a real server adds is not: no controller runs Jobs here). */
export function defaultJob(obj: KubeObject, podTemplate: TemplateDefaulter): KubeObject {
  return withSpec(obj, (spec) => {
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= 'TerminatingOrFailed';
    template(spec, 'template', podTemplate);
  });
}

export function defaultCronJob(obj: KubeObject, podTemplate: TemplateDefaulter): KubeObject {
  return withSpec(obj, (spec) => {
    spec.concurrencyPolicy ??= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    if (spec.jobTemplate?.spec) template(spec.jobTemplate.spec, 'template', podTemplate);
  });
}

/** autoscaling/v2's defaults (an autoscaling/v1 body only gets minReplicas: v1 has no behavior). */
export function defaultHpa(obj: KubeObject): KubeObject {
  const v2 = obj.apiVersion === 'autoscaling/v2';
  return withSpec(obj, (spec) => {
    spec.minReplicas ??= 1;
    if (!v2) return;
    if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
      spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    }
    const behavior = spec.behavior ?? {};
    behavior.scaleUp = {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
      ...(behavior.scaleUp ?? {}),
    };
    behavior.scaleDown = {
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      ...(behavior.scaleDown ?? {}),
    };
    spec.behavior = behavior;
  });
}

export function defaultVolumeClaim(obj: KubeObject): KubeObject {
  return withSpec(obj, (spec) => {
    spec.volumeMode ??= 'Filesystem';
  });
}

export function defaultVolume(obj: KubeObject): KubeObject {
  return withSpec(obj, (spec) => {
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
  });
}

export function defaultNetworkPolicy(obj: KubeObject): KubeObject {
  return withSpec(obj, (spec) => {
    if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
      spec.policyTypes = ['Ingress', ...(Array.isArray(spec.egress) && spec.egress.length ? ['Egress'] : [])];
    }
    for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
      if (Array.isArray(rule?.ports)) rule.ports = rule.ports.map((p: Json) => ({ protocol: 'TCP', ...p }));
    }
  });
}

/** Top-level fields (no spec): StorageClass, PriorityClass. */
export function defaultStorageClass(obj: KubeObject): KubeObject {
  const o: Json = { ...obj };
  o.reclaimPolicy ??= 'Delete';
  o.volumeBindingMode ??= 'Immediate';
  return o;
}

export function defaultPriorityClass(obj: KubeObject): KubeObject {
  const o: Json = { ...obj };
  o.preemptionPolicy ??= 'PreemptLowerPriority';
  return o;
}

/** A binding's subjects: the RBAC group for users and groups (a service account's empty group is omitted). */
export function defaultBinding(obj: KubeObject): KubeObject {
  const o: Json = { ...obj };
  if (Array.isArray(o.subjects)) {
    o.subjects = o.subjects.map((s: Json) =>
      s && typeof s === 'object' && !s.apiGroup && (s.kind === 'User' || s.kind === 'Group')
        ? { ...s, apiGroup: 'rbac.authorization.k8s.io' }
        : s,
    );
  }
  return o;
}

export function defaultCrd(obj: KubeObject): KubeObject {
  return withSpec(obj, (spec) => {
    spec.conversion ??= { strategy: 'None' };
  });
}
