// `rollout watch` opens each stream with ONE request (a KEP-3157 watch list), and still works
// against servers that refuse it (list + watch) or ignore it (a plain watch, settled by one list).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Chalk } from 'chalk';
import type { Deps } from '../../src/cli/deps.js';
import { runWatch } from '../../src/cli/rollout-watch.js';
import { completeWatch } from '../../src/cli/rollout-watch-options.js';
import { WATCH_LIST_GRACE_MS } from '../../src/kube/follow.js';
import { clientFromGlobals } from '../../src/kube/from-flags.js';
import type { KubeObject } from '../../src/kube/types.js';
import { StatusError, statusFailure } from '../../src/sandbox/errors.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read, seedScenario, update } from '../fixtures/seed.js';
import { captureStream } from '../helpers/cli.js';
import { FakeHost } from '../runtime/fake-host.js';
import { startWatch, stopAll, waitFor, watchKind, watchRequests } from './harness.js';

const ROLLOUTS = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

/** The GETs of the two collections, as `PATH-TAIL kind status`, in order. */
function streamRequests(sb: Sandbox, from = 0): string[] {
  return sb.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && (r.path === ROLLOUTS || r.path === DEPLOYMENTS))
    .map((r) => `${r.path === ROLLOUTS ? 'rollouts' : 'deployments'} ${watchKind(r.query)}`);
}

/** The guide's objects with a new release pending (the previous release's status): the watch waits. */
async function seedWaiting(sb: Sandbox): Promise<{ rollout: KubeObject; workload: KubeObject; gen: number }> {
  const seeded = await seedScenario(sb.url, scenario('healthy-first-deploy'));
  const workload = await update<KubeObject>(
    sb.url,
    seeded.workload!,
    (d) => void (d.spec.template.spec.containers[0].env[0].value = 'version-2'),
  );
  return { rollout: seeded.rollout, workload, gen: workload.metadata.generation! };
}

/** Completes the release at workload generation `gen` (the status the controller would write). */
async function complete(sb: Sandbox, rollout: KubeObject, gen: number): Promise<void> {
  const st = (await read<KubeObject>(sb.url, rollout)).status;
  st.canaryStatus.observedWorkloadGeneration = gen;
  st.canaryStatus.observedRolloutID = 'r';
  st.message = 'done';
  await putStatus(sb.url, rollout, st);
}

/**
 * Makes the sandbox answer every watch list (a watch with sendInitialEvents) with `code`, as a
 * server without the WatchList feature does. The faults API matches paths only, so a hook reads
 * the query and throws the Status the sandbox then sends. Returns how many it refused.
 */
function refuseWatchLists(sb: Sandbox, code: number, message: string): () => number {
  let refused = 0;
  sb.faults.before(
    (req) => {
      if (!new URL(req.url ?? '/', 'http://x').searchParams.has('sendInitialEvents')) return;
      refused++;
      throw new StatusError(statusFailure(code, message));
    },
    { method: 'GET' },
  );
  return () => refused;
}

describe('rollout watch against the sandbox (WatchList supported)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, builtinControllers: false });
  });
  afterEach(async () => {
    await stopAll();
    await sb.close();
  });

  test('the start of a watch costs exactly one request per stream: 2 in all for the Rollout and its Deployment', async () => {
    const { rollout, gen } = await seedWaiting(sb);
    const before = sb.requests.length;
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo']);
    await waitFor(() => w.lines().length === 1, 'the first line');
    // Everything the command sent until its first output (the test sent nothing meanwhile).
    const start = sb.requests.slice(before);
    expect(start.map((r) => `${r.method} ${r.path} ${watchKind(r.query)} ${r.query.fieldSelector}`)).toEqual([
      `GET ${ROLLOUTS} watch-list metadata.name=rollouts-demo`,
      `GET ${DEPLOYMENTS} watch-list metadata.name=workload-demo`,
    ]);
    // A change arrives on the same streams: no request of the command's own.
    const mark = sb.requests.length;
    await complete(sb, rollout, gen);
    expect(await w.code).toBe(0);
    expect(w.stderr()).toBe('');
    expect(streamRequests(sb, mark)).toEqual([]);
    expect(w.lines().at(-1)).toBe('2026-11-27T10:00:00Z rollout/rollouts-demo is completed: the release completed');
  });

  test("a rollout that does not exist: the end bookmark alone says so — exit 1 with kubectl's NotFound, one request", async () => {
    const before = sb.requests.length;
    const w = startWatch(sb, ['rollout', 'watch', 'nope']);
    expect(await w.code).toBe(1);
    expect(w.stderr()).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
    expect(w.stdout()).toBe('');
    expect(streamRequests(sb, before)).toEqual(['rollouts watch-list']);
  });

  test('a workload that does not exist yet is not an error: waiting, then it appears on the open stream', async () => {
    const files = scenario('healthy-first-deploy');
    await seedScenario(sb.url, { rollout: files.rollout, workload: null });
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '-o', 'json', '--timeout', '20s']);
    await waitFor(() => w.lines().length === 1, 'the first object');
    await create(sb.url, files.workload!); // generation 1: the status (observedWorkloadGeneration 1) is current
    expect(await w.code).toBe(0);
    expect(w.stderr()).toBe('');
    expect(streamRequests(sb)).toEqual(['rollouts watch-list', 'deployments watch-list']);
  });

  test.each([
    [
      422,
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    ],
    [400, 'unknown parameter sendInitialEvents'],
  ])(
    'a server that refuses the watch list with %i: list + watch from then on (also for the workload, after drops and 410)',
    async (code, message) => {
      const { rollout, gen } = await seedWaiting(sb);
      const refused = refuseWatchLists(sb, code, message);
      const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--timeout', '20s']);
      await waitFor(() => w.lines().length === 1, 'the first line');
      await waitFor(() => watchRequests(sb).filter((r) => r.status !== code).length === 2, 'both watches open');
      const sequence = (path: string) =>
        sb.requests
          .filter((r) => r.method === 'GET' && r.path === path)
          .map((r) => `${watchKind(r.query)}${r.query.resourceVersion ? ' rv' : ''} ${r.status}`);
      // Refused once, remembered for the client: the workload goes straight to list + watch.
      expect(refused()).toBe(1);
      expect(sequence(ROLLOUTS)).toEqual([`watch-list ${code}`, 'list 200', 'watch rv 0']);
      expect(sequence(DEPLOYMENTS)).toEqual(['list 200', 'watch rv 0']);

      // A drop resumes from the resourceVersion; a 410 re-lists (no watch list is tried again).
      sb.faults.failNext('GET', ROLLOUTS, 410);
      sb.dropWatches();
      await waitFor(() => sequence(ROLLOUTS).length === 6 && sequence(DEPLOYMENTS).length === 3, 'the resumed watches');
      expect(sequence(ROLLOUTS).slice(3)).toEqual(['watch rv 410', 'list 200', 'watch rv 0']);
      expect(sequence(DEPLOYMENTS).slice(2)).toEqual(['watch rv 0']);
      await complete(sb, rollout, gen);
      expect(await w.code).toBe(0);
      expect(w.stderr()).toBe('');
      expect(refused()).toBe(1);
    },
  );

  test('403 on the watch list is RBAC, not a missing feature: reported, no fallback list', async () => {
    await seedWaiting(sb);
    refuseWatchLists(sb, 403, 'rollouts.rollouts.kruise.io is forbidden: User "ci" cannot watch resource "rollouts"');
    const before = sb.requests.length;
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--timeout', '20s']);
    expect(await w.code).toBe(1);
    expect(w.stderr()).toBe(
      'Error from server (Forbidden): rollouts.rollouts.kruise.io is forbidden: User "ci" cannot watch resource "rollouts"\n',
    );
    expect(streamRequests(sb, before)).toEqual(['rollouts watch-list']);
  });
});

/**
 * An API server that ignores sendInitialEvents (as one older than the parameter does): a watch
 * without a resourceVersion sends the matching objects as ADDED events and no bookmark, then stays
 * open; `push` sends later events on it. Lists answer from the same objects.
 */
async function ignoringServer(objects: Record<'rollouts' | 'deployments', KubeObject[]>) {
  const requests: string[] = [];
  const streams = new Map<string, http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const kind = url.pathname === ROLLOUTS ? 'rollouts' : url.pathname === DEPLOYMENTS ? 'deployments' : undefined;
    const watch = url.searchParams.get('watch') === 'true';
    requests.push(`${kind ?? url.pathname} ${watch ? 'watch' : 'list'}`);
    if (!kind) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(statusFailure(404, 'the server could not find the requested resource')));
      return;
    }
    const name = url.searchParams.get('fieldSelector')?.replace('metadata.name=', '');
    const items = objects[kind].filter((o) => o.metadata.name === name);
    if (!watch) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    for (const o of items) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    streams.set(kind, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    push(kind: 'rollouts' | 'deployments', type: string, object: KubeObject) {
      streams.get(kind)!.write(`${JSON.stringify({ type, object })}\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('rollout watch against a server that ignores the watch-list parameters', () => {
  const plain = new Chalk({ level: 0 });
  const objects = () => {
    const s = scenario('healthy-first-deploy');
    s.rollout.metadata.resourceVersion = '3';
    s.workload!.metadata.resourceVersion = '4';
    return { rollout: s.rollout as KubeObject, workload: s.workload! };
  };

  /** Watches still running after a test (a failed assertion): stopped, so none outlives its test. */
  const running: { stop: AbortController; code: Promise<number> }[] = [];
  afterEach(async () => {
    for (const r of running) r.stop.abort('interrupt');
    await Promise.all(running.map((r) => r.code));
    running.length = 0;
  });

  async function start(stub: Awaited<ReturnType<typeof ignoringServer>>, name: string) {
    const out = captureStream();
    const err = captureStream();
    const deps: Deps = { io: { out, err }, env: {}, now: () => new Date('2026-11-27T10:00:00Z'), invokedAs: 'kubectl-kruise' };
    const stop = new AbortController();
    const client = await clientFromGlobals({ server: stub.url }, { ...deps, signal: stop.signal });
    const timers = new FakeHost();
    const code = runWatch(
      completeWatch([name], { output: 'json' }),
      client,
      deps,
      { clock: timers.clock(), chalk: plain, live: false },
      stop,
    ).finally(() => client.close());
    running.push({ stop, code });
    return { out, err, timers, code };
  }

  test('an ADDED event says the object exists: no bookmark needed, no list, no waiting', async () => {
    const { rollout, workload } = objects();
    const stub = await ignoringServer({ rollouts: [rollout], deployments: [workload] });
    try {
      const w = await start(stub, 'rollouts-demo');
      expect(await w.code).toBe(0);
      expect(w.err.text()).toBe('');
      expect(stub.requests).toEqual(['rollouts watch', 'deployments watch']);
      expect(w.timers.pending).toBe(0); // the grace timers were cleared by the events
    } finally {
      await stub.close();
    }
  });

  test('silence settles through one list after the grace; the open stream is kept and carries what comes next', async () => {
    const { rollout, workload } = objects();
    const stub = await ignoringServer({ rollouts: [rollout], deployments: [] });
    try {
      const w = await start(stub, 'rollouts-demo');
      // The Deployment's watch is open and silent: only its grace timer is pending, nothing printed.
      await waitFor(() => stub.requests.length === 2 && w.timers.pending === 1, 'the silent workload watch');
      expect(w.out.text()).toBe('');
      w.timers.advance(WATCH_LIST_GRACE_MS - 1);
      expect(stub.requests).toEqual(['rollouts watch', 'deployments watch']);
      w.timers.advance(1);
      // One list: no workload yet — the view is printed (waiting), and the stream stays open.
      await waitFor(() => w.out.text() !== '', 'the first object');
      expect(stub.requests).toEqual(['rollouts watch', 'deployments watch', 'deployments list']);
      stub.push('deployments', 'ADDED', workload);
      expect(await w.code).toBe(0);
      expect(w.err.text()).toBe('');
      expect(stub.requests).toEqual(['rollouts watch', 'deployments watch', 'deployments list']);
    } finally {
      await stub.close();
    }
  });

  test("a rollout that does not exist: after the grace, one list says so — exit 1 with kubectl's NotFound", async () => {
    const stub = await ignoringServer({ rollouts: [], deployments: [] });
    try {
      const w = await start(stub, 'nope');
      await waitFor(() => stub.requests.length === 1 && w.timers.pending === 1, 'the silent rollout watch');
      w.timers.advance(WATCH_LIST_GRACE_MS);
      expect(await w.code).toBe(1);
      expect(w.err.text()).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
      expect(stub.requests).toEqual(['rollouts watch', 'rollouts list']);
    } finally {
      await stub.close();
    }
  });
});

describe('rollout watch against a server that answers every watch with 410 Gone', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0 });
  });
  afterEach(async () => {
    await sb.close();
  });

  test('starts again at once the first time, then backs off instead of spinning', async () => {
    await seedWaiting(sb);
    let gone = 0;
    sb.faults.before(
      (req) => {
        if (new URL(req.url ?? '/', 'http://x').searchParams.get('watch') !== 'true') return;
        gone++;
        throw new StatusError(statusFailure(410, 'too old resource version: 1 (2)'));
      },
      { method: 'GET' },
    );
    const w = startWatch(sb, ['rollout', 'watch', 'rollouts-demo', '--timeout', '1500ms']);
    expect(await w.code).toBe(3);
    expect(w.stderr()).toMatch(/^error: timed out after \d+ms waiting for rollout\/rollouts-demo to be completed(: .*)?\n$/);
    // Two streams, 1.5 s, backoff 100 ms doubling: a handful of tries each, not a tight loop.
    expect(gone).toBeGreaterThanOrEqual(4);
    expect(gone).toBeLessThan(30);
  });
});
