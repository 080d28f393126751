// createSandbox: the embedded API server — store, routes, watches, controllers, persistence,
// fault injection and a request log — on 127.0.0.1.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, isIP, type Socket } from 'node:net';
import type { KubeObject } from '../kube/types.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { SandboxApi } from './api.js';
import { TokenGate } from './auth.js';

export { newSandboxToken } from './auth.js';

import { BuiltinControllers } from './controller-loop.js';
import { loadCrds } from './crds.js';
import { StatusError, statusFailure } from './errors.js';
import { Faults, type StatusFault, type TransportFault } from './faults.js';
import { type Journal, openJournal } from './persistence.js';
import { handleRequest, sendJson } from './routes.js';
import { SandboxStore } from './store.js';
import type { SandboxController, WorkloadAdmission } from './types.js';
import { WatchRegistry } from './watch.js';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Keep state in this directory (journal + snapshot). */
  dataDir?: string;
  /** With dataDir: fdatasync the journal after every write (survives a power loss, not only a crash). */
  fsync?: boolean;
  /** Where start-up warnings go (default stderr): records of a damaged journal that were skipped. */
  warn?: (line: string) => void;
  /** Run the Deployment/ReplicaSet/pod controllers (default true). */
  builtinControllers?: boolean;
  /** How long a new pod takes to become Ready (default 500 ms). */
  podReadyDelayMs?: number;
  /**
   * Makes the built-in Deployment controller hash pod templates differently from the rollout
   * controller (a salt): as on a real cluster, where Kubernetes' pod-template-hash is not ours.
   */
  deploymentHashSalt?: string;
  /** More controllers (the rollout controller). */
  controllers?: SandboxController[];
  workloadAdmission?: WorkloadAdmission;
  now?: () => Date;
  /** The timers the controllers' queues run on (default: the process' timers). */
  clock?: Clock;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** Watch history length (default 10,000 events). */
  historyLimit?: number;
  /** How many of the newest requests `requests` keeps (default 10,000; Infinity keeps all, 0 none). */
  requestLogLimit?: number;
  /**
   * Web origins whose pages may call the sandbox (served with CORS headers); their host names are
   * also accepted as Host. `*` allows every origin and Host. Default none: a request carrying an
   * Origin header, or a Host that is neither loopback, an IP address nor the listen host, is 403.
   */
  allowOrigins?: string[];
  /**
   * Require `Authorization: Bearer <token>` (`sandbox --require-token`): without it only GET of /healthz,
   * /livez, /readyz and /version is served, a wrong token is refused everywhere; both are 401.
   */
  token?: string;
}

/** One request as the sandbox saw it. */
export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 until answered (or when the socket was destroyed). */
  status: number;
  contentType?: string;
}

/** A running sandbox. */
export interface Sandbox {
  url: string;
  port: number;
  store: SandboxStore;
  api: SandboxApi;
  /**
   * The newest requests, oldest first (at least the last `requestLogLimit`, at most a quarter more).
   * A plain array: tests filter it and reset it with `length = 0`; an index taken from `length`
   * stays valid until the log is trimmed.
   */
  requests: RequestRecord[];
  faults: Faults;
  /** Ends every open watch stream; returns how many. */
  dropWatches(): number;
  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates the default namespaces and the CRDs when they are not there yet. */
async function seed(store: SandboxStore): Promise<void> {
  for (const name of DEFAULT_NAMESPACES) {
    if (!store.get('namespaces', undefined, name)) {
      store.create('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
      });
    }
  }
  // A namespace a restart finds Terminating finishes going.
  for (const ns of store.list('namespaces')) if (ns.metadata.deletionTimestamp) store.finishNamespaceDeletion(ns.metadata.name!);
  for (const crd of await loadCrds()) {
    if (!store.get('customresourcedefinitions', undefined, crd.metadata.name!))
      store.create('customresourcedefinitions', crd as KubeObject);
  }
}

function respondStatusFault(res: ServerResponse, f: StatusFault): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
  const body =
    f.body ??
    statusFailure(
      f.status,
      f.message ?? `injected fault: ${f.status}`,
      undefined,
      f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : undefined,
    );
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(f.status, headers);
  res.end(text);
}

function respondTransportFault(req: IncomingMessage, res: ServerResponse, f: TransportFault, hung: Set<Socket>): void {
  switch (f.action) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'hang':
      hung.add(req.socket);
      return;
    case 'truncate': {
      const full = JSON.stringify(statusFailure(500, 'this body is cut in half by an injected fault'));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(full.slice(0, Math.floor(full.length / 2)));
      return;
    }
    case 'html': {
      const headers: Record<string, string> = { 'Content-Type': 'text/html' };
      if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
      res.writeHead(502, headers);
      res.end(
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n',
      );
      return;
    }
  }
}

/** What kube-apiserver's --cors-allowed-origins answers a preflight with. */
const CORS_METHODS = 'POST, GET, OPTIONS, PUT, DELETE, PATCH';
const CORS_HEADERS = 'Content-Type, Content-Length, Accept-Encoding, X-CSRF-Token, Authorization, X-Requested-With, If-Modified-Since';

/** The host name of a Host header value (`[::1]:80` → `::1`), lower case. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/**
 * Who may call: requests without an Origin (kubectl, client libraries) to a Host that names this
 * machine. A Host that is an IP address is safe (DNS rebinding needs a name), `localhost` too;
 * any other name is what a rebinding page sends.
 */
class Gate {
  private readonly any: boolean;
  private readonly origins: Set<string>;
  private readonly hosts: Set<string>;
  constructor(allowOrigins: string[], listenHost: string) {
    this.any = allowOrigins.includes('*');
    this.origins = new Set(allowOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
    this.hosts = new Set(['localhost', hostName(listenHost)]);
    for (const o of allowOrigins) {
      try {
        this.hosts.add(new URL(o).hostname.replace(/^\[|\]$/g, '').toLowerCase());
      } catch {
        // not a URL: matches no Host
      }
    }
  }

  /** A 403 Status for a refused request, or undefined (CORS headers set for an allowed origin). */
  check(req: IncomingMessage, res: ServerResponse): ReturnType<typeof statusFailure> | undefined {
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (host !== undefined && !this.any) {
      const name = hostName(host);
      if (!this.hosts.has(name) && !name.endsWith('.localhost') && isIP(name) === 0) {
        return statusFailure(
          403,
          `host "${host}" is not this sandbox: only loopback, IP addresses and localhost are served (start it with --allow-origin to add a name)`,
          'Forbidden',
        );
      }
    }
    if (origin === undefined) return undefined;
    if (!this.any && !this.origins.has(origin.toLowerCase())) {
      return statusFailure(
        403,
        `origin "${origin}" is not allowed: the sandbox refuses requests from web pages (start it with --allow-origin ${origin} to allow this one)`,
        'Forbidden',
      );
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', 'Date');
    res.setHeader('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', CORS_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
    }
    return undefined;
  }
}

/** Starts a sandbox API server; resolves once it listens. */
export async function createSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const now = opts.now ?? (() => new Date());
  const store = new SandboxStore({ now, historyLimit: opts.historyLimit });
  let journal: Journal | undefined;
  if (opts.dataDir) journal = openJournal(opts.dataDir, store, { fsync: opts.fsync, warn: opts.warn });
  await seed(store);
  const api = new SandboxApi(store, opts.workloadAdmission);
  const faults = new Faults();
  const watches = new WatchRegistry();
  const requests: RequestRecord[] = [];
  const logLimit = Math.max(0, opts.requestLogLimit ?? 10_000);
  // Trimmed in chunks of a quarter of the limit: one splice per many requests keeps the cost of a
  // push constant (amortised), and trimming in place keeps `sb.requests` the same array.
  const logSlack = Math.max(1, Math.floor(logLimit / 4));
  const hung = new Set<Socket>();
  let address = '127.0.0.1:0';
  const gate = new Gate(opts.allowOrigins ?? [], opts.host ?? '127.0.0.1');
  const tokenGate = opts.token !== undefined ? new TokenGate(opts.token) : undefined;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(req, res);
  };
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox');
    } catch {
      url = new URL('http://sandbox/');
    }
    const record: RequestRecord = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
    };
    if (logLimit > 0) {
      requests.push(record);
      if (requests.length > logLimit + logSlack) requests.splice(0, requests.length - logLimit);
    }
    res.on('finish', () => (record.status = res.statusCode));
    const refused = gate.check(req, res);
    if (refused) return sendJson(res, 403, refused);
    if (method === 'OPTIONS' && req.headers.origin !== undefined) {
      res.writeHead(204);
      res.end();
      return;
    }
    // After CORS, as in kube-apiserver: a preflight carries no credentials.
    const unauthorized = tokenGate?.check(req, method, url.pathname);
    if (unauthorized) return sendJson(res, 401, unauthorized);
    try {
      for (const hook of faults.takeHooks(method, url.pathname)) await hook(req);
      const decision = faults.take(method, url.pathname);
      if (decision?.kind === 'transport') return respondTransportFault(req, res, decision.fault, hung);
      if (decision?.kind === 'status') return respondStatusFault(res, decision.fault);
      await handleRequest(req, res, url, { api, watches, address: () => address, now });
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof StatusError) return sendJson(res, err.code, err.status);
      const message = err instanceof Error ? err.message : String(err);
      sendJson(res, 500, statusFailure(500, `Internal error occurred: ${message}`, 'InternalError'));
    }
  };

  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : createHttpServer(onRequest);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  address = `${host}:${port}`;
  const url = `${opts.tls ? 'https' : 'http'}://${host}:${port}`;

  const clock = opts.clock ?? systemClock;
  const builtins =
    opts.builtinControllers === false
      ? undefined
      : new BuiltinControllers(api, {
          now,
          clock,
          podReadyDelayMs: opts.podReadyDelayMs ?? 500,
          deploymentHashSalt: opts.deploymentHashSalt,
        });
  builtins?.start();
  const controllers = opts.controllers ?? [];
  for (const c of controllers) c.start({ url, token: opts.token, store, now, clock });

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    api,
    requests,
    faults,
    dropWatches: () => watches.dropAll(),
    close() {
      closed ??= (async () => {
        builtins?.stop();
        await Promise.allSettled(controllers.map((c) => c.stop()));
        watches.dropAll();
        for (const s of hung) s.destroy();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        journal?.close();
      })();
      return closed;
    },
  };
}
