// Test helpers for the HTTP layer: a real http.createServer on port 0 and temp kubeconfigs.

import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP server on 127.0.0.1:0 that records every request. */
export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Sends a JSON answer. */
export function json(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A metav1.Status body. */
export function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code, ...(details ? { details } : {}) };
}

/** A fresh temp directory. */
export function tempDir(prefix = 'kk-kube-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes a file and returns its path. */
export function writeFile(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A kubeconfig with one cluster/user/context pointing at `server`. */
export function simpleKubeconfig(server: string, opts: { token?: string; namespace?: string; context?: string } = {}): string {
  const ctx = opts.context ?? 'test';
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${ctx}`,
    'clusters:',
    `- name: ${ctx}-cluster`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${ctx}-user`,
    '  user:',
    opts.token ? `    token: ${opts.token}` : '    {}',
    'contexts:',
    `- name: ${ctx}`,
    '  context:',
    `    cluster: ${ctx}-cluster`,
    `    user: ${ctx}-user`,
    opts.namespace ? `    namespace: ${opts.namespace}` : '',
    '',
  ].join('\n');
}

/** A tiny fake API serving Rollouts from a map: GET returns them, PUT stores them with a new resourceVersion. */
export function rolloutApi(objects: Map<string, Record<string, any>>) {
  let rv = 100;
  return (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    const m = /^\/apis\/rollouts\.kruise\.io\/v1beta1\/namespaces\/([^/]+)\/rollouts\/([^/?]+)(\/status)?/.exec(req.url ?? '');
    if (!m) {
      json(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return;
    }
    const name = decodeURIComponent(m[2]!);
    const cur = objects.get(name);
    if (!cur) {
      json(res, 404, status(404, 'NotFound', `rollouts.rollouts.kruise.io "${name}" not found`, { name, kind: 'rollouts' }));
      return;
    }
    if (req.method === 'GET') {
      json(res, 200, cur);
      return;
    }
    if (req.method === 'PUT') {
      const next = JSON.parse(body);
      if (next.metadata.resourceVersion !== cur.metadata.resourceVersion) {
        json(res, 409, status(409, 'Conflict', 'the object has been modified'));
        return;
      }
      next.metadata.resourceVersion = String(++rv);
      objects.set(name, next);
      json(res, 200, next);
      return;
    }
    json(res, 405, status(405, 'MethodNotAllowed', 'no'));
  };
}

/** A v1beta1 Rollout paused for approval at `step` (canary style). */
export function pausedRollout(name: string, step = 1): Record<string, any> {
  return {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name, namespace: 'default', resourceVersion: '10', generation: 1 },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }] } },
    },
    status: {
      phase: 'Progressing',
      currentStepIndex: step,
      currentStepState: 'StepPaused',
      canaryStatus: {
        currentStepIndex: step,
        currentStepState: 'StepPaused',
        nextStepIndex: step + 1,
        observedRolloutID: 'r1',
        canaryRevision: 'abc',
        podTemplateHash: 'abc',
        finalisingStep: '',
        canaryReplicas: 1,
        canaryReadyReplicas: 1,
      },
    },
  };
}
