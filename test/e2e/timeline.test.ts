// KUBECTL_KRUISE_TIMELINE=1 (src/runtime/timeline.ts): the phases of a real run, printed to stderr
// as one JSON line at exit, for the bench's timeline of `status` (README, Performance).
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { kubeconfig, put, seedPaused, tempDir } from '../corpus/helpers.js';
import { runBinary } from '../helpers/cli.js';

let sb: Sandbox;
let kc: string;
beforeAll(async () => {
  sb = await createSandbox({ builtinControllers: false });
  seedPaused(sb, 'demo');
  kc = put(tempDir('kk-timeline-'), 'kc.yaml', kubeconfig({ server: sb.url }));
});
afterAll(async () => {
  await sb.close();
});

describe('KUBECTL_KRUISE_TIMELINE', () => {
  it('marks Node start-up, the kubeconfig, each request and the end of main', async () => {
    const r = await runBinary(['rollout', 'status', 'demo', '-o', 'json', '--kubeconfig', kc], { env: { KUBECTL_KRUISE_TIMELINE: '1' } });
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const { timeline } = JSON.parse(lines[0]!) as { timeline: { node: Record<string, number>; marks: [string, number][]; exit: number } };
    expect(Object.keys(timeline.node)).toEqual(['nodeStart', 'v8Start', 'environment', 'bootstrapComplete']);
    // The npm build's launcher marks itself and its code cache (`code-cache-hit` etc.); the single executable has neither.
    const names = timeline.marks.map(([n]) => n).filter((n) => !['shim', 'loaded'].includes(n) && !n.startsWith('code-cache-'));
    expect(names.slice(0, 3)).toEqual(['main', 'kubeconfig-start', 'kubeconfig-loaded']);
    expect(names.at(-1)).toBe('returned');
    // Each request: its start, then its answer (an error answer too), the Rollout first.
    const requests = names.slice(3, -1);
    expect(requests.slice(0, 2)).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo',
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo answered',
    ]);
    const started = requests.filter((n) => !n.endsWith(' answered'));
    expect(started.length).toBeGreaterThanOrEqual(2);
    for (const n of started) expect(requests.indexOf(`${n} answered`)).toBeGreaterThan(requests.indexOf(n));
    const times = timeline.marks.map(([, t]) => t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(timeline.exit).toBeGreaterThanOrEqual(times.at(-1)!);
  });

  it('prints nothing when unset', async () => {
    const r = await runBinary(['rollout', 'status', 'demo', '-o', 'json', '--kubeconfig', kc]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
