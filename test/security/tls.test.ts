// Issue 7, part 3: TLS. The sandbox serves HTTPS with its own CA; the CLI verifies the server
// certificate by default (a CA from the kubeconfig), refuses an unknown one with a one-line hint,
// and skips verification only with --insecure-skip-tls-verify.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { generateTls, type SandboxTls } from '../../src/sandbox/tls.js';
import { cleanup, expectOneErrorLine, haveOpenssl, kubeconfig, put, seedPaused, tempDir } from '../corpus/helpers.js';
import { BIN, runCli } from '../helpers/cli.js';

const hasOpenssl = await haveOpenssl();
if (!hasOpenssl) console.warn('test/security/tls.test.ts: openssl not found on PATH; TLS tests skipped');
const describeTls = hasOpenssl ? describe : describe.skip;

describeTls('TLS (sandbox with its own CA)', () => {
  let sb: Sandbox;
  let tls: SandboxTls;
  let other: SandboxTls;
  let dir: string;

  beforeAll(async () => {
    [tls, other] = await Promise.all([generateTls(), generateTls()]);
    sb = await createSandbox({ builtinControllers: false, tls: { key: tls.key, cert: tls.cert } });
  });
  afterAll(async () => {
    await sb.close();
  });
  beforeEach(() => {
    dir = tempDir('kk-tls-');
    for (const r of sb.store.list('rollouts')) sb.store.delete('rollouts', r.metadata.namespace, r.metadata.name!);
    seedPaused(sb, 'demo');
    sb.requests.length = 0;
  });
  afterEach(() => cleanup(dir));

  const env = () => ({ HOME: dir, PATH: process.env.PATH, NO_COLOR: '1' });
  const withCa = (caPem: string) =>
    put(dir, 'kc.yaml', kubeconfig({ cluster: { server: sb.url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }));

  it('serves https', () => {
    expect(sb.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('verifies the server against the kubeconfig CA (certificate-authority-data) and works', async () => {
    const r = await runCli(['rollout', 'approve', 'demo', '--kubeconfig', withCa(tls.caCert)], { env: env() });
    expect(r).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
  });

  it('verifies the server against a CA file (certificate-authority, relative to the kubeconfig)', async () => {
    put(dir, 'ca.crt', tls.caCert);
    const kc = put(dir, 'kc.yaml', kubeconfig({ cluster: { server: sb.url, 'certificate-authority': 'ca.crt' } }));
    const r = await runCli(['rollout', 'status', 'demo', '--kubeconfig', kc], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name: +demo$/m);
  });

  it.each([
    ['--server with no CA at all', () => ['--server', sb.url]],
    ['a kubeconfig trusting another CA', () => ['--kubeconfig', withCa(other.caCert)]],
  ])('refuses an untrusted server by default: %s — one error line with the fix, nothing reaches the server', async (_what, flags) => {
    const r = await runCli(['rollout', 'approve', 'demo', ...flags()], { env: env() });
    expectOneErrorLine(
      r,
      1,
      /^error: cannot trust the server at https:\/\/127\.0\.0\.1:\d+: .*\(set certificate-authority in the kubeconfig, or pass --insecure-skip-tls-verify\)$/,
    );
    expect(sb.requests).toEqual([]);
  });

  it('a CA that is not PEM: one error line, nothing reaches the server', async () => {
    const r = await runCli(['rollout', 'approve', 'demo', '--kubeconfig', withCa('this is not a certificate\n')], { env: env() });
    expectOneErrorLine(r, 1, /^error: .*(certificate|trust)/i);
    expect(sb.requests).toEqual([]);
  });

  it('skips verification only with --insecure-skip-tls-verify', async () => {
    const r = await runCli(['rollout', 'approve', 'demo', '--server', sb.url, '--insecure-skip-tls-verify'], { env: env() });
    expect(r).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
  });

  it('--insecure-skip-tls-verify also overrides a kubeconfig CA that would not match', async () => {
    const r = await runCli(['rollout', 'status', 'demo', '--kubeconfig', withCa(other.caCert), '--insecure-skip-tls-verify'], {
      env: env(),
    });
    expect(r.code).toBe(0);
  });

  it('`sandbox --tls` (the real binary) writes a kubeconfig with its CA, and the CLI verifies against it', async () => {
    const kcOut = path.join(dir, 'kc');
    const child = spawn(process.execPath, [BIN, 'sandbox', '--tls', '--kubeconfig-out', kcOut, '--no-rollout-controller'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const until = Date.now() + 15000;
      while (!out.includes('export KUBECONFIG=') && Date.now() < until && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 20));
      expect({ out, err }).toEqual({
        out: `export KUBECONFIG=${kcOut}\n`,
        err: expect.stringMatching(/^sandbox API server listening on https:\/\/127\.0\.0\.1:\d+/),
      });
      expect(existsSync(`${kcOut}.ca.crt`)).toBe(true);
      expect(readFileSync(kcOut, 'utf8')).toContain('certificate-authority-data');
      const r = await runCli(['rollout', 'status', 'nope'], { env: { ...env(), KUBECONFIG: kcOut } });
      // Verified TLS and a real API answer: the rollout does not exist.
      expectOneErrorLine(r, 1, /^Error from server \(NotFound\): rollouts\.rollouts\.kruise\.io "nope" not found in namespace "default"$/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
