// Small real-HTTP helpers for the sandbox tests.
import { request } from 'node:http';

/** A response as the tests look at it. */
interface Answer<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: T;
}

/** Sends one request; body objects are sent as JSON unless a string is given. */
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] = contentType;
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), text, body: parsed as T };
}

/** An open watch: the events received so far, raw lines, and a way to wait for more. */
interface WatchStream {
  events: { type: string; object: any }[];
  lines: string[];
  headers: Record<string, string | string[] | undefined>;
  /** Resolves when at least n events have arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<{ type: string; object: any }[]>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch (GET with ?watch=true…) and parses one JSON event per line. */
export function openWatch(base: string, path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const events: { type: string; object: any }[] = [];
    const lines: string[] = [];
    const waiters: (() => void)[] = [];
    let buf = '';
    let endResolve!: () => void;
    const ended = new Promise<void>((r) => (endResolve = r));
    const req = request(url, { method: 'GET', headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (!line.trim()) continue;
          lines.push(line);
          events.push(JSON.parse(line));
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('end', () => {
        endResolve();
        for (const w of waiters.splice(0)) w();
      });
      res.on('error', () => endResolve());
      resolve({
        events,
        lines,
        headers: res.headers,
        ended,
        close: () => req.destroy(),
        waitFor(n, timeoutMs = 3000) {
          return new Promise((ok, fail) => {
            const deadline = setTimeout(
              () => fail(new Error(`timed out waiting for ${n} events; got ${JSON.stringify(events.map((e) => e.type))}`)),
              timeoutMs,
            );
            const check = () => {
              if (events.length >= n) {
                clearTimeout(deadline);
                ok(events);
              } else waiters.push(check);
            };
            check();
          });
        },
      });
    });
    req.on('error', (err) => {
      endResolve();
      reject(err);
    });
    req.end();
  });
}

/** Polls fn (real time, short interval) until it returns a truthy value. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 8000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A minimal Deployment. */
export function deployment(name: string, replicas = 1, extra: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
    },
    ...extra,
  };
}

/** A minimal v1beta1 Rollout for a Deployment. */
export function rollout(name: string, workload: string): any {
  return {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload },
      strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }] } },
    },
  };
}
