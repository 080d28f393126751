// Fault injection for tests: answer the next matching requests with an error, a broken
// transport, or run a hook first (e.g. a concurrent write between a client's GET and PUT).
import type { IncomingMessage } from 'node:http';

/** Which requests a fault applies to. A string path matches when the URL path contains it. */
interface FaultMatch {
  method?: string;
  path?: string | RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

/** Answer with a Status of this code (and optional message/body). */
export interface StatusFault extends FaultMatch {
  status: number;
  body?: unknown;
  message?: string;
  retryAfterSeconds?: number;
}

/** Break the transport: reset the socket, never answer, half a JSON body, or an HTML 502. */
export interface TransportFault extends FaultMatch {
  action: 'reset' | 'hang' | 'truncate' | 'html';
  retryAfterSeconds?: number;
}

/** A hook run before a matching request is handled. */
type BeforeHook = (req: IncomingMessage) => void | Promise<void>;

/** What the server should do with a request. */
type FaultDecision = { kind: 'status'; fault: StatusFault } | { kind: 'transport'; fault: TransportFault } | undefined;

interface Armed<F> {
  fault: F;
  left: number;
}

function matches(m: FaultMatch, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path === undefined) return true;
  return typeof m.path === 'string' ? path.includes(m.path) : m.path.test(path);
}

/** The faults of one sandbox. */
export class Faults {
  private statusFaults: Armed<StatusFault>[] = [];
  private transportFaults: Armed<TransportFault>[] = [];
  private hooks: Armed<FaultMatch & { fn: BeforeHook }>[] = [];

  /** Answers the next matching request(s) with a Status of `status`. Also `failNext('PUT', 'rollouts/status', 409)`. */
  failNext(fault: StatusFault): void;
  failNext(method: string, path: string | RegExp, status: number, times?: number): void;
  failNext(a: StatusFault | string, path?: string | RegExp, status?: number, times?: number): void {
    const fault: StatusFault = typeof a === 'string' ? { method: a, path, status: status!, times } : a;
    this.statusFaults.push({ fault, left: fault.times ?? 1 });
  }

  /** Breaks the transport of the next matching request(s). */
  next(fault: TransportFault): void {
    this.transportFaults.push({ fault, left: fault.times ?? 1 });
  }

  /** Runs fn(req) before each matching request is handled (times: default unlimited). Also `before(match, fn)`. */
  before(fn: BeforeHook, match?: FaultMatch): void;
  before(match: FaultMatch, fn: BeforeHook): void;
  before(a: BeforeHook | FaultMatch, b?: BeforeHook | FaultMatch): void {
    const [fn, match] = typeof a === 'function' ? [a, (b as FaultMatch | undefined) ?? {}] : [b as BeforeHook, a];
    this.hooks.push({ fault: { ...match, fn }, left: match.times ?? Infinity });
  }

  /** Removes every armed fault and hook. */
  clear(): void {
    this.statusFaults = [];
    this.transportFaults = [];
    this.hooks = [];
  }

  /** The hooks to run for this request (consumes their counts). */
  takeHooks(method: string, path: string): BeforeHook[] {
    const out: BeforeHook[] = [];
    for (const h of this.hooks) {
      if (h.left > 0 && matches(h.fault, method, path)) {
        h.left--;
        out.push(h.fault.fn);
      }
    }
    this.hooks = this.hooks.filter((h) => h.left > 0);
    return out;
  }

  /** The fault to apply to this request, if any (consumes one use). Transport faults first. */
  take(method: string, path: string): FaultDecision {
    for (const t of this.transportFaults) {
      if (t.left > 0 && matches(t.fault, method, path)) {
        t.left--;
        this.transportFaults = this.transportFaults.filter((x) => x.left > 0);
        return { kind: 'transport', fault: t.fault };
      }
    }
    for (const s of this.statusFaults) {
      if (s.left > 0 && matches(s.fault, method, path)) {
        s.left--;
        this.statusFaults = this.statusFaults.filter((x) => x.left > 0);
        return { kind: 'status', fault: s.fault };
      }
    }
    return undefined;
  }
}
