// A small concurrent load generator for the sandbox: loopback only, bounded by time and count.
import http from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import { ensureNamespace, paths } from './http.mjs';
import { quantile } from './stats.mjs';

const MAX_REQUESTS = 200_000;

function loopback(url) {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error(`load goes to loopback only, not ${u.hostname}`);
  return u;
}

/** One request whose body is drained, not parsed; resolves { status, body? }. */
function raw(u, agent, method, path, payload, keepBody) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method,
        path,
        agent,
        headers: {
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks = keepBody ? [] : undefined;
        res.on('data', (c) => chunks?.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: chunks ? Buffer.concat(chunks).toString('utf8') : undefined }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs `step(worker)` in `concurrency` loops until `durationMs` or MAX_REQUESTS; latency stats. */
async function closedLoop(concurrency, durationMs, step) {
  const lat = [];
  let errors = 0;
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline && count < MAX_REQUESTS) {
        count++;
        const s = performance.now();
        try {
          if (!(await step(w))) errors++;
        } catch {
          errors++;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  return { requests: count, errors, elapsedMs: elapsed, rps: (count / elapsed) * 1000, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

/** GET `path` from `concurrency` keep-alive connections for `durationMs`. */
export async function loadGet(url, path, { concurrency = 16, durationMs = 2000 } = {}) {
  const u = loopback(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await closedLoop(concurrency, durationMs, async () => (await raw(u, agent, 'GET', path)).status === 200);
  } finally {
    agent.destroy();
  }
}

/** PUT …/rollouts/NAME/status from `concurrency` connections, each on its own Rollout (no conflicts). */
export async function loadPut(url, c, { concurrency = 16, durationMs = 2000 } = {}) {
  const u = loopback(url);
  const ns = 'load';
  await ensureNamespace(c, ns);
  const objs = [];
  for (let w = 0; w < concurrency; w++) {
    const name = `load-${w}`;
    const existing = await c.request('GET', paths.rollout(ns, name));
    objs.push(
      existing.status === 200
        ? existing.json
        : await c.must('POST', paths.rollouts(ns), {
            apiVersion: 'rollouts.kruise.io/v1beta1',
            kind: 'Rollout',
            metadata: { name, namespace: ns },
            spec: {
              workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `absent-${w}` },
              strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '100%' }] } },
            },
          }),
    );
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let n = 0;
  try {
    return await closedLoop(concurrency, durationMs, async (w) => {
      const obj = objs[w];
      const body = Buffer.from(JSON.stringify({ ...obj, status: { ...(obj.status ?? {}), message: `load ${++n}` } }));
      const r = await raw(u, agent, 'PUT', paths.rollout(ns, obj.metadata.name, 'status'), body, true);
      if (r.status !== 200) return false;
      objs[w] = JSON.parse(r.body);
      return true;
    });
  } finally {
    agent.destroy();
  }
}

/**
 * Opens `watchers` watch streams on one namespace, then changes one Rollout `events` times, one at
 * a time (the next change once every watcher has seen the previous one). Latency per delivery is
 * from the PUT's answer to the event's arrival at the watcher.
 */
export async function fanOut(url, c, { watchers = 100, events = 100 } = {}) {
  const u = loopback(url);
  const ns = 'fan';
  await ensureNamespace(c, ns);
  let obj = await c.must('POST', paths.rollouts(ns), {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name: 'fan-0', namespace: ns },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'absent' },
      strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '100%' }] } },
    },
  });
  const agent = new http.Agent({ keepAlive: false, maxSockets: watchers + 1 });
  const arrivals = new Map(); // event number → [times]
  let onArrival = () => {};
  const reqs = [];
  await Promise.all(
    Array.from(
      { length: watchers },
      () =>
        new Promise((resolve, reject) => {
          const req = http.get(
            {
              host: u.hostname,
              port: u.port,
              agent,
              path: `${paths.rollouts(ns)}?watch=true&resourceVersion=${obj.metadata.resourceVersion}`,
            },
            (res) => {
              if (res.statusCode !== 200) return reject(new Error(`watch: ${res.statusCode}`));
              const dec = new StringDecoder('utf8');
              let buf = '';
              res.on('data', (chunk) => {
                const t = performance.now();
                buf += dec.write(chunk);
                let nl;
                while ((nl = buf.indexOf('\n')) >= 0) {
                  const line = buf.slice(0, nl);
                  buf = buf.slice(nl + 1);
                  const m = /"message":"fan (\d+)"/.exec(line);
                  if (!m) continue;
                  const k = Number(m[1]);
                  if (!arrivals.has(k)) arrivals.set(k, []);
                  arrivals.get(k).push(t);
                  onArrival(k);
                }
              });
              res.on('error', () => {});
              resolve();
            },
          );
          req.on('error', reject);
          reqs.push(req);
        }),
    ),
  );
  const lat = [];
  const last = [];
  let missing = 0;
  const t0 = performance.now();
  try {
    for (let e = 1; e <= events; e++) {
      const all = new Promise((resolve) => {
        const timer = setTimeout(resolve, 5000);
        onArrival = (k) => {
          if (k === e && arrivals.get(e).length >= watchers) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      obj = await c.must('PUT', paths.rollout(ns, 'fan-0', 'status'), { ...obj, status: { ...(obj.status ?? {}), message: `fan ${e}` } });
      const tResp = performance.now();
      if ((arrivals.get(e)?.length ?? 0) < watchers) await all;
      const times = arrivals.get(e) ?? [];
      missing += watchers - times.length;
      for (const t of times) lat.push(Math.max(0, t - tResp));
      if (times.length) last.push(Math.max(0, Math.max(...times) - tResp));
      arrivals.delete(e);
    }
  } finally {
    for (const r of reqs) r.destroy();
    agent.destroy();
  }
  const elapsed = performance.now() - t0;
  return {
    watchers,
    events,
    missing,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    lastP99: quantile(last, 0.99),
    deliveriesPerSec: (lat.length / elapsed) * 1000,
  };
}
