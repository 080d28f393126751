// The bench runner's pure helpers: the statistics behind every figure, how requests are
// classified (LIST vs GET), and the NDJSON reader that times watch output. No timing here.
import { PassThrough } from 'node:stream';

interface Stats {
  quantile(values: number[], q: number): number;
  median(values: number[]): number;
  fmtMs(ms: number): string;
  table(header: string[], rows: string[][]): string;
}
interface SandboxLib {
  isCollectionPath(path: string): boolean;
  describeRequests(records: Array<{ method: string; path: string; watch?: boolean }>): string;
}
interface ReaderLib {
  ndjsonReader(
    stream: NodeJS.ReadableStream,
    onLine?: (obj: unknown, t: number) => void,
  ): { count: number; waitFor(pred: (o: any) => boolean, ms?: number): Promise<{ obj: any; t: number }> };
}

// Plain JS modules (bench/ is not compiled): imported by a non-literal specifier, typed above.
const load = <T>(p: string): Promise<T> => import(p) as Promise<T>;
const lib = (name: string) => new URL(`../../bench/lib/${name}`, import.meta.url).href;

describe('bench helpers', () => {
  test('median and nearest-rank quantiles', async () => {
    const s = await load<Stats>(lib('stats.mjs'));
    expect(s.median([3, 1, 2])).toBe(2);
    expect(s.median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(s.median([]))).toBe(true);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(s.quantile(hundred, 0.5)).toBe(50);
    expect(s.quantile(hundred, 0.99)).toBe(99);
    expect(s.quantile([7], 0.99)).toBe(7);
    expect(s.fmtMs(0.5)).toBe('0.50 ms');
    expect(s.fmtMs(1234)).toBe('1.23 s');
    expect(s.table(['a', 'bb'], [['xyz', '1']])).toBe('a    bb\n---  --\nxyz  1');
  });

  test.each([
    ['/api/v1/namespaces', true],
    ['/api/v1/namespaces/default', false],
    ['/api/v1/pods', true],
    ['/api/v1/namespaces/default/pods', true],
    ['/api/v1/namespaces/default/pods/p-1', false],
    ['/apis/apps/v1/deployments', true],
    ['/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', true],
    ['/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo', false],
    ['/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo/status', false],
    ['/apis', false],
    ['/version', false],
  ])('%s is a collection: %s', async (path, want) => {
    const s = await load<SandboxLib>(lib('sandbox.mjs'));
    expect(s.isCollectionPath(path)).toBe(want);
  });

  test('requests are counted as GET, LIST, WATCH and writes', async () => {
    const s = await load<SandboxLib>(lib('sandbox.mjs'));
    const ro = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
    expect(
      s.describeRequests([
        { method: 'GET', path: `${ro}/demo` },
        { method: 'PUT', path: `${ro}/demo/status` },
        { method: 'GET', path: ro },
        { method: 'GET', path: ro, watch: true },
        { method: 'GET', path: ro },
      ]),
    ).toBe('GET 1, PUT 1, LIST 2, WATCH 1');
    expect(s.describeRequests([])).toBe('none');
  });

  test('the NDJSON reader joins lines split across chunks and skips junk', async () => {
    const r = await load<ReaderLib>(lib('watch-reader.mjs'));
    const stream = new PassThrough();
    const seen: unknown[] = [];
    const reader = r.ndjsonReader(stream, (o) => seen.push(o));
    const second = reader.waitFor((o) => o.n === 2);
    stream.write('{"n":1}\n{"n"');
    stream.write(':2}\nnot json\n\n{"n":3}');
    stream.write('\n');
    await expect(second).resolves.toMatchObject({ obj: { n: 2 } });
    expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(reader.count).toBe(3);
    await expect(reader.waitFor(() => false, 5)).rejects.toThrow(/no matching line/);
  });
});
