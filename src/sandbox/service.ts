// What the API server fills in on a Service (defaults, then a cluster IP and node ports from its
// ranges) and on a Secret (stringData folded into data). Stored objects only: nothing routes traffic.
import type { KubeObject } from '../kube/types.js';
import { invalid } from './errors.js';
import type { SandboxResource } from './resources.js';

/** The Service range a kind cluster uses by default: 10.96.0.0/12. */
const SERVICE_RANGE_BASE = (10 << 24) | (96 << 16);
const SERVICE_RANGE_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_COUNT = 2768; // 30000–32767

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

type Spec = Record<string, unknown> & { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[] };

function specOf(obj: KubeObject): Spec {
  return { ...((obj.spec as Spec | undefined) ?? {}) };
}

const wantsNodePorts = (type: string | undefined): boolean => type === 'NodePort' || type === 'LoadBalancer';

/** The defaults of a Service a client reads back (type, protocol, targetPort, affinity, policies). Pure. */
export function defaultService(obj: KubeObject): KubeObject {
  const spec = specOf(obj);
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (Array.isArray(spec.ports)) {
    // An unset targetPort is 0 or "" to the API server (protobuf clients send the zero value).
    spec.ports = spec.ports.map((p) => ({ ...p, protocol: p.protocol || 'TCP', targetPort: p.targetPort || p.port }));
  }
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.clusterIP !== 'None' || spec.selector !== undefined) {
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
  }
  if (wantsNodePorts(spec.type)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  return { ...obj, spec };
}

/** A Secret as stored: stringData folded into data (base64), type Opaque by default. Pure. */
export function defaultSecret(obj: KubeObject): KubeObject {
  const { stringData, ...rest } = obj as KubeObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  const data = { ...(rest.data ?? {}) };
  for (const [k, v] of Object.entries(stringData ?? {})) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  return { ...rest, type: (rest as { type?: string }).type ?? 'Opaque', ...(Object.keys(data).length ? { data } : {}) } as KubeObject;
}

/** What is already taken in the ranges: every stored Service's cluster IPs and node ports. */
export interface Allocated {
  clusterIPs: Set<string>;
  nodePorts: Set<number>;
}

/** Collects the allocations of stored Services (except the one being written). */
export function allocatedBy(services: KubeObject[], except?: { namespace?: string; name?: string }): Allocated {
  const out: Allocated = { clusterIPs: new Set(), nodePorts: new Set() };
  for (const s of services) {
    if (except && s.metadata.namespace === except.namespace && s.metadata.name === except.name) continue;
    const spec = specOf(s);
    for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) out.clusterIPs.add(ip);
    for (const p of spec.ports ?? []) if (p.nodePort) out.nodePorts.add(p.nodePort);
  }
  return out;
}

function ipString(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

// FNV-1a: a Service gets the same address whenever it is created under the same name.
function hash(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function freeClusterIP(seed: string, taken: Set<string>): string | undefined {
  // Skip the network address, .1 (the kubernetes Service) and the broadcast address.
  const usable = SERVICE_RANGE_SIZE - 3;
  const start = hash(seed) % usable;
  for (let i = 0; i < usable; i++) {
    const ip = ipString((SERVICE_RANGE_BASE + 2 + ((start + i) % usable)) >>> 0);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

function freeNodePort(seed: string, taken: Set<number>): number | undefined {
  const start = hash(seed) % NODE_PORT_COUNT;
  for (let i = 0; i < NODE_PORT_COUNT; i++) {
    const port = NODE_PORT_MIN + ((start + i) % NODE_PORT_COUNT);
    if (!taken.has(port)) return port;
  }
  return undefined;
}

/**
 * Allocates what the API server's Service registry allocates: a cluster IP (kept from the stored
 * Service on update, which may not change it) and, for NodePort/LoadBalancer, node ports.
 * Throws 422 as the registry does on a changed or taken address.
 */
export function allocateService(r: SandboxResource, obj: KubeObject, old: KubeObject | undefined, taken: Allocated): KubeObject {
  const spec = specOf(obj);
  const name = obj.metadata.name ?? '';
  const seed = `${obj.metadata.namespace}/${name}`;
  const before = old ? specOf(old) : undefined;
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    if (before?.clusterIP && (spec.clusterIP === undefined || spec.clusterIP === '')) {
      spec.clusterIP = before.clusterIP;
      spec.clusterIPs ??= before.clusterIPs;
    }
    if (before?.clusterIP && spec.clusterIP !== before.clusterIP) {
      throw invalid(r, name, 'spec.clusterIPs[0]', `Invalid value: ${JSON.stringify([spec.clusterIP])}: may not change once set`);
    }
    if (!spec.clusterIP) {
      const ip = freeClusterIP(seed, taken.clusterIPs);
      if (!ip) throw invalid(r, name, 'spec.clusterIPs', 'Internal error: range is full');
      spec.clusterIP = ip;
    } else if (spec.clusterIP !== 'None' && !before && taken.clusterIPs.has(spec.clusterIP)) {
      throw invalid(
        r,
        name,
        'spec.clusterIPs',
        `Invalid value: ${JSON.stringify([spec.clusterIP])}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
      );
    }
    spec.clusterIPs = [spec.clusterIP as string];
  }
  if (Array.isArray(spec.ports) && wantsNodePorts(spec.type)) {
    const used = new Set(taken.nodePorts);
    spec.ports = spec.ports.map((p, i) => {
      const kept = p.nodePort ?? before?.ports?.find((q) => q.port === p.port && q.protocol === p.protocol)?.nodePort;
      const nodePort = kept ?? freeNodePort(`${seed}/${i}`, used);
      if (nodePort === undefined) throw invalid(r, name, `spec.ports[${i}].nodePort`, 'Internal error: range is full');
      used.add(nodePort);
      return { ...p, nodePort };
    });
  }
  return { ...obj, spec };
}
