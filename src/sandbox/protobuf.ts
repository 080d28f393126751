// Decodes the Kubernetes protobuf encoding (Content-Type: application/vnd.kubernetes.protobuf) of
// the built-in kinds kubectl's imperative commands send: kubectl ≥ 1.30 creates namespaces,
// deployments, services, configmaps, secrets, ingresses, jobs, cronjobs, service accounts, RBAC
// objects, quotas, PDBs, priority classes and autoscalers this way, and client-go never retries
// as JSON (it falls back only from CBOR on 415). Bodies are the envelope "k8s\0" + runtime.Unknown
// {typeMeta, raw}, raw being the object's message. Field numbers are those of the API's
// generated.proto; a field this table does not know, carrying a value, is refused (415) rather
// than dropped. Pure.
import { kubeTime } from '../kube/time.js';

/** The media type kubectl sends for built-in kinds. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** A body this decoder cannot read: the caller answers 415 (unknown kind/field) or 400 (malformed). */
export class ProtobufError extends Error {
  constructor(
    message: string,
    readonly unsupported: boolean,
  ) {
    super(message);
    this.name = 'ProtobufError';
  }
}

type Scalar = 'string' | 'int' | 'bool' | 'bytes';
type Special = 'time' | 'intstr' | 'quantity' | 'stringMap' | 'bytesMap' | 'quantityMap' | 'ignored';

interface Field {
  name: string;
  /** A scalar, a special encoding, or another message of the table. */
  type: Scalar | Special | string;
  repeated: boolean;
  /** A Go pointer: present on the wire only when set, so a zero value is kept. */
  pointer: boolean;
  /** Embedded in the parent's JSON (IngressRule's IngressRuleValue). */
  inline: boolean;
}

// One line per field: "number name [type][[]][?][^]", type string by default; [] repeated,
// ? pointer, ^ inline. Only what kubectl's create/expose commands and common manifests carry.
const SCHEMA: Record<string, string[]> = {
  Unknown: ['1 typeMeta TypeMeta', '2 raw bytes', '3 contentEncoding', '4 contentType'],
  TypeMeta: ['1 apiVersion', '2 kind'],
  ObjectMeta: [
    '1 name',
    '2 generateName',
    '3 namespace',
    '5 uid',
    '6 resourceVersion',
    '7 generation int',
    '8 creationTimestamp time',
    '11 labels stringMap',
    '12 annotations stringMap',
    '13 ownerReferences OwnerReference[]',
    '14 finalizers string[]',
  ],
  OwnerReference: ['1 kind', '3 name', '4 uid', '5 apiVersion', '6 controller bool?', '7 blockOwnerDeletion bool?'],
  LabelSelector: ['1 matchLabels stringMap', '2 matchExpressions LabelSelectorRequirement[]'],
  LabelSelectorRequirement: ['1 key', '2 operator', '3 values string[]'],
  Namespace: ['1 metadata ObjectMeta', '2 spec NamespaceSpec', '3 status ignored'],
  NamespaceSpec: ['1 finalizers string[]'],
  Deployment: ['1 metadata ObjectMeta', '2 spec DeploymentSpec', '3 status ignored'],
  DeploymentSpec: [
    '1 replicas int?',
    '2 selector LabelSelector?',
    '3 template PodTemplateSpec',
    '4 strategy DeploymentStrategy',
    '5 minReadySeconds int',
    '6 revisionHistoryLimit int?',
    '7 paused bool',
    '9 progressDeadlineSeconds int?',
  ],
  DeploymentStrategy: ['1 type', '2 rollingUpdate RollingUpdateDeployment?'],
  RollingUpdateDeployment: ['1 maxUnavailable intstr?', '2 maxSurge intstr?'],
  Pod: ['1 metadata ObjectMeta', '2 spec PodSpec', '3 status ignored'],
  PodTemplateSpec: ['1 metadata ObjectMeta', '2 spec PodSpec'],
  PodSpec: [
    '2 containers Container[]',
    '3 restartPolicy',
    '4 terminationGracePeriodSeconds int?',
    '5 activeDeadlineSeconds int?',
    '6 dnsPolicy',
    '7 nodeSelector stringMap',
    '8 serviceAccountName',
    '9 serviceAccount',
    '10 nodeName',
    '11 hostNetwork bool',
    '16 hostname',
    '17 subdomain',
    '19 schedulerName',
    '20 initContainers Container[]',
    '21 automountServiceAccountToken bool?',
    '24 priorityClassName',
    '25 priority int?',
    '30 enableServiceLinks bool?',
  ],
  Container: [
    '1 name',
    '2 image',
    '3 command string[]',
    '4 args string[]',
    '5 workingDir',
    '6 ports ContainerPort[]',
    '7 env EnvVar[]',
    '8 resources ResourceRequirements',
    '13 terminationMessagePath',
    '14 imagePullPolicy',
    '16 stdin bool',
    '17 stdinOnce bool',
    '18 tty bool',
    '20 terminationMessagePolicy',
  ],
  ContainerPort: ['1 name', '2 hostPort int', '3 containerPort int', '4 protocol', '5 hostIP'],
  EnvVar: ['1 name', '2 value'],
  ResourceRequirements: ['1 limits quantityMap', '2 requests quantityMap'],
  Service: ['1 metadata ObjectMeta', '2 spec ServiceSpec', '3 status ignored'],
  ServiceSpec: [
    '1 ports ServicePort[]',
    '2 selector stringMap',
    '3 clusterIP',
    '4 type',
    '5 externalIPs string[]',
    '7 sessionAffinity',
    '8 loadBalancerIP',
    '10 externalName',
    '11 externalTrafficPolicy',
    '13 publishNotReadyAddresses bool',
    '17 ipFamilyPolicy string?',
    '18 clusterIPs string[]',
    '19 ipFamilies string[]',
    '20 allocateLoadBalancerNodePorts bool?',
    '21 loadBalancerClass string?',
    '22 internalTrafficPolicy string?',
  ],
  ServicePort: ['1 name', '2 protocol', '3 port int', '4 targetPort intstr', '5 nodePort int', '6 appProtocol string?'],
  ConfigMap: ['1 metadata ObjectMeta', '2 data stringMap', '3 binaryData bytesMap', '4 immutable bool?'],
  Secret: ['1 metadata ObjectMeta', '2 data bytesMap', '3 type', '4 stringData stringMap', '5 immutable bool?'],
  Ingress: ['1 metadata ObjectMeta', '2 spec IngressSpec', '3 status ignored'],
  IngressSpec: ['1 defaultBackend IngressBackend?', '2 tls IngressTLS[]', '3 rules IngressRule[]', '4 ingressClassName string?'],
  IngressRule: ['1 host', '2 ingressRuleValue IngressRuleValue^'],
  IngressRuleValue: ['1 http HTTPIngressRuleValue?'],
  HTTPIngressRuleValue: ['1 paths HTTPIngressPath[]'],
  HTTPIngressPath: ['1 path', '2 backend IngressBackend', '3 pathType string?'],
  IngressBackend: ['4 service IngressServiceBackend?'],
  IngressServiceBackend: ['1 name', '2 port ServiceBackendPort'],
  ServiceBackendPort: ['1 name', '2 number int'],
  IngressTLS: ['1 hosts string[]', '2 secretName'],
  ServiceAccount: [
    '1 metadata ObjectMeta',
    '2 secrets ObjectReference[]',
    '3 imagePullSecrets LocalObjectReference[]',
    '4 automountServiceAccountToken bool?',
  ],
  ObjectReference: ['1 kind', '2 namespace', '3 name', '4 uid', '5 apiVersion', '6 resourceVersion', '7 fieldPath'],
  LocalObjectReference: ['1 name'],
  ResourceQuota: ['1 metadata ObjectMeta', '2 spec ResourceQuotaSpec', '3 status ignored'],
  ResourceQuotaSpec: ['1 hard quantityMap', '2 scopes string[]'],
  Job: ['1 metadata ObjectMeta', '2 spec JobSpec', '3 status ignored'],
  JobSpec: [
    '1 parallelism int?',
    '2 completions int?',
    '3 activeDeadlineSeconds int?',
    '4 selector LabelSelector?',
    '5 manualSelector bool?',
    '6 template PodTemplateSpec',
    '7 backoffLimit int?',
    '8 ttlSecondsAfterFinished int?',
    '9 completionMode string?',
    '10 suspend bool?',
  ],
  CronJob: ['1 metadata ObjectMeta', '2 spec CronJobSpec', '3 status ignored'],
  CronJobSpec: [
    '1 schedule',
    '2 startingDeadlineSeconds int?',
    '3 concurrencyPolicy',
    '4 suspend bool?',
    '5 jobTemplate JobTemplateSpec',
    '6 successfulJobsHistoryLimit int?',
    '7 failedJobsHistoryLimit int?',
    '8 timeZone string?',
  ],
  JobTemplateSpec: ['1 metadata ObjectMeta', '2 spec JobSpec'],
  Role: ['1 metadata ObjectMeta', '2 rules PolicyRule[]'],
  ClusterRole: ['1 metadata ObjectMeta', '2 rules PolicyRule[]', '3 aggregationRule AggregationRule?'],
  AggregationRule: ['1 clusterRoleSelectors LabelSelector[]'],
  PolicyRule: [
    '1 verbs string[]',
    '2 apiGroups string[]',
    '3 resources string[]',
    '4 resourceNames string[]',
    '5 nonResourceURLs string[]',
  ],
  RoleBinding: ['1 metadata ObjectMeta', '2 subjects Subject[]', '3 roleRef RoleRef'],
  Subject: ['1 kind', '2 apiGroup', '3 name', '4 namespace'],
  RoleRef: ['1 apiGroup', '2 kind', '3 name'],
  PodDisruptionBudget: ['1 metadata ObjectMeta', '2 spec PodDisruptionBudgetSpec', '3 status ignored'],
  PodDisruptionBudgetSpec: [
    '1 minAvailable intstr?',
    '2 selector LabelSelector?',
    '3 maxUnavailable intstr?',
    '4 unhealthyPodEvictionPolicy string?',
  ],
  PriorityClass: ['1 metadata ObjectMeta', '2 value int', '3 globalDefault bool', '4 description', '5 preemptionPolicy string?'],
  HorizontalPodAutoscaler: ['1 metadata ObjectMeta', '2 spec HorizontalPodAutoscalerSpec', '3 status ignored'],
  HorizontalPodAutoscalerSpec: [
    '1 scaleTargetRef CrossVersionObjectReference',
    '2 minReplicas int?',
    '3 maxReplicas int',
    '4 targetCPUUtilizationPercentage int?',
  ],
  CrossVersionObjectReference: ['1 kind', '2 name', '3 apiVersion'],
  DeleteOptions: [
    '1 gracePeriodSeconds int?',
    '2 preconditions Preconditions?',
    '3 orphanDependents bool?',
    '4 propagationPolicy string?',
    '5 dryRun string[]',
  ],
  Preconditions: ['1 uid string?', '2 resourceVersion string?'],
};

/** The kinds a body may carry, by apiVersion/kind. */
const ROOTS: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/Pod': 'Pod',
  'v1/Service': 'Service',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'apps/v1/Deployment': 'Deployment',
  'networking.k8s.io/v1/Ingress': 'Ingress',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/ResourceQuota': 'ResourceQuota',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'RoleBinding',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  // The body of a DELETE from a typed client.
  'v1/DeleteOptions': 'DeleteOptions',
  'meta.k8s.io/v1/DeleteOptions': 'DeleteOptions',
};

function parseField(line: string): [number, Field] {
  const [num, name, spec = 'string'] = line.split(' ') as [string, string, string?];
  const type = spec.replace(/[[\]?^]/g, '');
  return [Number(num), { name, type, repeated: spec.includes('[]'), pointer: spec.includes('?'), inline: spec.includes('^') }];
}

const MESSAGES = new Map(Object.entries(SCHEMA).map(([m, lines]) => [m, new Map(lines.map(parseField))]));

/** One field as read off the wire: a varint, or length-delimited bytes. */
interface WireField {
  num: number;
  varint?: bigint;
  bytes?: Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && shift < 70n; i++) {
    const b = buf[i]!;
    result |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [result, i + 1];
    shift += 7n;
  }
  throw new ProtobufError('truncated varint', false);
}

function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, after] = readVarint(buf, pos);
      out.push({ num, varint: v });
      pos = after;
    } else if (wire === 2) {
      const [len, after] = readVarint(buf, pos);
      const end = after + Number(len);
      if (end > buf.length) throw new ProtobufError('truncated field', false);
      out.push({ num, bytes: buf.subarray(after, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      const raw = buf.subarray(pos, pos + size);
      out.push({ num, bytes: raw.every((b) => b === 0) ? Buffer.alloc(0) : raw });
      pos += size;
    } else throw new ProtobufError(`unsupported wire type ${wire}`, false);
  }
  return out;
}

const toInt = (v: bigint): number => Number(BigInt.asIntN(64, v));

function isZero(w: WireField): boolean {
  return w.varint !== undefined ? w.varint === 0n : w.bytes!.length === 0;
}

function stringOf(w: WireField, where: string): string {
  if (!w.bytes) throw new ProtobufError(`${where}: expected a string`, false);
  return w.bytes.toString('utf8');
}

function mapEntries(w: WireField, where: string): [string, WireField | undefined] {
  const fields = readFields(w.bytes ?? Buffer.alloc(0));
  const key = fields.find((f) => f.num === 1);
  return [key ? stringOf(key, where) : '', fields.find((f) => f.num === 2)];
}

function decodeValue(w: WireField, field: Field, where: string): unknown {
  switch (field.type) {
    case 'string':
      return stringOf(w, where);
    case 'bytes':
      return (w.bytes ?? Buffer.alloc(0)).toString('base64');
    case 'int':
      if (w.varint === undefined) throw new ProtobufError(`${where}: expected an integer`, false);
      return toInt(w.varint);
    case 'bool':
      return w.varint !== undefined && w.varint !== 0n;
    case 'time': {
      const seconds = readFields(w.bytes ?? Buffer.alloc(0)).find((f) => f.num === 1)?.varint ?? 0n;
      return seconds === 0n ? undefined : kubeTime(new Date(toInt(seconds) * 1000));
    }
    case 'intstr': {
      const f = readFields(w.bytes ?? Buffer.alloc(0));
      const type = f.find((x) => x.num === 1)?.varint ?? 0n;
      if (type === 1n) return stringOf(f.find((x) => x.num === 3) ?? { num: 3, bytes: Buffer.alloc(0) }, where);
      return toInt(f.find((x) => x.num === 2)?.varint ?? 0n);
    }
    case 'quantity': {
      const s = readFields(w.bytes ?? Buffer.alloc(0)).find((f) => f.num === 1);
      return s ? stringOf(s, where) : '0';
    }
    default:
      return decodeMessage(w.bytes ?? Buffer.alloc(0), field.type, where);
  }
}

const MAP_VALUE: Record<string, Field> = {
  stringMap: { name: 'value', type: 'string', repeated: false, pointer: false, inline: false },
  bytesMap: { name: 'value', type: 'bytes', repeated: false, pointer: false, inline: false },
  quantityMap: { name: 'value', type: 'quantity', repeated: false, pointer: false, inline: false },
};

/** Decodes one message of the table into its JSON form (zero values of non-pointer fields omitted, as Go's omitempty does). */
function decodeMessage(buf: Buffer, message: string, where: string): Record<string, unknown> {
  const fields = MESSAGES.get(message);
  if (!fields) throw new ProtobufError(`${where}: no decoder for ${message}`, true);
  const out: Record<string, unknown> = {};
  for (const w of readFields(buf)) {
    const field = fields.get(w.num);
    const path = `${where}.${field?.name ?? `#${w.num}`}`;
    if (!field) {
      // Go's encoder writes every non-pointer field, set or not: an empty one carries nothing.
      if (isZero(w)) continue;
      throw new ProtobufError(`field ${w.num} of ${message} (${path}) is not decoded by this sandbox`, true);
    }
    if (field.type === 'ignored') continue;
    const mapValue = MAP_VALUE[field.type];
    if (mapValue) {
      const [key, value] = mapEntries(w, path);
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      map[key] = value ? decodeValue(value, mapValue, `${path}[${key}]`) : mapValue.type === 'quantity' ? '0' : '';
      continue;
    }
    const isMessage = !['string', 'int', 'bool', 'bytes'].includes(field.type);
    if (!field.repeated && !field.pointer && !isMessage && isZero(w)) continue;
    const value = decodeValue(w, field, path);
    if (value === undefined) continue;
    if (field.inline) Object.assign(out, value);
    else if (field.repeated) ((out[field.name] ??= []) as unknown[]).push(value);
    else out[field.name] = value;
  }
  return out;
}

/** Whether the media type is Kubernetes' protobuf. */
export function isProtobuf(mediaType: string): boolean {
  return mediaType === PROTOBUF_MEDIA_TYPE;
}

/** Decodes a protobuf request body into the object's JSON form (apiVersion and kind included). */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufError('the body does not start with the protobuf envelope "k8s\\0"', false);
  }
  const envelope = readFields(body.subarray(MAGIC.length));
  const typeMeta = decodeMessage(envelope.find((f) => f.num === 1)?.bytes ?? Buffer.alloc(0), 'TypeMeta', 'typeMeta');
  const raw = envelope.find((f) => f.num === 2)?.bytes ?? Buffer.alloc(0);
  const apiVersion = String(typeMeta.apiVersion ?? '');
  const kind = String(typeMeta.kind ?? '');
  const root = ROOTS[`${apiVersion}/${kind}`];
  if (!root)
    throw new ProtobufError(`${kind || 'an object'} in version "${apiVersion}" is not decoded from protobuf by this sandbox`, true);
  return { apiVersion, kind, ...decodeMessage(raw, root, kind) };
}
