// Credentials end to end: exec credential plugins (a real node script) and TLS with a CA and
// client certificates (generated with the openssl CLI).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { clearExecCredentialCache } from '../../src/kube/exec-credential.js';
import { runCli } from '../helpers/cli.js';
import { pausedRollout, rolloutApi, startServer, tempDir, writeFile } from './helpers.js';

const PLUGIN = `
import { appendFileSync } from 'node:fs';
appendFileSync(process.env.COUNT_FILE, 'x');
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
if (process.env.MODE === 'fail') { console.error('your session expired: run cloud-login'); process.exit(3); }
if (process.env.MODE === 'junk') { console.log('Hello, I am not JSON'); process.exit(0); }
console.log(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token: 'exec-token-' + process.argv[2], expirationTimestamp: '2999-01-01T00:00:00Z' } }));
`;

function execKubeconfig(dir: string, server: string, mode: string, apiVersion: string): string {
  writeFile(dir, 'plugin.mjs', PLUGIN);
  return writeFile(
    dir,
    'kc.yaml',
    `apiVersion: v1
kind: Config
current-context: c
clusters: [{ name: k, cluster: { server: "${server}" } }]
contexts: [{ name: c, context: { cluster: k, user: u } }]
users:
- name: u
  user:
    exec:
      apiVersion: ${apiVersion}
      command: ${JSON.stringify(process.execPath)}
      args: [plugin.mjs, abc123def456]
      env:
      - { name: MODE, value: ${mode} }
      - { name: COUNT_FILE, value: ${JSON.stringify(path.join(dir, 'count'))} }
`,
  );
}

describe('exec credential plugins', () => {
  beforeEach(() => clearExecCredentialCache());

  it.each(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'])(
    '%s: runs the plugin once per process and sends its token',
    async (apiVersion) => {
      const objects = new Map([
        ['a', pausedRollout('a')],
        ['b', pausedRollout('b')],
      ]);
      const srv = await startServer(rolloutApi(objects));
      const dir = tempDir();
      try {
        // Plugin arguments are not paths kubectl resolves: give the script's absolute path.
        const kc = execKubeconfig(dir, srv.url, 'ok', apiVersion);
        const argsFixed = readFileSync(kc, 'utf8').replace('args: [plugin.mjs', `args: [${JSON.stringify(path.join(dir, 'plugin.mjs'))}`);
        writeFile(dir, 'kc.yaml', argsFixed);
        const r = await runCli(['rollout', 'approve', 'a', 'b', '--kubeconfig', kc, '-v', '8']);
        expect(r.stderr).not.toContain('exec-token-abc123def456');
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(
          'rollout.rollouts.kruise.io/a approved step 1/3 (releasing step 2: 50% of the pods)\nrollout.rollouts.kruise.io/b approved step 1/3 (releasing step 2: 50% of the pods)\n',
        );
        expect(srv.seen).toHaveLength(4);
        for (const s of srv.seen) expect(s.headers.authorization).toBe('Bearer exec-token-abc123def456');
        expect(readFileSync(path.join(dir, 'count'), 'utf8')).toBe('x');
      } finally {
        await srv.close();
      }
    },
  );

  it.each([
    ['fail', /^error: exec plugin ".*node.*" for user "u" failed: it exited with code 3: your session expired: run cloud-login$/],
    ['junk', /^error: exec plugin ".*node.*" for user "u" printed something that is not an ExecCredential \(invalid JSON on stdout\)$/],
  ])('a plugin that goes wrong (%s) → one error line naming it, exit 1, nothing sent', async (mode, line) => {
    const srv = await startServer(rolloutApi(new Map()));
    const dir = tempDir();
    try {
      const kc = execKubeconfig(dir, srv.url, mode, 'client.authentication.k8s.io/v1');
      writeFile(
        dir,
        'kc.yaml',
        readFileSync(kc, 'utf8').replace('args: [plugin.mjs', `args: [${JSON.stringify(path.join(dir, 'plugin.mjs'))}`),
      );
      const r = await runCli(['rollout', 'approve', 'a', '--kubeconfig', kc]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
      expect(srv.seen).toEqual([]);
    } finally {
      await srv.close();
    }
  });
});

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Without openssl on PATH there is no way to mint certificates here: the TLS cases are skipped.
const tlsIt = haveOpenssl() ? it : it.skip;

describe('TLS', () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  const clientSubjects: string[] = [];

  beforeAll(async () => {
    if (!haveOpenssl()) return;
    dir = tempDir('kk-tls-');
    const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ossl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=kk-test-ca');
    ossl('req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=kk-test-server');
    writeFile(dir, 'srv.ext', 'subjectAltName=IP:127.0.0.1\n');
    ossl(
      'x509',
      '-req',
      '-in',
      'srv.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'srv.crt',
      '-days',
      '1',
      '-extfile',
      'srv.ext',
    );
    ossl('req', ...ec, '-keyout', 'cli.key', '-out', 'cli.csr', '-subj', '/CN=alice/O=ops');
    ossl('x509', '-req', '-in', 'cli.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'cli.crt', '-days', '1');
    const api = rolloutApi(new Map([['x', pausedRollout('x')]]));
    const read = (f: string) => readFileSync(path.join(dir, f));
    server = https.createServer(
      { key: read('srv.key'), cert: read('srv.crt'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const cert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        clientSubjects.push(String(cert?.subject?.CN ?? ''));
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => api(req, res, body));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const kubeconfig = (cluster: string) =>
    writeFile(
      dir,
      `kc-${Math.random().toString(36).slice(2)}`,
      `current-context: c
clusters: [{ name: k, cluster: { server: "${url}", ${cluster} } }]
contexts: [{ name: c, context: { cluster: k, user: u } }]
users: [{ name: u, user: { client-certificate: cli.crt, client-key: cli.key } }]
`,
    );

  tlsIt('verifies the server with certificate-authority and authenticates with a client certificate', async () => {
    const r = await runCli(['rollout', 'approve', 'x', '--kubeconfig', kubeconfig('certificate-authority: ca.crt'), '-v', '9']);
    expect(r.stdout).toBe('rollout.rollouts.kruise.io/x approved step 1/3 (releasing step 2: 50% of the pods)\n');
    expect(r.code).toBe(0);
    expect(clientSubjects.at(-1)).toBe('alice');
    // The client key never reaches the log.
    expect(r.stderr).not.toContain(readFileSync(path.join(dir, 'cli.key'), 'utf8').split('\n')[1]);
  });

  tlsIt('refuses a server it cannot verify, with one line that says what to do', async () => {
    const r = await runCli(['rollout', 'approve', 'x', '--kubeconfig', kubeconfig('insecure-skip-tls-verify: false')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^error: cannot trust the server at https:\/\/127\.0\.0\.1:\d+: .*\(set certificate-authority in the kubeconfig, or pass --insecure-skip-tls-verify\)\n$/,
    );
  });

  tlsIt('--insecure-skip-tls-verify connects without a CA', async () => {
    const r = await runCli([
      'rollout',
      'resume',
      'x',
      '--kubeconfig',
      kubeconfig('insecure-skip-tls-verify: false'),
      '--insecure-skip-tls-verify',
    ]);
    // The fake rollout is not paused: the refusal proves the request went through TLS.
    expect(r.stderr).toBe('error: rollouts.rollouts.kruise.io "x" is not paused\n');
    expect(r.code).toBe(1);
  });
});
