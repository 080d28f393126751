// A server that answers every watch with one event and then closes the connection: the watch must
// back off between reconnections (it used to reconnect ~10 times a second per stream, because
// every delivered event reset the backoff).
import { runCli } from '../helpers/cli.js';
import { pausedRollout, startServer } from '../kube/helpers.js';

it('reconnects to a flapping server with a growing pause, not at a fixed fast rate', async () => {
  const ro = pausedRollout('demo');
  let rv = 100;
  const srv = await startServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const obj = { ...ro, metadata: { ...ro.metadata, resourceVersion: String(++rv) } };
    if (req.url?.includes('/rollouts')) {
      // The Rollout: one event, then the connection closes.
      res.end(`${JSON.stringify({ type: 'MODIFIED', object: obj })}\n`);
      return;
    }
    // The workload: no such object (the end of a watch list's initial events), and the stream stays open.
    const end = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { resourceVersion: '1', annotations: { 'k8s.io/initial-events-end': 'true' } },
    };
    res.write(`${JSON.stringify({ type: 'BOOKMARK', object: end })}\n`);
  });
  try {
    const r = await runCli(['rollout', 'watch', 'demo', '--server', srv.url, '--until', 'completed', '--timeout', '3s'], {
      now: () => new Date(),
    });
    expect(r.stderr).toMatch(/^error: timed out after \S+ waiting for rollout\/demo/);
    expect(r.code).toBe(3);
    const rolloutWatches = srv.seen.filter((q) => q.url.includes('/rollouts') && q.url.includes('watch=')).length;
    // 100, 200, 400, 800, 1600 ms apart: at most 6 in 3 s (it was about 30).
    expect(rolloutWatches).toBeGreaterThanOrEqual(2);
    expect(rolloutWatches).toBeLessThanOrEqual(7);
  } finally {
    await srv.close();
  }
});
