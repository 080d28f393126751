// `kubectl-kruise sandbox` in-process: kubeconfig, export line, flags, stop on abort, --tls.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { captureStream } from '../helpers/cli.js';
import { eventually } from './http.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kk-sandbox-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]) {
  const out = captureStream();
  const err = captureStream();
  const stop = new AbortController();
  const code = main(['sandbox', '--port', '0', '--kubeconfig-out', join(dir, 'kc'), ...args], {
    io: { out, err },
    env: { HOME: dir, PATH: process.env.PATH },
    signal: stop.signal,
  });
  return { out, err, stop, code };
}

test('writes a kubeconfig, prints the export line, serves /readyz, and returns 0 when aborted', async () => {
  const s = start(['--pod-ready-delay', '200ms', '--no-rollout-controller']);
  await eventually(() => s.out.text().includes('\n'));
  expect(s.out.text()).toBe(`export KUBECONFIG=${join(dir, 'kc')}\n`);
  const kc = parse(readFileSync(join(dir, 'kc'), 'utf8'));
  expect(kc).toMatchObject({
    'current-context': 'sandbox',
    contexts: [{ name: 'sandbox', context: { namespace: 'default', cluster: 'sandbox' } }],
  });
  const server = kc.clusters[0].cluster.server as string;
  expect(server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(await (await fetch(`${server}/readyz`)).text()).toBe('ok');
  s.stop.abort();
  expect(await s.code).toBe(0);
  await expect(fetch(`${server}/readyz`)).rejects.toThrow();
});

test('refuses web pages by default; --allow-origin lets one origin in (repeatable)', async () => {
  const kcServer = () => parse(readFileSync(join(dir, 'kc'), 'utf8')).clusters[0].cluster.server as string;
  const post = (server: string, origin: string) =>
    fetch(`${server}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'c-' } }),
    });
  const closed = start(['--no-rollout-controller']);
  await eventually(() => closed.out.text().includes('\n'));
  expect((await post(kcServer(), 'http://localhost:3000')).status).toBe(403);
  closed.stop.abort();
  expect(await closed.code).toBe(0);

  const open = start(['--no-rollout-controller', '--allow-origin', 'http://localhost:3000', '--allow-origin', 'http://ui.test']);
  await eventually(() => open.out.text().includes('\n'));
  const ok = await post(kcServer(), 'http://localhost:3000');
  expect(ok.status).toBe(201);
  expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  expect((await post(kcServer(), 'http://ui.test')).status).toBe(201);
  expect((await post(kcServer(), 'http://evil.example')).status).toBe(403);
  open.stop.abort();
  expect(await open.code).toBe(0);
});

test.each([
  ['--pod-ready-delay', 'soon'],
  ['--port', '70000'],
  ['--allow-origin', 'localhost:3000'],
  ['--allow-origin', 'http://localhost:3000/app'],
])('%s %s is a usage error (exit 2)', async (flag, value) => {
  const s = start([flag, value]);
  expect(await s.code).toBe(2);
  expect(s.err.text()).toContain(`invalid ${flag}`);
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('sandbox --tls: no openssl on PATH; skipping the TLS test');
    return false;
  }
})();

(hasOpenssl ? test : test.skip)(
  '--tls serves HTTPS with a CA written next to the kubeconfig and embedded in it',
  async () => {
    const s = start(['--tls', '--no-rollout-controller']);
    try {
      await eventually(() => s.out.text().includes('\n'), 15000);
      const kc = parse(readFileSync(join(dir, 'kc'), 'utf8'));
      const cluster = kc.clusters[0].cluster;
      expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString();
      expect(readFileSync(join(dir, 'kc.ca.crt'), 'utf8')).toBe(ca);
      const body = await new Promise<string>((resolve, reject) => {
        request(`${cluster.server}/api/v1/namespaces/default`, { ca }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body).metadata.name).toBe('default');
      let kubectlOk = true;
      try {
        execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      } catch {
        kubectlOk = false;
      }
      if (kubectlOk) {
        // Async: the sandbox answers from this very process.
        const out = await new Promise<string>((resolve, reject) =>
          execFile(
            'kubectl',
            ['--kubeconfig', join(dir, 'kc'), 'get', 'ns', 'default', '-o', 'name'],
            { env: { HOME: dir, PATH: process.env.PATH }, timeout: 15000 },
            (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout)),
          ),
        );
        expect(out).toBe('namespace/default\n');
      }
    } finally {
      s.stop.abort();
    }
    expect(await s.code).toBe(0);
  },
  20000,
);

describe('--token-file', () => {
  test.each([
    ['a missing file', undefined, /^error: invalid --token-file ".*": ENOENT\n$/],
    ['a short token', 'short\n', /^error: invalid --token-file ".*": want a token of at least 16 printable characters/],
    ['a token with a space', 'a token with spaces in it\n', /^error: invalid --token-file ".*": want a token/],
  ])('%s is a usage error (exit 2) and writes no kubeconfig', async (_n, content, message) => {
    const file = join(dir, 'token');
    if (content !== undefined) writeFileSync(file, content);
    const s = start(['--token-file', file, '--no-rollout-controller']);
    expect(await s.code).toBe(2);
    expect(s.err.text()).toMatch(message);
    expect(existsSync(join(dir, 'kc'))).toBe(false);
  });

  (hasOpenssl ? test : test.skip)(
    "the file's first line is the token required and written into the kubeconfig, over HTTPS",
    async () => {
      const token = 'from-a-file-0123456789abcdef';
      writeFileSync(join(dir, 'token'), `${token}\nignored second line\n`);
      const s = start(['--token-file', join(dir, 'token'), '--no-rollout-controller']);
      try {
        await eventually(() => s.out.text().includes('\n'), 15000);
        const kc = parse(readFileSync(join(dir, 'kc'), 'utf8'));
        expect(kc.users[0].user).toEqual({ token });
        const cluster = kc.clusters[0].cluster;
        expect(cluster.server).toMatch(/^https:/);
        const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString();
        const status = (authorization: string) =>
          new Promise<number>((resolve, reject) => {
            request(`${cluster.server}/api/v1/namespaces`, { ca, headers: { authorization } }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
              .on('error', reject)
              .end();
          });
        expect(await status(`Bearer ${token}`)).toBe(200);
        expect(await status('Bearer from-a-file')).toBe(401);
      } finally {
        s.stop.abort();
      }
      expect(await s.code).toBe(0);
    },
    20000,
  );
});
