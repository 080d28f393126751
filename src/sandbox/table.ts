// Server-side printing: kubectl get asks for a meta.k8s.io Table (Accept: …;as=Table…) and prints
// its columns. Built-in kinds get kubectl's usual columns; custom resources get the CRD's
// additionalPrinterColumns. Pure: time comes in as a value.
import { humanDuration } from '../kube/time.js';
import type { KubeObject } from '../kube/types.js';
import { formatLabelSelector } from '../workload/label-selector.js';
import type { LabelSelector } from '../workload/types.js';
import type { SandboxResource } from './resources.js';

/** A column of a Table. */
interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

/** Which Table version the Accept header asks for, if any. */
export function wantedTable(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((s) => s.trim());
    if (!params.includes('as=Table') || !params.includes('g=meta.k8s.io')) continue;
    if (params.includes('v=v1')) return 'v1';
    if (params.includes('v=v1beta1')) return 'v1beta1';
  }
  return undefined;
}

const col = (name: string, type: TableColumn['type'] = 'string', priority = 0, format = ''): TableColumn => ({
  name,
  type,
  format,
  description: name,
  priority,
});
const NAME = col('Name', 'string', 0, 'name');

function age(obj: KubeObject, now: Date): string {
  const t = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? humanDuration(now.getTime() - t) : '<unknown>';
}

function selectorText(selector: LabelSelector | undefined): string {
  return formatLabelSelector(selector) || '<none>';
}

function containers(obj: KubeObject): { name: string; image?: string }[] {
  return (obj.spec?.template?.spec?.containers ?? []) as { name: string; image?: string }[];
}

/** The `-o wide` columns of a workload with a pod template: its containers, their images (and its selector). */
const WIDE_TEMPLATE = [col('Containers', 'string', 1), col('Images', 'string', 1)];
const WIDE_WORKLOAD = [...WIDE_TEMPLATE, col('Selector', 'string', 1)];

function wideTemplateCells(o: KubeObject): string[] {
  const cs = containers(o);
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

function wideWorkloadCells(o: KubeObject): string[] {
  return [...wideTemplateCells(o), selectorText(o.spec?.selector)];
}

function podReady(pod: KubeObject): string {
  const total = (pod.spec?.containers ?? []).length;
  const statuses = (pod.status?.containerStatuses ?? []) as { ready?: boolean }[];
  const ready = statuses.length
    ? statuses.filter((s) => s.ready).length
    : (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')
      ? total
      : 0;
  return `${ready}/${total}`;
}

interface PortLike {
  port?: number;
  nodePort?: number;
  protocol?: string;
  name?: string;
}

/** kubectl's PORT(S): 80/TCP, 80:30080/TCP, joined by commas. */
function servicePorts(ports: PortLike[] | undefined): string {
  if (!ports?.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function loadBalancerAddresses(o: KubeObject): string[] {
  return ((o.status?.loadBalancer?.ingress ?? []) as { ip?: string; hostname?: string }[])
    .map((i) => i.ip || i.hostname || '')
    .filter(Boolean);
}

/** kubectl's EXTERNAL-IP: external IPs and load-balancer addresses, <pending> while a LoadBalancer has none. */
function serviceExternalIP(o: KubeObject): string {
  const spec = (o.spec ?? {}) as { type?: string; externalIPs?: string[]; externalName?: string };
  const ips = [...(spec.externalIPs ?? []), ...(spec.type === 'LoadBalancer' ? loadBalancerAddresses(o) : [])];
  if (spec.type === 'ExternalName') return spec.externalName ?? '<none>';
  if (ips.length) return ips.join(',');
  return spec.type === 'LoadBalancer' ? '<pending>' : '<none>';
}

/** kubectl's ENDPOINTS: up to three ip:port, then "+ N more...". */
function endpointsText(o: KubeObject): string {
  const all: string[] = [];
  for (const subset of (o.subsets ?? []) as { addresses?: { ip: string }[]; ports?: PortLike[] }[]) {
    const ports = subset.ports?.length ? subset.ports : [{}];
    for (const a of subset.addresses ?? []) for (const p of ports) all.push(p.port === undefined ? a.ip : `${a.ip}:${p.port}`);
  }
  return firstThree(all, '<none>');
}

/** kubectl's way with long lists: three items, then "+ N more...". */
function firstThree(all: string[], none: string): string {
  if (!all.length) return none;
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

interface IngressRule {
  host?: string;
}

/** kubectl's Ingress HOSTS: the rules' hosts (* for a rule without one). */
function ingressHosts(o: KubeObject): string {
  const rules = (o.spec?.rules ?? []) as IngressRule[];
  return rules.length ? rules.map((r) => r.host || '*').join(',') : '*';
}

const countOf = (...maps: unknown[]): number =>
  maps.reduce<number>((n, m) => n + (m && typeof m === 'object' ? Object.keys(m).length : 0), 0);

/** The API server's default Table (kinds without printer columns of their own). */
const CREATED_AT: Printer = {
  columns: [NAME, col('Created At', 'date')],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};

type Printer = { columns: TableColumn[]; cells: (o: KubeObject, now: Date) => unknown[] };

const joinOr = (items: string[], none = '<none>'): string => (items.length ? items.join(',') : none);
const intOrString = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

function hpaTargets(o: KubeObject): string {
  const metrics = (o.spec?.metrics ?? []) as {
    type?: string;
    resource?: { name?: string; target?: { averageUtilization?: number; averageValue?: string } };
  }[];
  const current = (o.status?.currentMetrics ?? []) as { resource?: { name?: string; current?: { averageUtilization?: number } } }[];
  const parts = metrics.map((m) => {
    if (m.type !== 'Resource' || !m.resource) return `<unknown>/${m.type ?? '?'}`;
    const now = current.find((c) => c.resource?.name === m.resource?.name)?.resource?.current?.averageUtilization;
    const target = m.resource.target?.averageUtilization;
    return `${m.resource.name}: ${now === undefined ? '<unknown>' : `${now}%`}/${target === undefined ? (m.resource.target?.averageValue ?? '?') : `${target}%`}`;
  });
  return joinOr(parts, '<none>');
}

function nodeStatus(o: KubeObject): string {
  const ready = ((o.status?.conditions ?? []) as { type: string; status: string }[]).find((c) => c.type === 'Ready');
  const text = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  return o.spec?.unschedulable ? `${text},SchedulingDisabled` : text;
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return joinOr(roles);
}

function jobStatus(o: KubeObject): string {
  const conds = (o.status?.conditions ?? []) as { type: string; status: string }[];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (o.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

/** kubectl's columns for the kinds the sandbox stores without running them. */
const STORED_KIND_PRINTERS: Record<string, Printer> = {
  StatefulSet: {
    columns: [NAME, col('Ready'), col('Age'), ...WIDE_TEMPLATE],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o, now), ...wideTemplateCells(o)],
  },
  DaemonSet: {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Node Selector'),
      col('Age'),
      ...WIDE_WORKLOAD,
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.status?.desiredNumberScheduled ?? 0,
      o.status?.currentNumberScheduled ?? 0,
      o.status?.numberReady ?? 0,
      o.status?.updatedNumberScheduled ?? 0,
      o.status?.numberAvailable ?? 0,
      joinOr(Object.entries((o.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`)),
      age(o, now),
      ...wideWorkloadCells(o),
    ],
  },
  ReplicationController: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age')],
    cells: (o, now) => [o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now)],
  },
  Job: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), col('Age')],
    cells: (o, now) => [o.metadata.name, jobStatus(o), `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, '', age(o, now)],
  },
  CronJob: {
    columns: [
      NAME,
      col('Schedule'),
      col('Timezone'),
      col('Suspend', 'boolean'),
      col('Active', 'integer'),
      col('Last Schedule'),
      col('Age'),
    ],
    cells: (o, now) => {
      const last = Date.parse(String(o.status?.lastScheduleTime ?? ''));
      return [
        o.metadata.name,
        o.spec?.schedule ?? '',
        o.spec?.timeZone ?? '<none>',
        !!o.spec?.suspend,
        ((o.status?.active ?? []) as unknown[]).length,
        Number.isFinite(last) ? humanDuration(now.getTime() - last) : '<none>',
        age(o, now),
      ];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [
      NAME,
      col('Reference'),
      col('Targets'),
      col('MinPods', 'string'),
      col('MaxPods', 'integer'),
      col('Replicas', 'integer'),
      col('Age'),
    ],
    cells: (o, now) => {
      const ref = (o.spec?.scaleTargetRef ?? {}) as { kind?: string; name?: string };
      return [
        o.metadata.name,
        `${ref.kind ?? ''}/${ref.name ?? ''}`,
        o.spec?.targetCPUUtilizationPercentage !== undefined
          ? `cpu: ${o.status?.currentCPUUtilizationPercentage ?? '<unknown>'}${o.status?.currentCPUUtilizationPercentage === undefined ? '' : '%'}/${o.spec.targetCPUUtilizationPercentage}%`
          : hpaTargets(o),
        String(o.spec?.minReplicas ?? '<unset>'),
        o.spec?.maxReplicas ?? 0,
        o.status?.currentReplicas ?? 0,
        age(o, now),
      ];
    },
  },
  PodDisruptionBudget: {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), col('Age')],
    cells: (o, now) => [
      o.metadata.name,
      intOrString(o.spec?.minAvailable),
      intOrString(o.spec?.maxUnavailable),
      o.status?.disruptionsAllowed ?? 0,
      age(o, now),
    ],
  },
  PersistentVolumeClaim: {
    columns: [
      NAME,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      col('VolumeAttributesClass'),
      col('Age'),
      col('VolumeMode', 'string', 1),
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? 'Pending'),
      o.spec?.volumeName ?? '',
      o.status?.capacity?.storage ?? '',
      ((o.status?.accessModes ?? []) as string[]).map((m) => ACCESS_MODES[m] ?? m).join(','),
      o.spec?.storageClassName ?? '<unset>',
      o.spec?.volumeAttributesClassName ?? '<unset>',
      age(o, now),
      o.spec?.volumeMode ?? '<unset>',
    ],
  },
  PersistentVolume: {
    columns: [
      NAME,
      col('Capacity'),
      col('Access Modes'),
      col('Reclaim Policy'),
      col('Status'),
      col('Claim'),
      col('StorageClass'),
      col('Age'),
    ],
    cells: (o, now) => {
      const claim = o.spec?.claimRef as { namespace?: string; name?: string } | undefined;
      return [
        o.metadata.name,
        o.spec?.capacity?.storage ?? '',
        ((o.spec?.accessModes ?? []) as string[]).map((m) => ACCESS_MODES[m] ?? m).join(','),
        o.spec?.persistentVolumeReclaimPolicy ?? '',
        o.status?.phase ?? '',
        claim ? `${claim.namespace}/${claim.name}` : '',
        o.spec?.storageClassName ?? '',
        age(o, now),
      ];
    },
  },
  ServiceAccount: {
    columns: [NAME, col('Secrets', 'integer'), col('Age')],
    cells: (o, now) => [o.metadata.name, ((o.secrets ?? []) as unknown[]).length, age(o, now)],
  },
  Node: {
    columns: [NAME, col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 'string', 1)],
    cells: (o, now) => [
      o.metadata.name,
      nodeStatus(o),
      nodeRoles(o),
      age(o, now),
      o.status?.nodeInfo?.kubeletVersion ?? '',
      ((o.status?.addresses ?? []) as { type: string; address: string }[]).find((a) => a.type === 'InternalIP')?.address ?? '<none>',
    ],
  },
  ResourceQuota: {
    columns: [NAME, col('Age'), col('Request'), col('Limit')],
    cells: (o, now) => {
      const hard = (o.status?.hard ?? o.spec?.hard ?? {}) as Record<string, string>;
      const used = (o.status?.used ?? {}) as Record<string, string>;
      const pairs = (keep: (k: string) => boolean) =>
        Object.keys(hard)
          .filter(keep)
          .sort()
          .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
          .join(', ');
      return [o.metadata.name, age(o, now), pairs((k) => !k.startsWith('limits.')), pairs((k) => k.startsWith('limits.'))];
    },
  },
  LimitRange: CREATED_AT,
  Role: CREATED_AT,
  ClusterRole: CREATED_AT,
  RoleBinding: {
    columns: [NAME, col('Role'), col('Age'), col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    cells: (o, now) => bindingCells(o, now),
  },
  ClusterRoleBinding: {
    columns: [NAME, col('Role'), col('Age'), col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    cells: (o, now) => bindingCells(o, now),
  },
  Lease: {
    columns: [NAME, col('Holder'), col('Age')],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', age(o, now)],
  },
  APIService: {
    columns: [NAME, col('Service'), col('Available'), col('Age')],
    cells: (o, now) => {
      const svc = o.spec?.service as { namespace?: string; name?: string } | undefined;
      const avail = ((o.status?.conditions ?? []) as { type: string; status: string; reason?: string }[]).find(
        (c) => c.type === 'Available',
      );
      return [
        o.metadata.name,
        svc ? `${svc.namespace}/${svc.name}` : 'Local',
        avail ? (avail.status === 'True' ? 'True' : `${avail.status} (${avail.reason ?? ''})`) : 'Unknown',
        age(o, now),
      ];
    },
  },
  StorageClass: {
    columns: [NAME, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion', 'boolean'), col('Age')],
    cells: (o, now) => [
      o.metadata.name,
      o.provisioner ?? '',
      o.reclaimPolicy ?? 'Delete',
      o.volumeBindingMode ?? 'Immediate',
      !!o.allowVolumeExpansion,
      age(o, now),
    ],
  },
  NetworkPolicy: {
    columns: [NAME, col('Pod-Selector'), col('Age')],
    cells: (o, now) => [o.metadata.name, formatLabelSelector(o.spec?.podSelector) || '<none>', age(o, now)],
  },
  ControllerRevision: {
    columns: [NAME, col('Controller'), col('Revision', 'integer'), col('Age')],
    cells: (o, now) => {
      const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
      return [
        o.metadata.name,
        owner ? `${owner.kind.toLowerCase()}.${owner.apiVersion.split('/')[0]}/${owner.name}` : '<none>',
        o.revision ?? 0,
        age(o, now),
      ];
    },
  },
  PriorityClass: {
    columns: [NAME, col('Value', 'integer'), col('Global-Default', 'boolean'), col('Age'), col('PreemptionPolicy', 'string', 1)],
    cells: (o, now) => [o.metadata.name, o.value ?? 0, !!o.globalDefault, age(o, now), o.preemptionPolicy ?? ''],
  },
  PodTemplate: {
    columns: [NAME, col('Containers'), col('Images'), col('Pod Labels')],
    cells: (o) => {
      const template = (o.template ?? {}) as { spec?: { containers?: unknown }; metadata?: { labels?: unknown } };
      const cs = (template.spec?.containers ?? []) as { name: string; image?: string }[];
      return [
        o.metadata.name,
        cs.map((c) => c.name).join(','),
        cs.map((c) => c.image ?? '').join(','),
        Object.entries((template.metadata?.labels ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ];
    },
  },
};

const ACCESS_MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

function bindingCells(o: KubeObject, now: Date): unknown[] {
  const ref = (o.roleRef ?? {}) as { kind?: string; name?: string };
  const subjects = (o.subjects ?? []) as { kind: string; name: string; namespace?: string }[];
  const of = (kind: string) =>
    subjects
      .filter((s) => s.kind === kind)
      .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
      .join(', ');
  return [o.metadata.name, `${ref.kind ?? ''}/${ref.name ?? ''}`, age(o, now), of('User'), of('Group'), of('ServiceAccount')];
}

/** Columns and cells of the built-in kinds. */
const BUILTIN: Record<string, Printer> = {
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age'), ...WIDE_WORKLOAD],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age(o, now),
      ...wideWorkloadCells(o),
    ],
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age'), ...WIDE_WORKLOAD],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      age(o, now),
      ...wideWorkloadCells(o),
    ],
  },
  Pod: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'), col('IP', 'string', 1), col('Node', 'string', 1)],
    cells: (o, now) => [
      o.metadata.name,
      podReady(o),
      o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? 'Pending'),
      '0',
      age(o, now),
      o.status?.podIP ?? '<none>',
      o.spec?.nodeName ?? '<none>',
    ],
  },
  Namespace: {
    columns: [NAME, col('Status'), col('Age')],
    cells: (o, now) => [o.metadata.name, o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? 'Active'), age(o, now)],
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message'), { ...NAME, priority: 1 }],
    cells: (o, now) => {
      const last = Date.parse(String(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp ?? ''));
      const involved = (o.involvedObject ?? {}) as { kind?: string; name?: string };
      return [
        Number.isFinite(last) ? humanDuration(now.getTime() - last) : '<unknown>',
        o.type ?? '',
        o.reason ?? '',
        `${String(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`,
        o.message ?? '',
        o.metadata.name,
      ];
    },
  },
  Service: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 'string', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      o.spec?.clusterIP || '<none>',
      serviceExternalIP(o),
      servicePorts(o.spec?.ports),
      age(o, now),
      Object.entries((o.spec?.selector ?? {}) as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
    ],
  },
  Endpoints: {
    columns: [NAME, col('Endpoints'), col('Age')],
    cells: (o, now) => [o.metadata.name, endpointsText(o), age(o, now)],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'integer'), col('Age')],
    cells: (o, now) => [o.metadata.name, countOf(o.data, o.binaryData), age(o, now)],
  },
  Secret: {
    columns: [NAME, col('Type'), col('Data', 'integer'), col('Age')],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', countOf(o.data), age(o, now)],
  },
  EndpointSlice: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
    cells: (o, now) => [
      o.metadata.name,
      o.addressType ?? '',
      firstThree(
        ((o.ports ?? []) as PortLike[]).map((p) => String(p.port ?? '')),
        '<unset>',
      ),
      firstThree(
        ((o.endpoints ?? []) as { addresses?: string[] }[]).flatMap((e) => e.addresses ?? []),
        '<unset>',
      ),
      age(o, now),
    ],
  },
  Ingress: {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), col('Age')],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.ingressClassName ?? '<none>',
      ingressHosts(o),
      loadBalancerAddresses(o).join(','),
      (o.spec?.tls ?? []).length ? '80, 443' : '80',
      age(o, now),
    ],
  },
  IngressClass: {
    columns: [NAME, col('Controller'), col('Parameters'), col('Age')],
    cells: (o, now) => {
      const p = o.spec?.parameters as { kind?: string; name?: string; apiGroup?: string } | undefined;
      return [
        o.metadata.name,
        o.spec?.controller ?? '',
        p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>',
        age(o, now),
      ];
    },
  },
  CustomResourceDefinition: CREATED_AT,
  ...STORED_KIND_PRINTERS,
};

interface PrinterColumn {
  name: string;
  type?: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

/**
 * A printer column's value: a plain field path, where `name[*]` takes every item of a list (the
 * images of every container); several values are printed space-separated, as the apiserver's
 * JSONPath PrintResults does.
 */
function lookup(obj: unknown, jsonPath: string): unknown {
  let values: unknown[] = [obj];
  for (const segment of jsonPath.replace(/^\./, '').split('.')) {
    const all = segment.endsWith('[*]');
    const key = all ? segment.slice(0, -3) : segment;
    values = values.flatMap((cur) => {
      if (cur === null || typeof cur !== 'object') return [];
      const next = (cur as Record<string, unknown>)[key];
      if (next === undefined) return [];
      return all ? (Array.isArray(next) ? next : []) : [next];
    });
  }
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ');
}

/** Columns and cells for a custom resource from its CRD's additionalPrinterColumns. */
function customPrinter(
  crd: KubeObject | undefined,
  version: string,
): { columns: TableColumn[]; cells: (o: KubeObject, now: Date) => unknown[] } {
  const v = ((crd?.spec?.versions ?? []) as { name: string; additionalPrinterColumns?: PrinterColumn[] }[]).find((x) => x.name === version);
  const extra = v?.additionalPrinterColumns ?? [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  return {
    columns: [
      NAME,
      ...extra.map((c) => ({
        name: c.name,
        type: (c.type ?? 'string') as TableColumn['type'],
        format: '',
        description: c.description ?? c.name,
        priority: c.priority ?? 0,
      })),
    ],
    cells: (o, now) => [
      o.metadata.name,
      ...extra.map((c) => {
        const value = lookup(o, c.jsonPath);
        if (value === undefined || value === null) return null;
        if (c.type === 'date') {
          const t = Date.parse(String(value));
          return Number.isFinite(t) ? humanDuration(now.getTime() - t) : String(value);
        }
        return typeof value === 'object' ? JSON.stringify(value) : value;
      }),
    ],
  };
}

/** How much of each object a row carries (?includeObject=). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A meta.k8s.io Table of objects (already in the version the client asked for). */
export function toTable(
  r: SandboxResource,
  version: string,
  objects: KubeObject[],
  opts: {
    tableVersion: 'v1' | 'v1beta1';
    includeObject?: IncludeObject;
    now: Date;
    crd?: KubeObject;
    resourceVersion?: string;
    withColumns?: boolean;
  },
): unknown {
  const printer = (r.crd ? undefined : BUILTIN[r.kind]) ?? customPrinter(opts.crd, version);
  const include = opts.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.tableVersion}`,
    metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {},
    ...(opts.withColumns === false ? {} : { columnDefinitions: printer.columns }),
    rows: objects.map((o) => ({
      cells: printer.cells(o, opts.now),
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? o
                : { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${opts.tableVersion}`, metadata: o.metadata },
          }),
    })),
  };
}
