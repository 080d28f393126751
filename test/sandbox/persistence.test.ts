// --data-dir: the real binary, killed with SIGKILL and restarted on the same directory, keeps
// every acknowledged write; resourceVersions keep increasing; old watches get 410.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BIN } from '../helpers/cli.js';
import { call, deployment, openWatch, rollout } from './http.js';

let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kk-sandbox-persist-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `kubectl-kruise sandbox` and resolves with its URL once it printed the export line. */
function startSandbox(): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [
      BIN,
      'sandbox',
      '--port',
      '0',
      '--kubeconfig-out',
      kubeconfig,
      '--data-dir',
      join(dir, 'data'),
      '--no-rollout-controller',
      '--pod-ready-delay',
      '0',
    ],
    {
      env: { HOME: dir, PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${err}`)), 15000);
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        expect(out).toBe(`export KUBECONFIG=${kubeconfig}\n`);
        const kc = parse(readFileSync(kubeconfig, 'utf8'));
        expect(kc['current-context']).toBe('sandbox');
        expect(kc.contexts[0].context.namespace).toBe('default');
        resolve({ child, url: kc.clusters[0].cluster.server, stdout: () => out, stderr: () => err });
      }
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (code) => r(code))));
}

test('writes survive kill -9 and a restart; versions keep increasing; SIGTERM stops cleanly', async () => {
  const first = await startSandbox();
  const D = '/apis/apps/v1/namespaces/default/deployments';
  expect((await call(first.url, 'GET', '/readyz')).text).toBe('ok');
  await call(first.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  const d = (await call(first.url, 'POST', D, deployment('web', 0))).body;
  const updated = (
    await call(first.url, 'PUT', `${D}/web`, {
      ...d,
      metadata: { ...d.metadata, resourceVersion: undefined },
      spec: { ...d.spec, replicas: 0, minReadySeconds: 3 },
    })
  ).body;
  expect(updated.metadata.generation).toBe(2);
  await call(first.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', rollout('demo', 'web'));
  await call(first.url, 'POST', D, deployment('gone', 0));
  const last = (await call(first.url, 'DELETE', `${D}/gone`)).body;
  const rvBefore = Number((await call(first.url, 'GET', D)).body.metadata.resourceVersion);
  expect(rvBefore).toBeGreaterThanOrEqual(Number(last.metadata.resourceVersion));
  first.child.kill('SIGKILL');
  await exited(first.child);

  const second = await startSandbox();
  const web = (await call(second.url, 'GET', `${D}/web`)).body;
  expect(web.spec.minReadySeconds).toBe(3);
  expect(web.metadata.uid).toBe(d.metadata.uid);
  expect(Number(web.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(updated.metadata.resourceVersion));
  expect((await call(second.url, 'GET', '/api/v1/namespaces/team')).status).toBe(200);
  expect((await call(second.url, 'GET', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo')).status).toBe(200);
  expect((await call(second.url, 'GET', `${D}/gone`)).status).toBe(404);
  const list = (await call(second.url, 'GET', D)).body;
  expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(rvBefore);
  const again = (
    await call(second.url, 'PUT', `${D}/web`, { ...web, metadata: { ...web.metadata, resourceVersion: undefined, labels: { v: '2' } } })
  ).body;
  expect(Number(again.metadata.resourceVersion)).toBeGreaterThan(rvBefore);

  // History does not survive a restart: an older version is 410, the current one resumes.
  const old = await openWatch(second.url, `${D}?watch=true&resourceVersion=${d.metadata.resourceVersion}`);
  await old.ended;
  expect(old.events[0]).toMatchObject({ type: 'ERROR', object: { code: 410 } });
  const current = await openWatch(second.url, `${D}?watch=true&resourceVersion=${again.metadata.resourceVersion}`);
  await call(second.url, 'DELETE', `${D}/web`);
  expect((await current.waitFor(1))[0]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'web' } } });
  current.close();

  second.child.kill('SIGTERM');
  expect(await exited(second.child)).toBe(0);
  expect(second.stderr()).toContain('sandbox stopped');
}, 30000);

test('a torn last journal line (a write that was never acknowledged) is ignored on replay', async () => {
  const { createSandbox } = await import('../../src/sandbox/server.js');
  const { appendFileSync } = await import('node:fs');
  const data = join(dir, 'torn');
  const a = await createSandbox({ dataDir: data, builtinControllers: false });
  await call(a.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('kept', 0));
  await a.close();
  // Re-open (compacts), write once more, then simulate a crash mid-append.
  const b = await createSandbox({ dataDir: data, builtinControllers: false });
  await call(b.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('also-kept', 0));
  const rv = b.store.resourceVersion;
  await b.close();
  appendFileSync(join(data, 'journal.jsonl'), '{"rv":999,"type":"ADDED","resource":"deployments","object":{"apiVersion":"ap');
  const c = await createSandbox({ dataDir: data, builtinControllers: false });
  try {
    const names = (await call(c.url, 'GET', '/apis/apps/v1/namespaces/default/deployments')).body.items.map((i: any) => i.metadata.name);
    expect(names).toEqual(['also-kept', 'kept']);
    expect(c.store.resourceVersion).toBe(rv);
  } finally {
    await c.close();
  }
});
