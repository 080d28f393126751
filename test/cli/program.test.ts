import { runBinary, runCli } from '../helpers/cli.js';

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
