// A watch ERROR event is reported as the server sent it: one `error:` line, exit 1. One without a
// status code (no real API server sends it, a broken proxy might) must not read "HTTP undefined".
import { runCli } from '../helpers/cli.js';
import { startServer } from '../kube/helpers.js';

async function serverSending(errorObject: unknown) {
  return startServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`${JSON.stringify({ type: 'ERROR', object: errorObject })}\n`);
  });
}

it.each([
  ['without a code', { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'proxy hiccup' }, /has no status code: proxy hiccup$/],
  ['that is not even a Status', null, /an event without type\/object$/],
  [
    'with a code',
    { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'forbidden here', reason: 'Forbidden', code: 403 },
    /^Error from server \(Forbidden\): forbidden here$/,
  ],
])('an ERROR event %s is one error line and exit 1', async (_what, object, line) => {
  const srv = await serverSending(object);
  try {
    const r = await runCli(['rollout', 'watch', 'demo', '--server', srv.url, '--timeout', '10s']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/undefined/);
  } finally {
    await srv.close();
  }
});
