// Issue 7, part 3: credentials never reach any output. Every command runs at -v 10 against an HTTPS
// sandbox with each kind of credential (bearer token flag, token file, basic auth, client key,
// exec plugin token); stdout + stderr of every run are searched for each secret and its base64.
// The sandbox records the Authorization header it received, so the test proves the credentials
// were really used (a run that never authenticated would prove nothing).

import { clearExecCredentialCache } from '../../src/kube/exec-credential.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { generateTls, type SandboxTls } from '../../src/sandbox/tls.js';
import {
  cleanup,
  clientCert,
  execPlugin,
  execStanza,
  haveOpenssl,
  kubeconfig,
  put,
  seedPaused,
  tempDir,
  tokenPluginBody,
} from '../corpus/helpers.js';
import { type CliResult, runCli } from '../helpers/cli.js';

const hasOpenssl = await haveOpenssl();
if (!hasOpenssl) console.warn('test/security/secrets.test.ts: openssl not found on PATH; running over plain HTTP without a client key');

const TOKEN = 'flagtoken-7f3a9c2e5b1d4f60a8e2c9b7d3f1e5a0';
const FILE_TOKEN = 'filetoken-0b9e8d7c6a5f4e3d2c1b0a9f8e7d6c5b';
const EXEC_TOKEN = 'exectoken-c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9';
const USER = 'ci-robot';
const PASSWORD = 'pw-Zq8!vX2#kL9$mN4%rT6^';

/** The commands, each at -v 10 (the highest level the CLI has: 9 and above log whole bodies). */
const COMMANDS: (string[] | ((flags: string[]) => string[]))[] = [
  ['rollout', 'approve', 'demo'],
  ['rollout', 'approve', 'demo', '--step', '1', '-o', 'json'],
  ['rollout', 'pause', 'demo', '-o', 'yaml'],
  ['rollout', 'resume', 'demo'],
  ['rollout', 'approve', 'nope'], // an error answer's body is logged too
  ['rollout', 'status', 'demo'],
  ['rollout', 'status', 'demo', '-o', 'json'],
  ['rollout', 'watch', 'demo', '--timeout', '300ms'],
  ['rollout', 'status', 'demo', '-w', '--timeout', '300ms'],
  ['rollout', 'reconcile-once', 'demo', '--dry-run'],
  ['rollout', 'reconcile-once', '--all'],
  ['version'],
  ['completion', 'bash'],
  // What the shell runs on <TAB>: the words typed so far, connection flags included, then the word being completed.
  (flags) => ['__complete', '--', 'rollout', 'approve', ...flags, '-v', '10', ''],
];

let sb: Sandbox;
let tls: SandboxTls | undefined;
let dir: string;
let authSeen: string[];

beforeAll(async () => {
  tls = hasOpenssl ? await generateTls() : undefined;
  sb = await createSandbox({ builtinControllers: false, ...(tls ? { tls: { key: tls.key, cert: tls.cert } } : {}) });
  sb.faults.before((req) => void authSeen.push(req.headers.authorization ?? ''));
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  dir = tempDir('kk-secrets-');
  authSeen = [];
  clearExecCredentialCache();
  // A fresh Rollout for each case; reconcile-once put its finalizer on the last one, so drop that first.
  for (const r of sb.store.list('rollouts')) {
    if (r.metadata.finalizers?.length) sb.store.update('rollouts', { ...r, metadata: { ...r.metadata, finalizers: [] } });
    sb.store.delete('rollouts', r.metadata.namespace, r.metadata.name!);
  }
  seedPaused(sb, 'demo');
});
afterEach(() => cleanup(dir));

/** The cluster stanza: the sandbox's CA when it serves TLS. */
const cluster = () => ({ server: sb.url, ...(tls ? { 'certificate-authority-data': Buffer.from(tls.caCert).toString('base64') } : {}) });

/** Every spelling of a secret that must not appear: as is, base64, base64url. */
function spellings(secret: string): string[] {
  const b = Buffer.from(secret);
  return [secret, b.toString('base64'), b.toString('base64url')];
}

/** Runs every command at -v 10; returns each run's output. */
async function runAll(flags: string[]): Promise<{ argv: string[]; r: CliResult }[]> {
  const runs = [];
  for (const cmd of COMMANDS) {
    const argv = typeof cmd === 'function' ? cmd(flags) : [...cmd, ...flags, '-v', '10'];
    runs.push({ argv, r: await runCli(argv, { env: { HOME: dir, PATH: process.env.PATH, NO_COLOR: '1' } }) });
  }
  return runs;
}

function expectNoSecret(runs: { argv: string[]; r: CliResult }[], secrets: string[]): void {
  const all = secrets.flatMap(spellings);
  for (const { argv, r } of runs) {
    // No run may crash, whatever its exit code.
    expect([argv.join(' '), r.stderr]).not.toEqual([argv.join(' '), expect.stringMatching(/^\s+at /m)]);
    const output = r.stdout + r.stderr;
    for (const s of all) {
      if (output.includes(s))
        throw new Error(
          `\`${argv.join(' ')}\` printed a secret (${s.slice(0, 12)}…):\n${output.slice(Math.max(0, output.indexOf(s) - 200), output.indexOf(s) + 100)}`,
        );
    }
  }
  // Completion asked the server with the same credentials (it lists the rollouts).
  expect(runs.find((x) => x.argv[0] === '__complete')!.r.stdout).toMatch(/^demo$/m);
  // -v 10 really logged requests (with the header, masked), or this test would prove nothing.
  const logged = runs.map((x) => x.r.stderr).join('\n');
  expect(logged).toMatch(
    /^GET https?:\/\/127\.0\.0\.1:\d+\/apis\/rollouts\.kruise\.io\/v1beta1\/namespaces\/default\/rollouts\/demo 200 OK in \d+ milliseconds$/m,
  );
  expect(logged).toContain('Response Body: {');
}

describe('no credential appears in any output at -v 10', () => {
  it('--token (bearer)', async () => {
    const runs = await runAll(['--server', sb.url, '--token', TOKEN, ...(tls ? ['--insecure-skip-tls-verify'] : [])]);
    expectNoSecret(runs, [TOKEN]);
    expect(runs.map((x) => x.r.stderr).join('')).toContain('Authorization: Bearer <masked>');
    expect(authSeen).toContain(`Bearer ${TOKEN}`);
  });

  it('tokenFile in the kubeconfig', async () => {
    put(dir, 'token', `${FILE_TOKEN}\n`);
    const kc = put(dir, 'kc.yaml', kubeconfig({ cluster: cluster(), user: { tokenFile: 'token' } }));
    expectNoSecret(await runAll(['--kubeconfig', kc]), [FILE_TOKEN]);
    expect(authSeen).toContain(`Bearer ${FILE_TOKEN}`);
  });

  it('basic auth (username/password)', async () => {
    const kc = put(dir, 'kc.yaml', kubeconfig({ cluster: cluster(), user: { username: USER, password: PASSWORD } }));
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    expectNoSecret(await runAll(['--kubeconfig', kc]), [PASSWORD, `${USER}:${PASSWORD}`, basic]);
    expect(authSeen).toContain(`Basic ${basic}`);
  });

  it('exec credential plugin token', async () => {
    const plugin = execPlugin(dir, 'cred-plugin', tokenPluginBody(EXEC_TOKEN));
    const kc = put(dir, 'kc.yaml', kubeconfig({ cluster: cluster(), user: execStanza(plugin) }));
    const runs = await runAll(['--kubeconfig', kc]);
    expectNoSecret(runs, [EXEC_TOKEN]);
    expect(authSeen).toContain(`Bearer ${EXEC_TOKEN}`);
    expect(runs[0]!.r.stderr).toContain('returned a token <masked>');
  });

  (hasOpenssl ? it : it.skip)('client certificate key (file and inline data)', async () => {
    const { cert, key } = await clientCert(dir);
    const keyBody = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    const secrets = [key, ...keyBody];
    const viaFile = put(
      dir,
      'kc-file.yaml',
      kubeconfig({ cluster: cluster(), user: { 'client-certificate': 'corpus-user.crt', 'client-key': 'corpus-user.key' } }),
    );
    const viaData = put(
      dir,
      'kc-data.yaml',
      kubeconfig({
        cluster: cluster(),
        user: { 'client-certificate-data': Buffer.from(cert).toString('base64'), 'client-key-data': Buffer.from(key).toString('base64') },
      }),
    );
    expectNoSecret(await runAll(['--kubeconfig', viaFile]), secrets);
    expectNoSecret(await runAll(['--kubeconfig', viaData]), secrets);
  });

  it('at every -v level (0–10), status with a token or basic auth prints neither', async () => {
    const kc = put(dir, 'kc.yaml', kubeconfig({ cluster: cluster(), user: { username: USER, password: PASSWORD } }));
    const secrets = [TOKEN, PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')].flatMap(spellings);
    for (let level = 0; level <= 10; level++) {
      for (const flags of [
        ['--server', sb.url, '--token', TOKEN, ...(tls ? ['--insecure-skip-tls-verify'] : [])],
        ['--kubeconfig', kc],
      ]) {
        const r = await runCli(['rollout', 'status', 'demo', ...flags, '-v', String(level)], {
          env: { HOME: dir, PATH: process.env.PATH },
        });
        expect(r.code).toBe(0);
        for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
      }
    }
  });

  it('a failing command with a token still prints no secret (errors are not logged raw)', async () => {
    sb.faults.failNext({ method: 'GET', status: 401, message: 'Unauthorized', times: 10 });
    const r = await runCli(
      ['rollout', 'approve', 'demo', '--server', sb.url, '--token', TOKEN, '-v', '10', ...(tls ? ['--insecure-skip-tls-verify'] : [])],
      { env: { HOME: dir, PATH: process.env.PATH } },
    );
    expect(r.code).toBe(1);
    for (const s of spellings(TOKEN)) expect(r.stdout + r.stderr).not.toContain(s);
  });
});

describe('a password in the server URL (https://user:pass@host)', () => {
  const withUserinfo = (url: string) => url.replace('://', `://${USER}:${encodeURIComponent(PASSWORD)}@`);
  const env = () => ({ env: { HOME: dir, PATH: process.env.PATH, NO_COLOR: '1' } });

  it('is masked in the -v request log and in error lines', async () => {
    const flags = tls ? ['--insecure-skip-tls-verify'] : [];
    const runs = [
      await runCli(['rollout', 'status', 'demo', '--server', withUserinfo(sb.url), ...flags, '-v', '10'], env()),
      await runCli(['rollout', 'approve', 'demo', '--server', withUserinfo('http://127.0.0.1:1'), '-v', '6'], env()),
    ];
    for (const r of runs) {
      const output = r.stdout + r.stderr;
      for (const s of [PASSWORD, encodeURIComponent(PASSWORD), `${USER}:`]) expect(output).not.toContain(s);
      expect(output).toMatch(/:\/\/<masked>@127\.0\.0\.1:\d+/);
    }
    expect(runs[1]!.code).toBe(1);
    expect(runs[1]!.stderr).toMatch(/^error: .*<masked>@127\.0\.0\.1:1/m);
  });
});
