// `kubectl-kruise dashboard`'s server: one watch per resource kind for the whole server (Rollouts,
// the workload kinds they name, Pods, Events — followCollection, the informer-style watch of
// src/kube), the page's entries rebuilt after changes and pushed to every open page as
// Server-Sent Events; actions go through src/kube/rollout-actions.ts, the CLI's conflict-safe code.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../kube/client.js';
import { ApiError } from '../kube/errors.js';
import { type CollectionEvent, followCollection } from '../kube/follow-list.js';
import { type ResourceRef, Resources } from '../kube/resources.js';
import { approveRollout, setRolloutPaused, undoRolloutWorkload } from '../kube/rollout-actions.js';
import type { KubeObject } from '../kube/types.js';
import { workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import { ROLLOUT_NAME_PREFIX, ROLLOUT_QUALIFIED_RESOURCE, type Rollout } from '../rollout/types.js';
import type { CancelTimer, Clock } from '../runtime/clock.js';
import { refuseForeign, tokenMatches } from './gate.js';
import { type ClusterObjects, DashboardEntries, objectKey, workloadKey } from './model.js';
import PAGE from './page.html';

/** How the dashboard is served. */
export interface DashboardOptions {
  /** The namespace shown; undefined: all namespaces (-A). */
  namespace: string | undefined;
  /** --address (default 127.0.0.1) and --port (0: any free port). */
  host: string;
  port: number;
  /** The per-run token; default 32 random bytes, hex. */
  token?: string;
  now: () => Date;
  clock: Clock;
  /** How we are invoked, for the hints in messages (`kubectl kruise`). */
  cli: string;
  /** The longest wait between a change and its push (default 50 ms: a burst of events is one push). */
  batchMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

/** A running dashboard. */
export interface Dashboard {
  /** The URL to open, with the token. */
  url: string;
  port: number;
  /** Resolves once every watch has made its first list (the page then has all rollouts). */
  ready: Promise<void>;
  /** Rejects when a watch fails in a way retrying cannot fix (RBAC, a missing API). */
  failed: Promise<never>;
  close(): Promise<void>;
}

type Action = 'approve' | 'pause' | 'resume' | 'undo';
const ACTIONS = new Set<string>(['approve', 'pause', 'resume', 'undo']);

/** The answer to an action, as the page shows it: the CLI's line. */
interface ActionAnswer {
  ok: boolean;
  /** false: nothing was written (already approved). */
  changed: boolean;
  message: string;
}

/** Starts the dashboard: listens, starts the watches; `client` is the connection to the cluster. */
export async function startDashboard(client: KubeClient, o: DashboardOptions): Promise<Dashboard> {
  const token = o.token ?? randomBytes(32).toString('hex');
  const stop = new AbortController();
  const objects: ClusterObjects = { rollouts: new Map(), workloads: new Map(), pods: new Map(), events: new Map() };
  const pages = new Set<ServerResponse>();
  const entries = new DashboardEntries();
  let pending: CancelTimer | undefined;
  let failure: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    failure = reject;
  });
  failed.catch(() => undefined);
  failed.catch((err) => {
    for (const res of pages) {
      send(res, 'failure', { message: errorText(err) });
      res.end();
    }
  });

  const send = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const publish = () => {
    pending = undefined;
    const d = entries.update(objects, o.now());
    if (d.upserts.length === 0 && d.removed.length === 0) return;
    for (const res of pages) send(res, 'change', { upserts: d.upserts, removed: d.removed });
  };
  const schedule = () => {
    pending ??= o.clock.setTimer(o.batchMs ?? 50, publish);
  };

  /** Keeps `map` in step with a collection watch; `key` names an object in it. */
  const into =
    (map: Map<string, KubeObject>, key: (obj: KubeObject) => string, owns: (k: string) => boolean, after?: () => void) =>
    (ev: CollectionEvent) => {
      if (ev.type === 'list') {
        for (const k of [...map.keys()]) if (owns(k)) map.delete(k);
        for (const obj of ev.objects) map.set(key(obj), obj);
      } else if (ev.type === 'DELETED') map.delete(key(ev.object));
      else map.set(key(ev.object), ev.object);
      after?.();
      schedule();
    };
  const follow = (ref: ResourceRef, onEvent: (ev: CollectionEvent) => void): Promise<void> => {
    let first!: () => void;
    const listed = new Promise<void>((resolve) => {
      first = resolve;
    });
    followCollection(
      client,
      ref,
      o.namespace,
      (ev) => {
        onEvent(ev);
        if (ev.type === 'list') first();
      },
      stop.signal,
      o.clock,
      { backoff: o.backoff },
    ).catch((err) => {
      // A workload kind the server does not serve: its rollouts show the workload as not found.
      if (err instanceof ApiError && err.code === 404 && ref !== Resources.rolloutsV1beta1) return first();
      failure(err);
    });
    return listed;
  };

  // One watch per workload kind the rollouts name, started the first time a rollout names it.
  const workloadKinds = new Map<string, Promise<void>>();
  const followWorkloads = () => {
    for (const ro of objects.rollouts.values()) {
      const ref = workloadRefOf(ro as Rollout);
      if (!ref || workloadKinds.has(`${ref.apiVersion}/${ref.kind}`)) continue;
      const kind = ref.kind;
      workloadKinds.set(
        `${ref.apiVersion}/${ref.kind}`,
        follow(
          workloadResourceOf(ref),
          into(
            objects.workloads,
            (w) => workloadKey(kind, w.metadata.namespace ?? '', w.metadata.name ?? ''),
            (k) => k.startsWith(`${kind}/`),
          ),
        ),
      );
    }
  };
  const everything = (map: Map<string, KubeObject>) => into(map, objectKey, () => true);
  const rolloutsListed = follow(
    Resources.rolloutsV1beta1,
    into(objects.rollouts as Map<string, KubeObject>, objectKey, () => true, followWorkloads),
  );
  const ready = Promise.all([
    rolloutsListed,
    follow(Resources.pods, everything(objects.pods)),
    follow(Resources.events, everything(objects.events)),
  ]).then(async () => {
    await Promise.all(workloadKinds.values());
  });

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      if (!res.headersSent) reply(res, 500, { ok: false, changed: false, message: `error: ${String(err)}` });
      else res.end();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The token is in the page's URL: it must never leave in a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'DENY');
    const refused = refuseForeign(req, o.host);
    if (refused) return reply(res, 403, { ok: false, changed: false, message: `error: ${refused}` });
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return servePage(res);
    if (req.method === 'GET' && url.pathname === '/api/stream') {
      if (!tokenMatches(url.searchParams.get('token'), token)) return reply(res, 403, forbidden);
      return stream(res);
    }
    const m = /^\/api\/rollouts\/([^/]+)\/([^/]+)\/([a-z]+)$/.exec(url.pathname);
    if (m && ACTIONS.has(m[3]!)) {
      if (req.method !== 'POST') return reply(res, 405, { ok: false, changed: false, message: 'error: actions are POST requests' });
      if (!tokenMatches(headerOf(req, 'x-dashboard-token'), token)) return reply(res, 403, forbidden);
      const body = await readBody(req);
      if (body === undefined) return reply(res, 400, { ok: false, changed: false, message: 'error: the body must be a JSON object' });
      const ns = decodeURIComponent(m[1]!);
      const name = decodeURIComponent(m[2]!);
      if (o.namespace !== undefined && ns !== o.namespace)
        return reply(res, 403, { ok: false, changed: false, message: `error: this dashboard shows namespace "${o.namespace}" only` });
      const step = body.step;
      if (step !== undefined && (typeof step !== 'number' || !Number.isInteger(step) || step < 1))
        return reply(res, 400, { ok: false, changed: false, message: 'error: step must be a whole number of 1 or more' });
      const answer = await act(m[3] as Action, ns, name, step);
      return reply(res, answer.ok ? 200 : 409, answer);
    }
    reply(res, 404, { ok: false, changed: false, message: 'error: not found' });
  };

  const forbidden: ActionAnswer = {
    ok: false,
    changed: false,
    message: 'error: this request has no valid dashboard token: open the URL the dashboard printed',
  };

  const servePage = (res: ServerResponse) => {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; style-src-attr 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE.replaceAll('__NONCE__', nonce));
  };

  const stream = async (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
    res.flushHeaders();
    // The first list of every kind first: a page never shows "no rollouts" that are only not listed yet.
    try {
      await Promise.race([ready, failed]);
    } catch (err) {
      send(res, 'failure', { message: errorText(err) });
      res.end();
      return;
    }
    if (res.destroyed) return;
    pending?.();
    publish();
    pages.add(res);
    send(res, 'snapshot', { namespace: o.namespace ?? null, cli: o.cli, entries: entries.all() });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(keepAlive);
      pages.delete(res);
    });
  };

  const act = async (action: Action, ns: string, name: string, step: number | undefined): Promise<ActionAnswer> => {
    const line = (text: string) => `${ROLLOUT_NAME_PREFIX}/${name} ${text}`;
    const refusal = (text: string) => `error: ${ROLLOUT_QUALIFIED_RESOURCE} "${name}" ${text}`;
    try {
      if (action === 'approve') {
        const r = await approveRollout(client, ns, name, { step }, { now: o.now, cli: o.cli });
        if (r.kind === 'refused') return { ok: false, changed: false, message: refusal(r.message) };
        // Another approver got there first: said as the CLI says it, and that nothing was written.
        if (r.kind === 'noop') return { ok: true, changed: false, message: line(`${r.reason}; nothing was written`) };
        return { ok: true, changed: true, message: line(r.message) };
      }
      if (action === 'pause' || action === 'resume') {
        const r = await setRolloutPaused(client, ns, name, action === 'pause');
        if (r.kind === 'refused') return { ok: false, changed: false, message: refusal(r.message) };
        return { ok: true, changed: true, message: line(r.message) };
      }
      const r = await undoRolloutWorkload(client, ns, name);
      if (r.kind === 'done') return { ok: true, changed: true, message: `deployment.apps/${r.deployment} ${r.message}` };
      if (r.kind === 'refused') return { ok: false, changed: false, message: `error: deployments.apps "${r.deployment}" ${r.message}` };
      if (r.kind === 'gave-up')
        return {
          ok: false,
          changed: false,
          message: `error: deployments.apps "${r.deployment}" gave up after repeated conflicts; nothing was written`,
        };
      if (r.kind === 'no-workload')
        return { ok: false, changed: false, message: refusal('has no workloadRef: there is no workload to roll back') };
      return {
        ok: false,
        changed: false,
        message: `error: undo supports Deployment workloads; the workload is ${r.workloadKind} "${r.workload}"`,
      };
    } catch (err) {
      return { ok: false, changed: false, message: errorText(err) };
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    ready,
    failed,
    async close() {
      stop.abort();
      pending?.();
      for (const res of pages) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An error as one line, as the CLI prints it. */
function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return /^(error: |Error from server)/.test(message) ? message : `error: ${message}`;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A JSON object body (at most 16 KiB), or undefined. */
async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 16 * 1024) return undefined;
  }
  if (text.trim() === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, code: number, body: ActionAnswer): void {
  res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
