// approve checks what the server answers to its write, and says the truth when a write's answer
// was an error: a PUT answered 500 may still have landed. A small API on 127.0.0.1 scripts the
// answers; everything goes through the CLI as a user runs it.
import type http from 'node:http';
import { runCli } from '../helpers/cli.js';
import { json, pausedRollout, startServer, status } from '../kube/helpers.js';

type Script = (req: http.IncomingMessage, res: http.ServerResponse, body: string, stored: Record<string, any>) => boolean;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Serves one Rollout `demo`; `onPut` may answer a PUT itself (return true), else it is stored and echoed. */
async function api(onPut?: Script) {
  let stored = pausedRollout('demo');
  let rv = 10;
  const srv = await startServer((req, res, body) => {
    if (!req.url?.startsWith('/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo')) {
      json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    if (req.method === 'GET') {
      json(res, 200, stored);
      return;
    }
    const next = JSON.parse(body);
    if (next.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      json(res, 409, status(409, 'Conflict', 'the object has been modified'));
      return;
    }
    if (onPut?.(req, res, body, stored)) return;
    next.metadata.resourceVersion = String(++rv);
    stored = next;
    json(res, 200, stored);
  });
  open.push(srv);
  return {
    ...srv,
    get stored() {
      return stored;
    },
    set stored(v) {
      stored = v;
    },
    bump: () => String(++rv),
  };
}

const approve = (url: string, ...extra: string[]) => runCli(['rollout', 'approve', 'demo', '--server', url, ...extra]);

it('a 500 whose write landed, then the controller moved on: never "nothing was written"', async () => {
  const srv = await api();
  srv.server.removeAllListeners('request');
  // The write lands; the controller moves to step 2 at once; the answer is lost as a 500.
  srv.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'GET') return json(res, 200, srv.stored);
      const moved = pausedRollout('demo', 2);
      moved.status.canaryStatus.currentStepState = 'StepUpgrade';
      moved.status.currentStepState = 'StepUpgrade';
      moved.metadata.resourceVersion = srv.bump();
      srv.stored = moved;
      json(res, 500, status(500, 'InternalError', 'etcd leader changed'));
    });
  });
  const r = await approve(srv.url);
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/nothing was written/);
  expect(r.stderr).toMatch(
    /^error: .*moved on to step 2 while approving; the earlier write was answered with an error .* may have landed: check with `rollout status demo`\n$/,
  );
});

it('a 500 that did not land, and nothing changed since: approve writes it once more', async () => {
  let failed = false;
  const srv = await api((_req, res) => {
    if (failed) return false;
    failed = true;
    json(res, 500, status(500, 'InternalError', 'etcd leader changed'));
    return true;
  });
  const r = await approve(srv.url);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/approved/);
  expect(srv.stored.status.canaryStatus.currentStepState).toBe('StepReady');
});

it.each([
  [
    'a Deployment',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo' } },
    /with a Deployment \(apps\/v1\), not a Rollout named "demo"/,
  ],
  ['another Rollout', { ...pausedRollout('other'), metadata: { name: 'other', resourceVersion: '11' } }, /not a Rollout named "demo"/],
  ['the unchanged object', 'unchanged', /with a Rollout that does not show the change; it may not have been written/],
  ['an empty body', 'empty', /not a Kubernetes object/],
])('a 200 answer that is %s is an error, never "approved"', async (_what, answer, error) => {
  const srv = await api((_req, res, _body, stored) => {
    if (answer === 'empty') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('');
    } else json(res, 200, answer === 'unchanged' ? stored : answer);
    return true;
  });
  for (const extra of [[], ['-o', 'yaml']]) {
    const r = await approve(srv.url, ...extra);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(error);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  }
});
