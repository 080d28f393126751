// --data-dir: the real binary, killed with SIGKILL and restarted on the same directory, keeps
// every acknowledged write; resourceVersions keep increasing; old watches get 410.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
function startSandbox(
  data = join(dir, 'data'),
  extra: string[] = [],
): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string }> {
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
      data,
      '--no-rollout-controller',
      '--pod-ready-delay',
      '0',
      ...extra,
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
  const { journalRecord } = await import('../../src/sandbox/persistence.js');
  appendFileSync(join(data, 'journal.jsonl'), journalRecord(cmEntry('never-acknowledged', 999)).subarray(0, 60));
  const c = await createSandbox({ dataDir: data, builtinControllers: false });
  try {
    const names = (await call(c.url, 'GET', '/apis/apps/v1/namespaces/default/deployments')).body.items.map((i: any) => i.metadata.name);
    expect(names).toEqual(['also-kept', 'kept']);
    expect(c.store.resourceVersion).toBe(rv);
  } finally {
    await c.close();
  }
});

const CM = '/api/v1/namespaces/default/configmaps';
const cmEntry = (name: string, rv: number) => ({
  rv,
  type: 'ADDED' as const,
  resource: 'configmaps',
  object: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: String(rv) },
    data: { k: name },
  },
});

test('a journal with damaged records in the middle replays every complete record and says what it skipped', async () => {
  const { journalRecord } = await import('../../src/sandbox/persistence.js');
  const data = join(dir, 'damaged');
  mkdirSync(data);
  const torn = journalRecord(cmEntry('torn', 3));
  const badSum = journalRecord(cmEntry('bad-sum', 5)).toString('latin1').replace('"k":"bad-sum"', '"k":"bad-sun"');
  writeFileSync(
    join(data, 'journal.jsonl'),
    Buffer.concat([
      journalRecord(cmEntry('one', 1)),
      journalRecord(cmEntry('two', 2)),
      torn.subarray(0, torn.length - 20), // a write that ran out of space: no newline either
      journalRecord(cmEntry('four', 4)),
      Buffer.from(badSum, 'latin1'),
      journalRecord(cmEntry('six', 6)),
    ]),
  );
  const sb = await startSandbox(data);
  try {
    const names = (await call(sb.url, 'GET', CM)).body.items.map((i: any) => i.metadata.name);
    expect(names).toEqual(['four', 'one', 'six', 'two']);
    const warnings = sb
      .stderr()
      .split('\n')
      .filter((l) => /journal/.test(l));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/journal\.jsonl: skipped 2 damaged records \(at bytes \d+, \d+\); replayed 4/);
  } finally {
    sb.child.kill('SIGTERM');
    await exited(sb.child);
  }
  // Replay compacted the journal: the next start has nothing to skip.
  const again = await startSandbox(data);
  try {
    expect((await call(again.url, 'GET', CM)).body.items).toHaveLength(4);
    expect(again.stderr()).not.toMatch(/skipped/);
  } finally {
    again.child.kill('SIGTERM');
    await exited(again.child);
  }
}, 30000);

test('an old-format journal (plain JSON lines) still replays, around a torn line too', async () => {
  const data = join(dir, 'legacy');
  mkdirSync(data);
  const line = (name: string, rv: number) => `${JSON.stringify(cmEntry(name, rv))}\n`;
  writeFileSync(join(data, 'journal.jsonl'), `${line('one', 1)}${line('two', 2).slice(0, 40)}${line('three', 3)}`);
  const sb = await startSandbox(data);
  try {
    const names = (await call(sb.url, 'GET', CM)).body.items.map((i: any) => i.metadata.name);
    expect(names).toEqual(['one', 'three']);
    expect(sb.stderr()).toMatch(/journal\.jsonl: skipped 1 damaged record \(at byte \d+\); replayed 2/);
  } finally {
    sb.child.kill('SIGTERM');
    await exited(sb.child);
  }
}, 30000);

test('--fsync: writes survive kill -9 as well; --help states the guarantee', async () => {
  const sb = await startSandbox(join(dir, 'fsync'), ['--fsync']);
  expect((await call(sb.url, 'POST', CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'synced' } })).status).toBe(201);
  sb.child.kill('SIGKILL');
  await exited(sb.child);
  const again = await startSandbox(join(dir, 'fsync'), ['--fsync']);
  try {
    expect((await call(again.url, 'GET', `${CM}/synced`)).status).toBe(200);
  } finally {
    again.child.kill('SIGTERM');
    await exited(again.child);
  }
  const { execFileSync } = await import('node:child_process');
  const help = execFileSync(process.execPath, [BIN, 'sandbox', '--help'], { encoding: 'utf8' });
  expect(help).toMatch(/--fsync/);
  expect(help).toMatch(/power loss/);
}, 30000);
