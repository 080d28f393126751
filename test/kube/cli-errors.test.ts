// Every failure below the API reaches the user as ONE `error: …` line with exit 1 (no stack);
// usage errors exit 2 before any request.
import type http from 'node:http';
import net from 'node:net';
import { runCli } from '../helpers/cli.js';
import { json, pausedRollout, rolloutApi, startServer, status } from './helpers.js';

function expectOneErrorLine(r: { code: number; stdout: string; stderr: string }, line: string | RegExp, code = 1): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('transport and API failures through the CLI', () => {
  const cases: [string, (req: http.IncomingMessage, res: http.ServerResponse) => void, string | RegExp, string[]?][] = [
    [
      '403 Forbidden',
      (_q, res) =>
        json(
          res,
          403,
          status(
            403,
            'Forbidden',
            'rollouts.rollouts.kruise.io "x" is forbidden: User "ci" cannot get resource "rollouts" in API group "rollouts.kruise.io" in the namespace "default"',
          ),
        ),
      'Error from server (Forbidden): rollouts.rollouts.kruise.io "x" is forbidden: User "ci" cannot get resource "rollouts" in API group "rollouts.kruise.io" in the namespace "default"',
    ],
    [
      '404 Not Found',
      (_q, res) =>
        json(
          res,
          404,
          status(404, 'NotFound', 'rollouts.rollouts.kruise.io "x" not found', {
            name: 'x',
            group: 'rollouts.kruise.io',
            kind: 'rollouts',
          }),
        ),
      'Error from server (NotFound): rollouts.rollouts.kruise.io "x" not found in namespace "default"',
    ],
    [
      '500 (after the read retries)',
      (_q, res) => json(res, 500, status(500, 'InternalError', 'Internal error occurred: etcdserver: leader changed')),
      'Error from server (InternalError): Internal error occurred: etcdserver: leader changed',
    ],
    [
      'a truncated body',
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"apiVersion":"rollouts.kruise.io/v1beta1","kind":"Ro');
        setTimeout(() => res.socket?.destroy(), 5);
      },
      'error: the server sent an invalid response to GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/x: the connection closed before the body was complete',
    ],
    [
      'invalid JSON',
      (_q, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"apiVersion":');
      },
      /^error: the server sent an invalid response to GET \/apis\/rollouts\.kruise\.io\/v1beta1\/namespaces\/default\/rollouts\/x: not JSON \(/,
    ],
    [
      'an HTML error page',
      (_q, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      },
      'error: the server returned HTTP 502 with a non-JSON body',
    ],
    [
      'a connection reset (after the read retries)',
      (req) => req.socket.destroy(),
      /^error: the server at http:\/\/127\.0\.0\.1:\d+ closed the connection before answering GET \/apis\/rollouts\.kruise\.io\/v1beta1\/namespaces\/default\/rollouts\/x( \(on a reused connection\))?$/,
    ],
    [
      'a slow server past --request-timeout',
      () => undefined,
      'error: the server did not answer within 150ms (--request-timeout)',
      ['--request-timeout', '150ms'],
    ],
  ];

  it.each(cases)('%s → one error line, exit 1', async (_what, handler, line, extra = []) => {
    const srv = await startServer(handler);
    try {
      const r = await runCli(['rollout', 'approve', 'rollout/x', '--server', srv.url, ...extra]);
      expectOneErrorLine(r, line);
    } finally {
      await srv.close();
    }
  });

  it('connection refused → one error line with a hint, exit 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await runCli(['rollout', 'pause', 'x', '--server', `http://127.0.0.1:${port}`]);
    expectOneErrorLine(
      r,
      `error: the server at http://127.0.0.1:${port} refused the connection; is the API server running? (check --server/--kubeconfig)`,
    );
  });

  it('a kubeconfig error → one error line, exit 1', async () => {
    const r = await runCli(['rollout', 'resume', 'x', '--kubeconfig', '/nonexistent/kc']);
    expectOneErrorLine(r, 'error: kubeconfig file /nonexistent/kc does not exist (check --kubeconfig)');
  });

  it.each([
    [['rollout', 'approve', 'x', '--step', '0'], 'error: invalid --step "0": use the step number, an integer from 1'],
    [['rollout', 'approve', 'x', '--step', 'two'], 'error: invalid --step "two": use the step number, an integer from 1'],
    [['rollout', 'approve', 'deployment/x'], 'error: rollout commands only work on rollouts.rollouts.kruise.io, not "deployment"'],
    [['rollout', 'pause', 'rollout/'], 'error: "rollout/": the rollout name is empty; use rollout/NAME'],
    [
      ['rollout', 'resume', 'x', '-o', 'wide'],
      'error: unable to match a printer suitable for the output format "wide", allowed formats are: json, yaml, name',
    ],
    [
      ['rollout', 'approve', 'x', '--request-timeout', 'soon'],
      'error: invalid --request-timeout "soon": use a duration such as 5s, 1m or 500ms (0 means no timeout)',
    ],
    [['rollout', 'approve', 'x', '-v', 'loud'], 'error: invalid -v "loud": use a log level such as 6 (requests) or 8 (bodies)'],
  ])('usage error %j → exit 2, nothing sent', async (argv, line) => {
    const srv = await startServer((_q, res) => json(res, 200, pausedRollout('x')));
    try {
      const r = await runCli([...argv, '--server', srv.url]);
      expectOneErrorLine(r, line, 2);
      expect(srv.seen).toEqual([]);
    } finally {
      await srv.close();
    }
  });

  it('-v 9 logs each request kubectl-style and never prints the token', async () => {
    const objects = new Map([['x', pausedRollout('x')]]);
    const srv = await startServer(rolloutApi(objects));
    try {
      const token = 'tkn-0123456789-very-secret';
      const r = await runCli(['rollout', 'approve', 'x', '--server', srv.url, '--token', token, '-v', '9']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('rollout.rollouts.kruise.io/x approved step 1/3 (releasing step 2: 50% of the pods)\n');
      expect(r.stderr).toMatch(
        new RegExp(`GET ${srv.url}/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/x 200 OK in \\d+ milliseconds`),
      );
      expect(r.stderr).toMatch(
        new RegExp(`PUT ${srv.url}/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/x/status 200 OK in \\d+ milliseconds`),
      );
      expect(r.stderr).toContain('Authorization: Bearer <masked>');
      expect(r.stderr).toContain('Request Body:');
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(srv.seen[0]!.headers.authorization).toBe(`Bearer ${token}`);
    } finally {
      await srv.close();
    }
  });
});
