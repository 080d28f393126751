// NODE_EXTRA_CA_CERTS without its start-up cost (README, Performance). Node builds its whole root
// certificate store at start-up when the variable is set; bin/kubectl-kruise's sh line starts node
// without it and hands the file on (KUBECTL_KRUISE_EXTRA_CA_CERTS), and src/kube/extra-ca.ts adds
// those CAs where node would have: a server verified against the system roots (a kubeconfig with
// no certificate-authority). Here the sandbox's CA is given only through the variable.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { generateTls, type SandboxTls } from '../../src/sandbox/tls.js';
import { cleanup, execPlugin, expectOneErrorLine, haveOpenssl, kubeconfig, put, seedPaused, tempDir } from '../corpus/helpers.js';
import { BIN, EXECUTABLE, runBinary, runCli } from '../helpers/cli.js';

const hasOpenssl = await haveOpenssl();
if (!hasOpenssl) console.warn('test/e2e/extra-ca.test.ts: openssl not found on PATH; skipped');
const describeTls = hasOpenssl ? describe : describe.skip;

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const UNTRUSTED =
  /^error: cannot trust the server at https:\/\/127\.0\.0\.1:\d+: .*\(set certificate-authority in the kubeconfig, or pass --insecure-skip-tls-verify\)$/;

describeTls('NODE_EXTRA_CA_CERTS (a TLS sandbox whose CA is given only through it)', () => {
  let sb: Sandbox;
  let tls: SandboxTls;
  let other: SandboxTls;
  let dir: string;
  let caFile: string;
  let kcNoCa: string;

  beforeAll(async () => {
    [tls, other] = await Promise.all([generateTls(), generateTls()]);
    sb = await createSandbox({ builtinControllers: false, tls: { key: tls.key, cert: tls.cert } });
    seedPaused(sb, 'demo');
  });
  afterAll(async () => {
    await sb.close();
  });
  beforeEach(() => {
    dir = tempDir('kk-extra-ca-');
    caFile = put(dir, 'corporate-ca.pem', tls.caCert);
    kcNoCa = put(dir, 'kc.yaml', kubeconfig({ cluster: { server: sb.url } }));
  });
  afterEach(() => cleanup(dir));

  const env = (extra: NodeJS.ProcessEnv = {}) => ({ HOME: dir, PATH: process.env.PATH, NO_COLOR: '1', ...extra });
  const status = () => ['rollout', 'status', 'demo', '-o', 'json', '--kubeconfig', kcNoCa];
  const expectStatus = (r: { code: number; stdout: string; stderr: string }) => {
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'RolloutStatusView', name: 'demo' });
  };

  it('without it, the server is not trusted (the baseline the other cases change)', async () => {
    expectOneErrorLine(await runCli(status(), { env: env() }), 1, UNTRUSTED);
  });

  it('through the launcher (bin/kubectl-kruise run as an executable, as PATH, npm and krew run it)', async () => {
    expectStatus(await run(BIN, status(), env({ NODE_EXTRA_CA_CERTS: caFile })));
  });

  it('node started directly with it (`node bin/kubectl-kruise`): node loads the CAs itself', async () => {
    expectStatus(await run(process.execPath, [BIN, ...status()], env({ NODE_EXTRA_CA_CERTS: caFile })));
  });

  it(`the tested executable (${path.basename(EXECUTABLE.file)})`, async () => {
    expectStatus(await runBinary(status(), { env: env({ NODE_EXTRA_CA_CERTS: caFile }) }));
  });

  const linuxProc = existsSync('/proc/self/environ') ? it : it.skip;
  linuxProc('the launcher starts node without it, and child processes get it back', async () => {
    // An exec credential plugin: a child of the CLI's node process. It records the environment that
    // process was started with (/proc/PPID/environ) and its own.
    const record = path.join(dir, 'record.json');
    const plugin = execPlugin(
      dir,
      'cred',
      `const fs = require('fs');
const start = fs.readFileSync('/proc/' + process.ppid + '/environ', 'utf8').split('\\0').filter((l) => /EXTRA_CA_CERTS=/.test(l));
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ start, child: process.env.NODE_EXTRA_CA_CERTS }));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'tok-123456' } }));`,
    );
    const kc = put(
      dir,
      'kc-exec.yaml',
      kubeconfig({ cluster: { server: sb.url }, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin } } }),
    );
    const r = await run(BIN, ['rollout', 'status', 'demo', '-o', 'json', '--kubeconfig', kc], env({ NODE_EXTRA_CA_CERTS: caFile }));
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({ start: [`KUBECTL_KRUISE_EXTRA_CA_CERTS=${caFile}`], child: caFile });
  });

  it('the handed-on file is trusted in-process too (KUBECTL_KRUISE_EXTRA_CA_CERTS, what the launcher sets)', async () => {
    expectStatus(await runCli(status(), { env: env({ KUBECTL_KRUISE_EXTRA_CA_CERTS: caFile }) }));
  });

  it('a kubeconfig that names a CA is verified against that CA alone, as node does', async () => {
    const kc = put(
      dir,
      'kc-other.yaml',
      kubeconfig({ cluster: { server: sb.url, 'certificate-authority-data': Buffer.from(other.caCert).toString('base64') } }),
    );
    const r = await runCli(['rollout', 'status', 'demo', '--kubeconfig', kc], { env: env({ KUBECTL_KRUISE_EXTRA_CA_CERTS: caFile }) });
    expectOneErrorLine(r, 1, UNTRUSTED);
    const viaLauncher = await run(BIN, ['rollout', 'status', 'demo', '--kubeconfig', kc], env({ NODE_EXTRA_CA_CERTS: caFile }));
    expectOneErrorLine(viaLauncher, 1, UNTRUSTED);
  });

  it('a file that cannot be read: node’s warning, then the server is not trusted', async () => {
    const missing = path.join(dir, 'missing.pem');
    const r = await runCli(status(), { env: env({ KUBECTL_KRUISE_EXTRA_CA_CERTS: missing }) });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`Warning: Ignoring extra certs from \`${missing}\`, load failed: ENOENT`);
    expect(lines[1]).toMatch(UNTRUSTED);
  });

  it('a plain http server never reads the file', async () => {
    const plain = await createSandbox({ builtinControllers: false });
    try {
      seedPaused(plain, 'demo');
      const kc = put(dir, 'kc-http.yaml', kubeconfig({ cluster: { server: plain.url } }));
      const r = await runCli(['rollout', 'status', 'demo', '-o', 'json', '--kubeconfig', kc], {
        env: env({ KUBECTL_KRUISE_EXTRA_CA_CERTS: path.join(dir, 'missing.pem') }),
      });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      await plain.close();
    }
  });
});
