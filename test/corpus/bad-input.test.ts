// Runs the bad-input corpus (cases.ts) in-process against one sandbox over real HTTP. Each row:
// the documented exit code, one kubectl-style error line, no stack trace, nothing on stdout, and
// from the sandbox's request log no mutating request (usage errors: no request at all).
import net from 'node:net';
import { clearExecCredentialCache } from '../../src/kube/exec-credential.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { CASES, type CaseEnv, type CorpusCase } from './cases.js';
import { cleanup, expectOneErrorLine, MUTATING, mutations, quietSandbox, seedPaused, tempDir } from './helpers.js';

let sb: Sandbox;
let deadServer: string;

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  sb = await quietSandbox();
  deadServer = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  await sb.close();
});

/** Every row starts from the same world: `demo` paused at step 1 with its Deployment, no faults. */
function resetWorld(): void {
  sb.faults.clear();
  for (const r of sb.store.list('rollouts')) sb.store.delete('rollouts', r.metadata.namespace, r.metadata.name!);
  seedPaused(sb, 'demo');
  clearExecCredentialCache();
  sb.requests.length = 0;
}

describe('bad-input corpus', () => {
  it('has at least 60 rows, each with a unique name', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => `${c.group}: ${c.name}`)).size).toBe(CASES.length);
  });

  for (const c of CASES.filter((k) => k.knownFailure)) it.todo(`${c.group}: ${c.name} — known failure: ${c.knownFailure}`);

  it.each(CASES.filter((c) => !c.knownFailure).map((c) => [`${c.group}: ${c.name}`, c] as const))('%s', async (_name, c: CorpusCase) => {
    resetWorld();
    const dir = tempDir();
    try {
      const e: CaseEnv = { sb, dir, deadServer };
      await c.setup?.(e);
      sb.requests.length = 0;
      const storedBefore = sb.store.get('rollouts', 'default', 'demo')?.metadata.resourceVersion;
      const r = await runCli(c.argv(e), { env: { HOME: dir, PATH: process.env.PATH, NO_COLOR: '1', ...c.env?.(e) } });
      expectOneErrorLine(r, c.code, c.error);

      if (c.code === 2) expect(sb.requests).toEqual([]); // usage: nothing was sent
      // A release's BatchRelease is created before the workload is touched (as upstream's
      // runBatchRelease); a pass that then fails leaves it for the next pass to find and update.
      const isBatchReleaseCreate = (q: { method: string; path: string }) => q.method === 'POST' && q.path.endsWith('/batchreleases');
      const writes = mutations(sb.requests.filter((q) => !isBatchReleaseCreate(q)));
      expect(sb.requests.filter(isBatchReleaseCreate).length).toBeLessThanOrEqual(1);
      if (c.maxPuts === undefined) expect(writes).toEqual([]);
      else {
        expect(writes.every((w) => w.startsWith('PUT '))).toBe(true);
        expect(writes.length).toBeGreaterThanOrEqual(1);
        expect(writes.length).toBeLessThanOrEqual(c.maxPuts);
      }
      c.requests?.(sb);
      // Whatever happened, the stored object was not changed behind the user's back.
      const succeeded = sb.requests.filter((q) => MUTATING.has(q.method) && !isBatchReleaseCreate(q) && q.status >= 200 && q.status < 300);
      if (c.statusWrite)
        expect(succeeded.map((q) => `${q.method} ${q.path}`)).toEqual([
          expect.stringMatching(/^PUT \/apis\/rollouts\.kruise\.io\/.*\/status$/),
        ]);
      else if (c.fakeAnswer) {
        // The 2xx was the fault's answer, not the store's: the Rollout must be as the run found it.
        expect(succeeded.length).toBeLessThanOrEqual(1);
        expect(sb.store.get('rollouts', 'default', 'demo')?.metadata.resourceVersion).toBe(storedBefore);
      } else expect(succeeded).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });
});

// `rollout status` exits 0 whatever the state: odd objects must render, not crash.
describe('odd objects: status shows them (exit 0), no crash, no write', () => {
  const odd: [string, (ro: any) => void][] = [
    ['no status', (r) => delete r.status],
    ['status is a string', (r) => (r.status = 'broken')],
    ['unknown step state', (r) => (r.status.canaryStatus.currentStepState = 'StepWaitingForGodot')],
    ['currentStepIndex out of range', (r) => (r.status.canaryStatus.currentStepIndex = 7)],
    ['steps missing', (r) => delete r.spec.strategy.canary.steps],
    ['no spec', (r) => delete r.spec],
    ['a 1 MiB object', (r) => (r.metadata.annotations = { 'example.com/blob': 'x'.repeat(1 << 20) })],
  ];
  const rows = odd.flatMap(([what, edit]) => [[what, edit, [] as string[]] as const, [`${what} (-o json)`, edit, ['-o', 'json']] as const]);
  it.each(rows)('%s', async (_what, edit, extra) => {
    resetWorld();
    for (const r of sb.store.list('rollouts')) sb.store.delete('rollouts', r.metadata.namespace, r.metadata.name!);
    seedPaused(sb, 'demo', edit);
    sb.requests.length = 0;
    const r = await runCli(['rollout', 'status', 'demo', ...extra, '--server', sb.url]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(extra.length ? /^\{\n[\s\S]*"name": "demo"/ : /^Name: +demo$/m);
    expect(r.stdout).not.toMatch(/\bNaN\b|\bundefined\b|\[object Object\]/);
    expect(mutations(sb.requests)).toEqual([]);
  });
});
