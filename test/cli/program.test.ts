import { processDeps } from '../../src/cli/deps.js';
import { buildProgram } from '../../src/cli/program.js';
import { captureStream, runBinary, runCli } from '../helpers/cli.js';

describe('program', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: kubectl-kruise');
    expect(r.stdout).toContain('Exit codes:');
  });

  it('rejects an unknown flag with a one-line error and exit 2', async () => {
    const r = await runCli(['rollout', 'approve', 'x', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["error: unknown option '--bogus'"]);
  });

  it('rejects a missing argument with exit 2', async () => {
    const r = await runCli(['rollout', 'approve']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: missing required argument/);
  });

  it('runs as a real binary', async () => {
    const r = await runBinary(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kubectl-kruise version \d+\.\d+\.\d+ \(the Kruise Rollouts plugin\)\nexecutable: \/.*kubectl-kruise\n/);
  });
});

describe('the command tree a command line needs', () => {
  const deps = processDeps({ env: {}, io: { out: captureStream(), err: captureStream() } });
  const verbsOf = (argv?: string[]) =>
    buildProgram(deps, { code: 0 }, undefined, argv)
      .commands.find((c) => c.name() === 'rollout')!
      .commands.map((c) => c.name());

  it('builds the rollout verbs only for a command line that names rollout (or completes one)', () => {
    expect(verbsOf(['--help'])).toEqual([]);
    expect(verbsOf(['version', '-o', 'json'])).toEqual([]);
    expect(verbsOf(['-n', 'x', 'rollout', 'status', 'y'])).toContain('status');
    expect(verbsOf(['help', 'rollout'])).toContain('approve');
    expect(verbsOf(['__complete', 'rollout', ''])).toContain('approve');
    // Without a command line (tests, tools): the whole tree.
    expect(verbsOf()).toEqual(expect.arrayContaining(['approve', 'pause', 'resume', 'status', 'watch', 'demo']));
  });

  it.each([['--help'], ['help'], ['-n', 'x', '--help']])("%s prints the whole tree's help", async (...argv) => {
    const out = captureStream();
    const whole = buildProgram({ ...deps, io: { out, err: captureStream() } }, { code: 0 });
    whole.configureOutput({ writeOut: (s) => out.write(s), getOutHelpWidth: () => 80, getOutHasColors: () => false }).outputHelp();
    const r = await runCli(argv);
    expect(r).toEqual({ code: 0, stdout: out.text(), stderr: '' });
    expect(r.stdout).toMatch(/\n {2}rollout +Manage Kruise Rollouts/);
  });
});
