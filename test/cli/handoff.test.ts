// Living next to OpenKruise's own kubectl-kruise (kruise-tools): what this CLI does not handle is
// handed, argv unchanged, to the next kubectl-kruise on PATH, with its exit code (src/cli/handoff.ts).
// The other one here is a stand-in script that prints its arguments and exits 7.
import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { cleanup, put, tempDir } from '../corpus/helpers.js';
import { BIN, EXECUTABLE, runCli } from '../helpers/cli.js';

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const STAND_IN = `#!/bin/sh
echo "other kubectl-kruise: $*"
echo "handed off by: $KUBECTL_KRUISE_HANDED_OFF" >&2
exit 7
`;

describe('handing what this CLI does not handle to another kubectl-kruise on PATH', () => {
  let dir: string;
  let otherDir: string;
  let other: string;
  beforeEach(() => {
    dir = tempDir('kk-handoff-');
    otherDir = path.join(dir, 'other');
    mkdirSync(otherDir);
    other = put(otherDir, 'kubectl-kruise', STAND_IN, 0o755);
  });
  afterEach(() => cleanup(dir));
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    HOME: dir,
    PATH: `${process.env.PATH}${path.delimiter}${otherDir}`,
    NO_COLOR: '1',
    ...extra,
  });

  it.each([
    [['expose', 'deployment', 'web', '--port', '80']],
    [['set', 'image', 'cloneset/web', 'app=nginx:1.27']],
    [['migrate', 'CloneSet', '--from', 'Deployment', '-n', 'ns', '--dst-name', 'web']],
    [['rollout', 'undo', 'deployment/web']],
    [['rollout', 'history', 'cloneset/web', '-n', 'ns']],
    [['rollout', 'restart', 'deployment/web']],
    [['rollout', 'status', 'deployment/web']],
    [['rollout', 'pause', 'cloneset', 'web']],
    [['rollout', 'approve', 'rollout/a', 'cloneset/b']],
    [['-n', 'ns', '--kubeconfig', '/nonexistent', 'rollout', 'undo', 'sts/web', '--to-revision', '2']],
  ])('%j goes to the other one, with its output and exit code', async (argv) => {
    const r = await runCli(argv, { env: env() });
    expect(r).toEqual({ code: 7, stdout: `other kubectl-kruise: ${argv.join(' ')}\n`, stderr: 'handed off by: 1\n' });
  });

  it.each([
    [['rollout', 'status', 'demo', '--server', 'http://127.0.0.1:1']],
    [['rollout', 'status', 'rollout/demo', 'ro/other', '--server', 'http://127.0.0.1:1']],
    [['-n', 'ns', 'rollout', 'approve', 'rollouts.rollouts.kruise.io/demo', '--step', '1', '--server', 'http://127.0.0.1:1']],
    [['rollout', 'status', 'deployment', '--server', 'http://127.0.0.1:1']],
  ])('%j stays here (a Rollout)', async (argv) => {
    const r = await runCli(argv, { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: the server at http:\/\/127\.0\.0\.1:1 refused the connection/);
  });

  it.each([[['--help']], [['rollout', '--help']], [['rollout', 'approve', '--help']], [['help']], [['version']], [['completion', 'bash']]])(
    '%j stays here',
    async (argv) => {
      const r = await runCli(argv, { env: env() });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('other kubectl-kruise:');
    },
  );

  it('without another kubectl-kruise on PATH: this CLI’s own usage error', async () => {
    const r = await runCli(['expose', 'deployment', 'web'], { env: { ...env(), PATH: process.env.PATH } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown command 'expose'/);
  });

  it('another kubectl-kruise that cannot be started (its interpreter is missing): one error line, exit 1', async () => {
    put(otherDir, 'kubectl-kruise', '#!/nonexistent/interpreter\n', 0o755);
    const r = await runCli(['expose', 'deployment', 'web', '--port', '80'], { env: env() });
    expect(r).toEqual({ code: 1, stdout: '', stderr: `error: cannot run ${other}: spawn ${other} ENOENT\n` });
  });

  it('never hands over again when it was handed the command itself (no loop between two copies)', async () => {
    const r = await runCli(['expose', 'deployment', 'web'], { env: env({ KUBECTL_KRUISE_HANDED_OFF: '/somewhere/kubectl-kruise' }) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('version says which is which', async () => {
    const r = await runCli(['version', '-o', 'json'], { env: env() });
    expect(JSON.parse(r.stdout)).toEqual({ version: expect.any(String), plugin: 'kruise-rollouts', handsOffTo: other });
    const text = await runCli(['version'], { env: env() });
    expect(text.stdout).toBe(
      `kubectl-kruise version ${JSON.parse(r.stdout).version} (the Kruise Rollouts plugin)\n` +
        `other commands and kinds: handed to ${other} (another kubectl-kruise on PATH, e.g. OpenKruise's kruise-tools)\n`,
    );
  });

  // The real executable, found on PATH before the other one, as a user with both installed has it.
  const target = process.env.KK_TEST_EXECUTABLE ?? BIN;
  it(`the real executable first on PATH (${path.basename(EXECUTABLE.file)}): skips itself, hands over, says so in version`, async () => {
    const ours = path.join(dir, 'ours');
    mkdirSync(ours);
    symlinkSync(target, path.join(ours, 'kubectl-kruise'));
    const e = { HOME: dir, NO_COLOR: '1', PATH: [ours, otherDir, process.env.PATH].join(path.delimiter) };
    const undo = await run('kubectl-kruise', ['rollout', 'undo', 'deployment/web'], e);
    expect(undo).toEqual({
      code: 7,
      stdout: 'other kubectl-kruise: rollout undo deployment/web\n',
      stderr: expect.stringMatching(/^handed off by: \//),
    });
    const v = await run('kubectl-kruise', ['version', '-o', 'json'], e);
    expect(JSON.parse(v.stdout)).toMatchObject({ plugin: 'kruise-rollouts', handsOffTo: path.join(otherDir, 'kubectl-kruise') });
    // Only ourselves on PATH (twice, through symlinks): nothing to hand to, our own error (our undo
    // takes a Rollout).
    const alone = await run('kubectl-kruise', ['rollout', 'undo', 'deployment/web'], {
      ...e,
      PATH: [ours, process.env.PATH].join(path.delimiter),
    });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('error: rollout commands only work on rollouts.rollouts.kruise.io, not "deployment"\n');
  });
});
