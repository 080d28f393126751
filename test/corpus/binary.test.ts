// A sample of the corpus through the real entry point (bin/kubectl-kruise → dist/launch.cjs → dist/cli.cjs): the same
// exit code and one error line, and no stack trace from the shim, the bundle or an unhandled rejection.
// Needs a fresh build (`node scripts/build.mjs`; `npm test` runs it first).
import net from 'node:net';
import type { Sandbox } from '../../src/sandbox/server.js';
import { runBinary } from '../helpers/cli.js';
import { CASES, type CaseEnv } from './cases.js';
import { cleanup, expectOneErrorLine, mutations, quietSandbox, seedPaused, tempDir } from './helpers.js';

const SAMPLE = [
  'args: approve: unknown flag',
  'args: approve: negative step',
  'args: -n with a path segment',
  'kubeconfig: malformed YAML',
  'kubeconfig: exec plugin prints junk',
  'kubeconfig: exec plugin fails',
  'server: HTML error page (502 from a proxy) on every retry',
  'server: truncated JSON (200 with half a body)',
  'server: hang past --request-timeout (read)',
  'server: 409 storm beyond the conflict budget (approve)',
  'server: status: 404 Not Found',
  'object: wrong kind answered for a Rollout (pause)',
  'object: currentStepIndex out of range',
];

let sb: Sandbox;
let deadServer: string;
beforeAll(async () => {
  sb = await quietSandbox();
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  deadServer = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await sb.close();
});

describe('corpus sample through the real binary', () => {
  const rows = SAMPLE.map((name) => {
    const c = CASES.find((k) => `${k.group}: ${k.name}` === name);
    if (!c) throw new Error(`no corpus row named ${name}`);
    return [name, c] as const;
  });

  it.each(rows)('%s', async (_name, c) => {
    sb.faults.clear();
    for (const r of sb.store.list('rollouts')) sb.store.delete('rollouts', r.metadata.namespace, r.metadata.name!);
    seedPaused(sb, 'demo');
    const dir = tempDir();
    try {
      const e: CaseEnv = { sb, dir, deadServer };
      await c.setup?.(e);
      sb.requests.length = 0;
      const r = await runBinary(c.argv(e), { env: { HOME: dir, NO_COLOR: '1', ...c.env?.(e) } });
      expectOneErrorLine(r, c.code, c.error);
      expect(r.stderr).not.toMatch(/ExperimentalWarning|UnhandledPromiseRejection|node:internal/);
      if (c.maxPuts === undefined) expect(mutations(sb.requests)).toEqual([]);
      else expect(mutations(sb.requests).length).toBeLessThanOrEqual(c.maxPuts);
    } finally {
      cleanup(dir);
    }
  });
});
