// The one HTTP client: node:http/https with a keep-alive agent, JSON bodies, kubectl-style
// errors, bounded retries for reads, --request-timeout, and the -v request log.
import http from 'node:http';
import { isIP } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { commandClock, sleep } from '../runtime/clock.js';
import { mark } from '../runtime/timeline.js';
import type { KubeClient, ListOptions, WatchOptions } from './client.js';
import { ApiError, ConfigError, genericStatus, TransportError } from './errors.js';
import type { RestConfig } from './kubeconfig.js';
import { type RequestLogger, silentLogger } from './log.js';
import { type ResourceRef, resourcePath } from './resources.js';
import type { KubeList, KubeObject, StatusObject, WatchEvent } from './types.js';

/**
 * Retry budget. Reads (GET, LIST, the start of a WATCH) are retried on 429, 5xx and on a
 * connection refused/reset before any answer: at most `attempts` tries in all, waiting
 * Retry-After (capped at `maxRetryAfterMs`) or a jittered exponential backoff
 * (`baseMs` × 2^n, capped at `capMs`, times 0.5–1.0). Writes are retried only on 429, which
 * means the server did not process them; a 5xx or a reset on a write is surfaced, because
 * only the caller can re-read and decide (a PUT with resourceVersion makes that safe).
 * Worst case for a read without Retry-After: 0.2 + 0.4 + 0.8 s ≈ 1.4 s of waiting.
 */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 200, capMs: 2000, maxRetryAfterMs: 10_000 };

/** How the client behaves around the requests themselves. */
export interface ClientOptions {
  /** Log sink for -v (level and masking included). */
  logger?: RequestLogger;
  /** Aborts every request in flight (Ctrl-C). */
  signal?: AbortSignal;
  /** Environment for exec credential plugins and the deferred NODE_EXTRA_CA_CERTS (src/kube/extra-ca.ts). */
  env?: NodeJS.ProcessEnv;
  /** Where a warning line goes (a deferred CA file that cannot be read); stderr by default. */
  warn?: (line: string) => void;
  userAgent?: string;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests; defaults to the process' clock (src/runtime/clock.ts) / Math.random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Options of one raw request. */
export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/** KubeClient over HTTP, plus a raw request and a way to drop idle connections. */
export interface HttpKubeClient extends KubeClient {
  /** The API server's base URL. */
  readonly server: string;
  /** A JSON request to any path (discovery, /version). */
  request<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body?: Buffer;
  res?: http.IncomingMessage;
  req?: http.ClientRequest;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Creates the HTTP KubeClient for a resolved RestConfig. */
export function createKubeClient(cfg: RestConfig, opts: ClientOptions = {}): HttpKubeClient {
  return new Client(cfg, opts);
}

class Client implements HttpKubeClient {
  readonly namespace: string;
  readonly server: string;
  private readonly log: RequestLogger;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private transport?: Promise<{ agent: http.Agent; auth?: string }>;
  private agent?: http.Agent;
  /** node:https, loaded only for an https server (it pulls in tls and crypto: start-up time). */
  private https?: typeof import('node:https');
  private readonly isHttps: boolean;

  constructor(
    private readonly cfg: RestConfig,
    private readonly opts: ClientOptions,
  ) {
    this.namespace = cfg.namespace;
    this.server = cfg.server;
    this.isHttps = cfg.server.startsWith('https:');
    this.log = opts.logger ?? silentLogger();
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? ((ms) => sleep(commandClock, ms));
    this.random = opts.random ?? Math.random;
    this.log.secret(cfg.token);
    this.log.secret(cfg.password);
    this.log.secret(cfg.key?.toString('utf8'));
    if (cfg.username !== undefined) this.log.secret(Buffer.from(`${cfg.username}:${cfg.password ?? ''}`).toString('base64'));
  }

  get<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>('GET', resourcePath(ref, namespace, name));
  }

  list<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, o: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>('GET', resourcePath(ref, namespace), {
      query: { labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, resourceVersion: o.resourceVersion },
    });
  }

  create<T extends KubeObject = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: T): Promise<T> {
    return this.request<T>('POST', resourcePath(ref, namespace ?? obj.metadata?.namespace), { body: obj });
  }

  update<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    obj: T,
    o: { subresource?: 'status' | 'scale'; dryRun?: boolean } = {},
  ): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new ConfigError(`cannot update a ${ref.kind} without metadata.name`);
    // PUT, not PATCH: the body carries metadata.resourceVersion, so a stale read fails with 409.
    return this.request<T>('PUT', resourcePath(ref, namespace ?? obj.metadata.namespace, name, o.subresource), {
      body: obj,
      query: { dryRun: o.dryRun ? 'All' : undefined },
    });
  }

  async delete(ref: ResourceRef, namespace: string | undefined, name: string): Promise<void> {
    await this.request('DELETE', resourcePath(ref, namespace, name));
  }

  async *watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    namespace: string | undefined,
    o: WatchOptions = {},
  ): AsyncIterable<WatchEvent<T>> {
    const path = resourcePath(ref, namespace);
    const query = {
      watch: 'true',
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      resourceVersion: o.resourceVersion,
      allowWatchBookmarks: o.allowWatchBookmarks ? 'true' : undefined,
      sendInitialEvents: o.sendInitialEvents === undefined ? undefined : String(o.sendInitialEvents),
      resourceVersionMatch: o.resourceVersionMatch,
    };
    const signal = anySignal(this.opts.signal, o.signal);
    let answer: Answer;
    try {
      answer = await this.exchange('GET', path, { query, signal }, true);
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    o.onOpen?.();
    const res = answer.res!;
    const decoder = new StringDecoder('utf8');
    let pending = '';
    const where = `${this.server}${path}`;
    try {
      for await (const chunk of res) {
        pending += decoder.write(chunk as Buffer);
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl).trim();
          pending = pending.slice(nl + 1);
          if (line) yield parseEvent<T>(line, where);
        }
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw new TransportError(`the watch on ${where} was cut off: ${(err as Error).message}`, 'reset', true);
    } finally {
      answer.req?.destroy();
    }
    if (signal?.aborted) return;
    const rest = (pending + decoder.end()).trim();
    // A server may end the last event without a newline; a half event means the connection broke.
    if (rest) yield parseEvent<T>(rest, where);
  }

  async request<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    mark(`${method} ${path}`);
    let answer: Answer;
    try {
      answer = await this.exchange(method, path, { ...o, signal: anySignal(this.opts.signal, o.signal) }, false);
    } finally {
      mark(`${method} ${path} answered`);
    }
    const text = answer.body!.toString('utf8');
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new TransportError(`the server sent an invalid response to ${method} ${path}: not JSON (${(err as Error).message})`, 'invalid');
    }
  }

  close(): void {
    this.agent?.destroy();
  }

  /** One logical request: auth, retries, status mapping. Resolves only with a 2xx answer. */
  private async exchange(method: string, path: string, o: RequestOptions, stream: boolean): Promise<Answer> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const body = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const isRead = READ_METHODS.has(method);
    let reauthenticated = false;
    for (let attempt = 1; ; attempt++) {
      const { agent, auth } = await this.ensureTransport();
      let answer: Answer;
      try {
        answer = await this.once(method, url, body, agent, auth, o.signal, stream);
      } catch (err) {
        if (err instanceof TransportError && err.retryable && isRead && attempt < this.retry.attempts && !o.signal?.aborted) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        throw err;
      }
      if (answer.status >= 200 && answer.status < 300) return answer;

      const bodyText = answer.body
        ? answer.body.toString('utf8')
        : await readAll(answer.res!).then(
            (b) => b.toString('utf8'),
            () => '',
          );
      // An exec plugin's token may have expired: run the plugin again once.
      if (answer.status === 401 && this.cfg.exec && !reauthenticated) {
        reauthenticated = true;
        (await import('./exec-credential.js')).clearExecCredentialCache();
        this.transport = undefined;
        continue;
      }
      const retryAfter = retryAfterMs(answer.headers['retry-after']);
      const retryable = answer.status === 429 || (isRead && answer.status >= 500);
      if (retryable && attempt < this.retry.attempts && !o.signal?.aborted) {
        await this.sleep(retryAfter !== undefined ? Math.min(retryAfter, this.retry.maxRetryAfterMs) : this.backoff(attempt));
        continue;
      }
      throw this.errorFor(method, path, answer.status, bodyText);
    }
  }

  /** Jittered exponential backoff for the n-th retry (1-based). */
  private backoff(n: number): number {
    const raw = Math.min(this.retry.capMs, this.retry.baseMs * 2 ** (n - 1));
    return Math.round(raw * (0.5 + this.random() * 0.5));
  }

  private errorFor(method: string, path: string, status: number, text: string): Error {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && (parsed as StatusObject).kind === 'Status') {
      const st = parsed as StatusObject;
      return new ApiError({ ...st, code: st.code || status }, { method, path });
    }
    if (parsed !== undefined) return new ApiError(genericStatus(status, text), { method, path }, true);
    // A proxy's HTML error page (or a gateway's 502) is not the API server speaking.
    if (status >= 500) return new TransportError(`the server returned HTTP ${status} with a non-JSON body`, 'non-json', false);
    return new ApiError(genericStatus(status, text), { method, path }, true);
  }

  /** Resolves credentials (running an exec plugin if configured) and builds the agent once. */
  private ensureTransport(): Promise<{ agent: http.Agent; auth?: string }> {
    if (!this.transport) {
      this.transport = (async () => {
        const cfg = this.cfg;
        let token = cfg.token;
        let cert = cfg.cert;
        let key = cfg.key;
        if (cfg.exec && !token) {
          // Loaded only for exec users: it pulls in node:child_process (start-up time).
          const { execCredential } = await import('./exec-credential.js');
          const cred = await execCredential(cfg.exec.config, {
            dir: cfg.exec.dir,
            user: cfg.exec.user,
            env: this.opts.env ?? process.env,
            server: cfg.server,
          });
          this.log.secret(cred.token);
          this.log.secret(cred.clientKeyData);
          if (this.log.level >= 6)
            this.log.line(`exec plugin "${cfg.exec.config.command}" returned ${cred.token ? 'a token <masked>' : 'a client certificate'}`);
          token = cred.token ?? token;
          if (cred.clientCertificateData && cred.clientKeyData) {
            cert = Buffer.from(cred.clientCertificateData);
            key = Buffer.from(cred.clientKeyData);
          }
        }
        let auth: string | undefined;
        if (token) auth = `Bearer ${token}`;
        else if (cfg.username !== undefined) auth = `Basic ${Buffer.from(`${cfg.username}:${cfg.password ?? ''}`).toString('base64')}`;
        this.log.secret(auth);
        this.agent?.destroy();
        const common = { keepAlive: true, maxSockets: 32 };
        let ca: Buffer | string[] | undefined = cfg.ca;
        if (this.isHttps) {
          this.https ??= await import('node:https');
          if (!ca && !cfg.insecureSkipTlsVerify) {
            const { rootsWithDeferredExtraCa } = await import('./extra-ca.js');
            const warn = this.opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
            ca = await rootsWithDeferredExtraCa(this.opts.env ?? process.env, warn);
          }
        }
        this.agent = this.https
          ? new this.https.Agent({
              ...common,
              ca,
              cert,
              key,
              rejectUnauthorized: !cfg.insecureSkipTlsVerify,
              servername: cfg.tlsServerName && !isIP(cfg.tlsServerName) ? cfg.tlsServerName : undefined,
            })
          : new http.Agent(common);
        return { agent: this.agent, auth };
      })();
      this.transport.catch(() => (this.transport = undefined));
    }
    return this.transport;
  }

  /** One HTTP exchange. For a stream, resolves at the headers and hands back the response. */
  private once(
    method: string,
    url: URL,
    body: Buffer | undefined,
    agent: http.Agent,
    auth: string | undefined,
    signal: AbortSignal | undefined,
    stream: boolean,
  ): Promise<Answer> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.opts.userAgent ?? 'kubectl-kruise',
    };
    if (auth) headers.Authorization = auth;
    if (body) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(body.length);
    }
    const shown = `${method} ${url.href}`;
    const level = this.log.level;
    if (level >= 7) {
      this.log.line(
        `${shown}\nRequest Headers:\n${Object.entries(headers)
          .map(([k, v]) => `    ${k}: ${v}`)
          .join('\n')}`,
      );
    }
    if (level >= 8 && body) this.log.line(`Request Body: ${clip(body.toString('utf8'), level)}`);

    // Date.now, not performance.now: the global `performance` loads perf_hooks (start-up time).
    const started = level >= 6 ? Date.now() : 0;
    const logAnswer = (status: number | undefined, resBody?: Buffer) => {
      if (level < 6) return;
      const ms = Date.now() - started;
      this.log.line(
        `${shown} ${status ? `${status} ${http.STATUS_CODES[status] ?? ''}`.trimEnd() : ''} in ${ms} milliseconds`.replace(/ {2,}/g, ' '),
      );
      if (level >= 8 && resBody && resBody.length) this.log.line(`Response Body: ${clip(resBody.toString('utf8'), level)}`);
    };

    return new Promise<Answer>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const lib = this.isHttps ? this.https! : http;
      const req = lib.request(url, { method, headers, agent });
      let settled = false;
      let gotResponse = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        cleanup();
        logAnswer(undefined);
        req.destroy();
        reject(err);
      };
      const cancelTimer =
        this.cfg.timeoutMs > 0
          ? commandClock.setTimer(this.cfg.timeoutMs, () =>
              fail(new TransportError(`the server did not answer within ${this.cfg.timeoutText} (--request-timeout)`, 'timeout')),
            )
          : undefined;
      const onAbort = () => fail(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        cancelTimer?.();
        signal?.removeEventListener('abort', onAbort);
      };

      req.on('error', (err) => fail(gotResponse ? this.truncated(method, url) : this.transportError(err, method, url, req.reusedSocket)));
      req.on('response', (res) => {
        gotResponse = true;
        const ok = res.statusCode! >= 200 && res.statusCode! < 300;
        if (stream && ok) {
          settled = true;
          cleanup();
          logAnswer(res.statusCode);
          // From here the stream belongs to the watcher; an abort ends it.
          if (signal) {
            const stop = () => res.destroy(abortError());
            if (signal.aborted) stop();
            else signal.addEventListener('abort', stop, { once: true });
            res.on('close', () => signal.removeEventListener('abort', stop));
          }
          return resolve({ status: res.statusCode!, headers: res.headers, res, req });
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('aborted', () => fail(this.truncated(method, url)));
        res.on('error', () => fail(this.truncated(method, url)));
        res.on('end', () => {
          if (settled) return;
          if (!res.complete) return fail(this.truncated(method, url));
          settled = true;
          cleanup();
          const buf = Buffer.concat(chunks);
          logAnswer(res.statusCode, buf);
          resolve({ status: res.statusCode!, headers: res.headers, body: buf });
        });
      });
      req.end(body);
    });
  }

  private truncated(method: string, url: URL): TransportError {
    return new TransportError(
      `the server sent an invalid response to ${method} ${url.pathname}: the connection closed before the body was complete`,
      'invalid',
    );
  }

  private transportError(err: NodeJS.ErrnoException, method: string, url: URL, reused: boolean): TransportError {
    if (err instanceof TransportError) return err;
    const code = err.code ?? '';
    const server = this.server;
    if (code === 'ECONNREFUSED') {
      return new TransportError(
        `the server at ${server} refused the connection; is the API server running? (check --server/--kubeconfig)`,
        'refused',
        true,
      );
    }
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
      const what =
        code === 'ETIMEDOUT'
          ? 'timed out connecting'
          : code === 'ECONNRESET' || code === 'EPIPE'
            ? 'closed the connection'
            : 'is unreachable';
      return new TransportError(
        `the server at ${server} ${what} before answering ${method} ${url.pathname}${reused ? ' (on a reused connection)' : ''}`,
        'reset',
        true,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new TransportError(
        `cannot resolve the API server's host name "${url.hostname}" (check --server/--kubeconfig)`,
        'dns',
        code === 'EAI_AGAIN',
      );
    }
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code) || /certificate|SSL|TLS/i.test(err.message)) {
      return new TransportError(
        `cannot trust the server at ${server}: ${err.message} (set certificate-authority in the kubeconfig, or pass --insecure-skip-tls-verify)`,
        'tls',
      );
    }
    return new TransportError(`request to ${server} failed: ${err.message}`, 'other');
  }
}

function parseEvent<T extends KubeObject>(line: string, where: string): WatchEvent<T> {
  let ev: unknown;
  try {
    ev = JSON.parse(line);
  } catch {
    throw new TransportError(
      `the server sent an invalid response to the watch on ${where}: a line is not JSON (the connection may have been cut off)`,
      'invalid',
      true,
    );
  }
  const e = ev as WatchEvent<T>;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string' || !e.object || typeof e.object !== 'object') {
    throw new TransportError(`the server sent an invalid response to the watch on ${where}: an event without type/object`, 'invalid', true);
  }
  return e;
}

function abortError(): TransportError {
  return new TransportError('interrupted', 'aborted');
}

function anySignal(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

function retryAfterMs(h: string | string[] | undefined): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function clip(text: string, level: number): string {
  const max = level >= 9 ? Infinity : 10_240;
  return text.length > max ? `${text.slice(0, max)} [truncated ${text.length - max} chars]` : text;
}

function readAll(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}
