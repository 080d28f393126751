// bin/kubectl-kruise loads dist/cli.cjs (through dist/launch.cjs), the one build that tests and
// installed users both run. A build that throws while loading is reported (`error: …`, exit 1),
// never hidden; a missing build says how to make one. The V8 code cache the launcher keeps
// (src/runtime/launch.ts, docs/code-cache.md) is made by a first run, used by the next, and never
// changes what a run does. Works on a copy of bin/ + dist/ in a temp dir: the shared dist/ that
// other tests spawn is never touched.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../kube/helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(pkg: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, HOME: pkg, ...extraEnv };
    execFile(process.execPath, [path.join(pkg, 'bin', 'kubectl-kruise'), ...args], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('bin/kubectl-kruise loading the build', () => {
  const tmp = tempDir('kk-loader-');
  let n = 0;
  /** A fresh copy of the package as installed: package.json, bin/, dist/. */
  function copy(): string {
    const pkg = path.join(tmp, `pkg-${n++}`);
    for (const entry of ['package.json', 'bin', 'dist']) cpSync(path.join(ROOT, entry), path.join(pkg, entry), { recursive: true });
    return pkg;
  }
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs the copy as it is', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await run(copy(), ['version', '-o', 'json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ version, plugin: 'kruise-rollouts' });
  });

  it('reports a bundle that throws while loading', async () => {
    const pkg = copy();
    appendFileSync(path.join(pkg, 'dist', 'cli.cjs'), "\nthrow new Error('broken bundle');\n");
    const r = await run(pkg, ['version']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(/^error: kubectl-kruise could not load .*cli\.cjs: broken bundle$/);
  });

  it('reports a bundle that does not parse', async () => {
    const pkg = copy();
    writeFileSync(path.join(pkg, 'dist', 'cli.cjs'), 'exports.main = (;\n');
    const r = await run(pkg, ['version']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: kubectl-kruise could not load .*cli\.cjs: /);
  });

  it('reports a bundle missing beside the launcher', async () => {
    const pkg = copy();
    rmSync(path.join(pkg, 'dist', 'cli.cjs'));
    const r = await run(pkg, ['version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: kubectl-kruise could not load .*cli\.cjs: ENOENT/);
  });

  it('says how to build when there is no build', async () => {
    const pkg = copy();
    rmSync(path.join(pkg, 'dist'), { recursive: true });
    expect(await run(pkg, ['version'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: kubectl-kruise is not built; run `npm run build` in its package directory\n',
    });
  });

  describe('the V8 code cache', () => {
    const cacheDir = (home: string) => path.join(home, '.kube', 'cache', 'kubectl-kruise');
    const caches = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cache')) : []);
    /** The code-cache mark of a run's timeline (KUBECTL_KRUISE_TIMELINE=1: one JSON line on stderr). */
    const cacheMark = (stderr: string) => {
      const line = stderr.split('\n').find((l) => l.startsWith('{"timeline"'));
      return (JSON.parse(line!) as { timeline: { marks: [string, number][] } }).timeline.marks.find(([n]) =>
        n.startsWith('code-cache-'),
      )?.[0];
    };
    const TIMELINE = { KUBECTL_KRUISE_TIMELINE: '1' };

    it('is made by the first run of a command in ~/.kube/cache/kubectl-kruise and used by the next, with the same output', async () => {
      const pkg = copy();
      const first = await run(pkg, ['rollout', '--help'], TIMELINE);
      expect(cacheMark(first.stderr)).toBe('code-cache-miss');
      expect(caches(cacheDir(pkg))).toEqual([expect.stringMatching(/-rollout\.cache$/)]);
      const second = await run(pkg, ['rollout', '--help'], TIMELINE);
      expect(cacheMark(second.stderr)).toBe('code-cache-hit');
      expect(second.stdout).toBe(first.stdout);
      expect(second.code).toBe(0);
      // Another command has its own cache: each run compiles what it uses.
      await run(pkg, ['version']);
      expect(caches(cacheDir(pkg))).toHaveLength(2);
    });

    it('goes where KUBECACHEDIR says, and nowhere with KUBECTL_KRUISE_NO_CODE_CACHE', async () => {
      const pkg = copy();
      const dir = path.join(pkg, 'kube-cache');
      await run(pkg, ['version'], { KUBECACHEDIR: dir });
      expect(caches(path.join(dir, 'kubectl-kruise'))).toHaveLength(1);
      const off = await run(pkg, ['version'], { ...TIMELINE, KUBECTL_KRUISE_NO_CODE_CACHE: '1' });
      expect(cacheMark(off.stderr)).toBe('code-cache-off');
      expect(existsSync(cacheDir(pkg))).toBe(false);
    });

    it('never creates a home directory that does not exist', async () => {
      const pkg = copy();
      const home = path.join(pkg, 'no-such-home');
      const r = await run(pkg, ['version', '-o', 'json'], { HOME: home });
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(existsSync(home)).toBe(false);
    });

    it('a corrupt cache is rejected silently and made again', async () => {
      const pkg = copy();
      await run(pkg, ['version']);
      const [name] = caches(cacheDir(pkg));
      writeFileSync(path.join(cacheDir(pkg), name!), Buffer.alloc(4096, 7));
      const r = await run(pkg, ['version', '-o', 'json'], TIMELINE);
      expect(cacheMark(r.stderr)).toBe('code-cache-rejected');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ plugin: 'kruise-rollouts' });
      expect(cacheMark((await run(pkg, ['version'], TIMELINE)).stderr)).toBe('code-cache-hit');
    });

    it('never runs a cache made for other code: a bundle edited in place, same length and hash line', async () => {
      const pkg = copy();
      const bundle = path.join(pkg, 'dist', 'cli.cjs');
      const before = await run(pkg, ['version']);
      expect(before.stdout).toContain('(the Kruise Rollouts plugin)');
      // V8 itself checks only the source's length; the cache's name carries the file's mtime.
      writeFileSync(
        bundle,
        readFileSync(bundle, 'latin1').replace('(the Kruise Rollouts plugin)', '(THE KRUISE ROLLOUTS PLUGIN)'),
        'latin1',
      );
      const after = await run(pkg, ['version']);
      expect(after.stdout).toContain('(THE KRUISE ROLLOUTS PLUGIN)');
    });

    it('a cache directory that cannot be written is no error', async () => {
      const pkg = copy();
      mkdirSync(path.join(pkg, '.kube', 'cache'), { recursive: true });
      // A file where the directory would go.
      writeFileSync(cacheDir(pkg), '');
      const r = await run(pkg, ['version', '-o', 'json']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });
  });
});
