// `reconcile-once -A` reconciles several rollouts at once: the passes overlap on the wire, yet the
// output lines come in list order and the requests are the five LISTs plus the needed writes.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';

const N = 6;
const D = '/apis/apps/v1/namespaces/default/deployments';
const R = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';

async function post(base: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
  },
});
const rollout = (name: string, workload: string) => ({
  apiVersion: 'rollouts.kruise.io/v1beta1',
  kind: 'Rollout',
  metadata: { name },
  spec: {
    workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload },
    strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '100%' }] } },
  },
});

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ builtinControllers: false });
  for (let i = 0; i < N; i++) {
    await post(sb.url, D, deployment(`app-${i}`));
    await post(sb.url, R, rollout(`ro-${i}`, `app-${i}`));
  }
  sb.requests.length = 0;
});
afterEach(async () => {
  await sb.close();
});

test('the first rollout answered last: the passes overlapped, and the lines still come in list order', async () => {
  // ro-0's status write is held until the last rollout's write has arrived: a strictly sequential
  // pass never gets there (the guard below gives up after 3 s and the test fails).
  let lastArrived!: () => void;
  const last = new Promise<void>((r) => (lastArrived = r));
  let overlapped = false;
  sb.faults.before({ method: 'PUT', path: `rollouts/ro-${N - 1}/status` }, () => lastArrived());
  sb.faults.before({ method: 'PUT', path: 'rollouts/ro-0/status', times: 1 }, async () => {
    let guard: NodeJS.Timeout | undefined;
    overlapped = await Promise.race([last.then(() => true), new Promise<boolean>((r) => (guard = setTimeout(() => r(false), 3000)))]);
    clearTimeout(guard);
  });

  const res = await runCli(['rollout', 'reconcile-once', '-A', '-o', 'json', '--server', sb.url]);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(overlapped).toBe(true);
  const lines = res.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => `${l.name} ${l.ok} ${l.writes.join(',')}`)).toEqual(
    Array.from({ length: N }, (_, i) => `ro-${i} true deployments/app-${i},rollouts/status,rollouts/ro-${i},rollouts/status`),
  );

  // The requests: per rollout two status writes (Initial → Healthy, then the first deploy, a pass
  // each as upstream) and the finalizer put on; the five LISTs (rollouts, deployments, replicasets,
  // pods, batchreleases) for every first pass, and a fresh read of its own for each later pass.
  const puts = sb.requests.filter((q) => q.method === 'PUT').map((q) => q.path.split('/').slice(7).join('/'));
  expect(puts.sort()).toEqual([
    ...Array.from({ length: N }, (_, i) => `app-${i}`),
    ...Array.from({ length: N }, (_, i) => [`ro-${i}`, `ro-${i}/status`, `ro-${i}/status`]).flat(),
  ]);
  const gets = sb.requests.filter((q) => q.method === 'GET');
  // Each rollout is read again by its two later passes only (the first used the LISTs).
  for (let i = 0; i < N; i++) expect(gets.filter((q) => q.path.split('?')[0]!.endsWith(`/rollouts/ro-${i}`))).toHaveLength(2);
  expect(gets.filter((q) => !/\/ro-\d+$/.test(q.path.split('?')[0]!)).length).toBeGreaterThanOrEqual(5);
  expect(sb.requests.filter((q) => q.method !== 'GET' && q.method !== 'PUT')).toEqual([]);
});

test('text output keeps list order too, and a second pass writes nothing', async () => {
  const first = await runCli(['rollout', 'reconcile-once', '-A', '--server', sb.url]);
  expect(first.code).toBe(0);
  expect(
    first.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(':')[0]),
  ).toEqual(Array.from({ length: N }, (_, i) => `default/ro-${i}`));
  sb.requests.length = 0;
  const second = await runCli(['rollout', 'reconcile-once', '-A', '--server', sb.url]);
  expect(second.code).toBe(0);
  expect(
    second.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(':')[0]),
  ).toEqual(Array.from({ length: N }, (_, i) => `default/ro-${i}`));
  expect(sb.requests.map((q) => q.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET']);
});
