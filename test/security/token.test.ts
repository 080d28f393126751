// `kubectl-kruise sandbox --require-token` from the user's side: the real binary, the kubeconfig it
// writes, and the clients people use with it (kubectl 1.32 and 1.20, our own CLI,
// @kubernetes/client-node, python's kubernetes) — with the token they work, without it or with a
// wrong one they get kube-apiserver's 401.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { availableKubectls } from '../conformance/harness.js';
import { describeIfPython } from '../conformance/python.js';
import { type RunningBinary, runBinary, startBinary } from '../helpers/cli.js';
import { tempDir } from '../kube/helpers.js';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));
/** kube-apiserver's body for a request it cannot authenticate, byte for byte. */
const UNAUTHORIZED_BODY =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';

let dir: string;
let sandbox: RunningBinary;
let kubeconfig: string;
let wrongKubeconfig: string;
let server: string;
let token: string;
let ca: string;

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.log('sandbox --require-token: no openssl on PATH (the token needs TLS); skipping');
    return false;
  }
})();

/** Resolves once the sandbox printed its export line. */
function exported(run: RunningBinary): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    run.child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve();
    });
    void run.exited.then((code) => reject(new Error(`sandbox exited ${code}: ${run.stderr()}`)));
  });
}

beforeAll(async () => {
  if (!hasOpenssl) return;
  dir = tempDir('kk-token-');
  kubeconfig = join(dir, 'kc');
  sandbox = startBinary(['sandbox', '--require-token', '--kubeconfig-out', kubeconfig, '--pod-ready-delay', '50ms']);
  await exported(sandbox);
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  server = kc.clusters[0].cluster.server;
  ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  token = kc.users[0].user.token;
  kc.users[0].user.token = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
  wrongKubeconfig = join(dir, 'kc-wrong');
  writeFileSync(wrongKubeconfig, stringify(kc));
}, 30_000);
afterAll(async () => {
  if (!hasOpenssl) return;
  sandbox.child.kill('SIGINT');
  await sandbox.exited;
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  contentType?: string;
  text: string;
}

/** One HTTPS request trusting the sandbox's CA, as curl --cacert sends it. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(`${server}${path}`, { method, headers, ca }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text }));
    })
      .on('error', reject)
      .end(body);
  });
}
const get = (path: string, headers: Record<string, string> = {}) => send('GET', path, headers);
const maybe = hasOpenssl ? describe : describe.skip;

maybe('the token', () => {
  test('is 32 random bytes in base64url, written into the kubeconfig (mode 0600) with HTTPS', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('differs on every start', async () => {
    const other = join(dir, 'kc2');
    const second = startBinary(['sandbox', '--require-token', '--kubeconfig-out', other, '--no-rollout-controller']);
    try {
      await exported(second);
      expect(parse(readFileSync(other, 'utf8')).users[0].user.token).not.toBe(token);
    } finally {
      second.child.kill('SIGINT');
      await second.exited;
    }
  });
});

maybe('raw HTTP', () => {
  test.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['the token with one character changed', () => ({ authorization: `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` })],
    ['an empty bearer token', { authorization: 'Bearer ' }],
    ['another scheme', () => ({ authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` })],
  ])('%s is 401 with the Status kube-apiserver sends', async (_n, headers) => {
    const res = await get('/api/v1/namespaces', typeof headers === 'function' ? headers() : headers);
    expect(res).toEqual({ status: 401, contentType: 'application/json', text: UNAUTHORIZED_BODY });
  });

  test('the token is served, the scheme in any case', async () => {
    expect((await get('/api/v1/namespaces/default', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get('/api/v1/namespaces/default', { authorization: `bearer ${token}` })).status).toBe(200);
  });

  test('a write without the token is 401 and stores nothing', async () => {
    const res = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      { 'content-type': 'application/json' },
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sneaked-in' } }),
    );
    expect(res.status).toBe(401);
    expect((await get('/api/v1/namespaces/default/configmaps/sneaked-in', { authorization: `Bearer ${token}` })).status).toBe(404);
  });

  test.each(['/healthz', '/livez', '/readyz', '/version'])(
    'GET %s without credentials is served (system:public-info-viewer); with a wrong token it is 401',
    async (path) => {
      expect((await get(path)).status).toBe(200);
      expect((await get(path, { authorization: 'Bearer wrong' })).status).toBe(401);
    },
  );

  test('public paths stop at the paths themselves', async () => {
    expect((await get('/readyz/ping')).status).toBe(401);
    expect((await send('POST', '/healthz')).status).toBe(401);
  });
});

const kubectls = availableKubectls();
const describeKubectl =
  kubectls.length && hasOpenssl ? describe.each(kubectls.map((k) => [k.label, k] as const)) : describe.skip.each([['none', null]]);

/** Runs a kubectl with an isolated HOME (it caches discovery there). */
function kubectl(path: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path, args, { env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

describeKubectl('%s with the written kubeconfig', (_label, k) => {
  test('get and apply work; the rollout runs (the embedded controller carries the token too)', async () => {
    const run = (args: string[]) => kubectl(k!.path, ['--kubeconfig', kubeconfig, ...args]);
    const ns = await run(['get', 'namespaces', '-o', 'name']);
    expect({ code: ns.code, stderr: ns.stderr }).toEqual({ code: 0, stderr: '' });
    expect(ns.stdout).toContain('namespace/default');
    for (const file of ['workload-demo.yaml', 'rollouts-demo.yaml']) {
      const applied = await run(['apply', '-f', join(EXAMPLES, file)]);
      expect({ code: applied.code, stderr: applied.stderr }).toEqual({ code: 0, stderr: '' });
    }
    const watched = await runBinary([
      'rollout',
      'watch',
      'rollouts-demo',
      '--until',
      'completed',
      '--timeout',
      '1m',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect({ code: watched.code, stderr: watched.stderr }).toEqual({ code: 0, stderr: '' });
    const status = await runBinary(['rollout', 'status', 'rollout/rollouts-demo', '--kubeconfig', kubeconfig]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/rollouts-demo/);
  }, 90_000);

  test('a wrong token is "You must be logged in to the server (Unauthorized)"', async () => {
    const r = await kubectl(k!.path, ['--kubeconfig', wrongKubeconfig, 'get', 'namespaces']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: You must be logged in to the server \(Unauthorized\)$/m);
  });
});

(hasOpenssl ? test : test.skip)("our CLI with a wrong token prints kubectl's one error: line and exits 1", async () => {
  const r = await runBinary(['rollout', 'status', 'rollout/rollouts-demo', '--kubeconfig', wrongKubeconfig]);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe('error: You must be logged in to the server (Unauthorized)\n');
  expect(r.code).toBe(1);
});

maybe('@kubernetes/client-node with the written kubeconfig', () => {
  const client = (file: string) => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
    return kc.makeApiClient(k8s.CoreV1Api);
  };

  test('lists namespaces', async () => {
    const list = await client(kubeconfig).listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toContain('default');
  });

  test('a wrong token is an ApiException with code 401', async () => {
    await expect(client(wrongKubeconfig).listNamespace()).rejects.toMatchObject({ code: 401 });
  });
});

(hasOpenssl ? describeIfPython('the python token case') : describe.skip)('python kubernetes client with the written kubeconfig', () => {
  const SCRIPT = `
import json, sys
from kubernetes import client, config
from kubernetes.client.rest import ApiException
out = {}
for name, path in (("right", sys.argv[1]), ("wrong", sys.argv[2])):
    config.load_kube_config(config_file=path)
    try:
        out[name] = [n.metadata.name for n in client.CoreV1Api().list_namespace().items]
    except ApiException as e:
        out[name] = e.status
print(json.dumps(out))
`;
  test('lists namespaces with the token; a wrong one is ApiException 401', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        '/usr/bin/python3',
        ['-c', SCRIPT, kubeconfig, wrongKubeconfig],
        { env: { PATH: process.env.PATH, HOME: dir, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 30_000 },
        (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(String(out))),
      );
    });
    const got = JSON.parse(stdout);
    expect(got.right).toContain('default');
    expect(got.wrong).toBe(401);
  }, 40_000);
});

test('sandbox --help documents --require-token, --token-file and why the token is off by default', async () => {
  const r = await runBinary(['sandbox', '--help']);
  expect(r.code).toBe(0);
  const help = r.stdout.replace(/\s+/g, ' ');
  expect(help).toMatch(/--require-token require a bearer token/);
  expect(help).toContain('implies --tls, since kubectl sends no token over plain HTTP');
  expect(help).toContain('(default off:');
  expect(help).toMatch(/--token-file <file> like --require-token/);
});
