// bin/kubectl-kruise loads dist/cli.mjs, the one build that tests and installed users both run.
// A build that throws while loading is reported (`error: …`, exit 1), never hidden; a missing build
// says how to make one. Works on a copy of bin/ + dist/ in a temp dir: the shared dist/ that other
// tests spawn is never touched.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../kube/helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(pkg: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH, HOME: pkg };
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
    appendFileSync(path.join(pkg, 'dist', 'cli.mjs'), "\nthrow new Error('broken bundle');\n");
    const r = await run(pkg, ['version']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toMatch(/^error: kubectl-kruise could not load .*cli\.mjs: broken bundle$/);
  });

  it('reports a bundle that does not parse', async () => {
    const pkg = copy();
    writeFileSync(path.join(pkg, 'dist', 'cli.mjs'), 'export const main = (;\n');
    const r = await run(pkg, ['version']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: kubectl-kruise could not load .*cli\.mjs: /);
  });

  it('reports a chunk missing from the build', async () => {
    const pkg = copy();
    const chunk = /from "\.\/(chunk-[A-Z0-9]+\.mjs)"/.exec(readFileSync(path.join(pkg, 'dist', 'cli.mjs'), 'utf8'))?.[1];
    expect(chunk).toBeDefined();
    rmSync(path.join(pkg, 'dist', chunk!));
    const r = await run(pkg, ['version']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: kubectl-kruise could not load .*cli\.mjs: .*chunk-/);
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
});
