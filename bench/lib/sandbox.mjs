// The sandbox under test runs as a child process (`kubectl-kruise sandbox --port 0`), exactly as a
// user starts it; a counting proxy in front of it tells how many requests a command sent.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

/**
 * Starts `bin/kubectl-kruise sandbox` with `extraArgs`; resolves { url, kubeconfig, pid, stop() }
 * once it listens. The URL comes from its stderr line `… listening on URL`.
 */
export function startSandbox({ root, dir, name = 'sandbox', extraArgs = [] }) {
  const kubeconfig = join(dir, `${name}.kc`);
  const child = spawn(
    process.execPath,
    [join(root, 'bin/kubectl-kruise'), 'sandbox', '--port', '0', '--kubeconfig-out', kubeconfig, ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sandbox did not start in 30 s: ${stderr}`)), 30_000);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`sandbox exited (${code}) before listening: ${stderr}`)));
    child.stdout.resume();
    child.stderr.on('data', (b) => {
      stderr += b.toString('utf8');
      const m = /listening on (https?:\/\/\S+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      resolve({
        url: m[1],
        kubeconfig,
        pid: child.pid,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
  });
}

/** Writes a kubeconfig for `server` (plain HTTP on loopback, no credentials). */
export function writeKubeconfig(file, server, namespace = 'default') {
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: bench',
      '  cluster:',
      `    server: ${server}`,
      'contexts:',
      '- name: bench',
      '  context:',
      '    cluster: bench',
      '    user: bench',
      `    namespace: ${namespace}`,
      'current-context: bench',
      'users:',
      '- name: bench',
      '  user: {}',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return file;
}

/** The `server:` of a kubeconfig file (first cluster). */
export function serverOf(kubeconfig) {
  const m = /server:\s*(\S+)/.exec(readFileSync(kubeconfig, 'utf8'));
  return m?.[1];
}

/**
 * A counting reverse proxy on 127.0.0.1 in front of `upstream`: every request is recorded
 * ({ method, path, watch }) and forwarded; streamed answers (watch) are piped as they come.
 * `dropAll()` destroys every open connection (a dropped network, for reconnect counts).
 */
export async function startCountingProxy(upstream) {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const log = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://proxy');
    const watch = url.searchParams.get('watch');
    log.push({
      method: req.method,
      path: url.pathname,
      watch: watch === 'true' || watch === '1' || watch === 'True',
      t: performance.now(),
    });
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (upRes) => {
        res.writeHead(upRes.statusCode, upRes.headers);
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    log,
    /** Requests recorded since index `from`. */
    since: (from) => log.slice(from),
    dropAll() {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whether a GET path names a collection (a LIST) rather than one object. */
export function isCollectionPath(path) {
  const parts = path.split('/').filter(Boolean);
  const rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : [];
  if (rest.length === 0) return false; // discovery
  if (rest[0] === 'namespaces' && rest.length >= 3) return rest.length === 3;
  return rest.length === 1;
}

/** `GET 1, PUT 1`, `LIST 4, PUT 100`, `LIST 2, WATCH 2` from request records. */
export function describeRequests(records) {
  const counts = new Map();
  for (const r of records) {
    const k = r.watch ? 'WATCH' : r.method === 'GET' && isCollectionPath(r.path) ? 'LIST' : r.method;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
}
