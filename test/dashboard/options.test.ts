// `dashboard`'s flags: mistakes are one `error:` line and exit 2, before any connection.
import { DashboardError } from '../../src/cli/dashboard.js';
import { runCli } from '../helpers/cli.js';

describe('dashboard options', () => {
  it.each([
    [['dashboard', '--port', 'http'], DashboardError.port('http')],
    [['dashboard', '--port', '70000'], DashboardError.port('70000')],
    [['dashboard', '--address', 'example.com'], DashboardError.address('example.com')],
    [['dashboard', 'rollouts-demo'], DashboardError.args('rollouts-demo')],
    [['dashboard', '-A', '-n', 'default'], DashboardError.both],
  ])('%j: exit 2, one error line', async (argv, message) => {
    // --server points nowhere: a request would fail with another message.
    const r = await runCli([...argv, '--server', 'http://127.0.0.1:1']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${message}\n` });
  });

  it('says what it does in --help, with examples', async () => {
    const r = await runCli(['dashboard', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Serve a live web page of the rollouts, with approve, pause, resume and undo');
    expect(r.stdout).toContain('--port <port>');
    expect(r.stdout).toContain('--address <ip>');
    expect(r.stdout).toContain('--open');
  });
});
