// `npm pack` → `npm i -g` → `kubectl-kruise` on PATH, and `kubectl kruise` through kubectl's plugin
// lookup. Slow (one real npm install): 180 s budget.
//
// Packs a copy of the package (package.json, bin/, scripts/, src/, examples/ + a node_modules symlink for
// esbuild) so that `prepack` rebuilds dist/ in the copy, not the shared work tree's dist/ that
// other tests spawn, and so the test proves the tarball's dist/ comes from prepack alone.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { tempDir } from '../kube/helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, env: opts.env, timeout: 150_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const kubectl = (process.env.PATH ?? '')
  .split(path.delimiter)
  .map((d) => path.join(d, 'kubectl'))
  .find((p) => existsSync(p) && statSync(p).isFile());

describe('npm pack + global install', () => {
  const tmp = tempDir('kk-pack-');
  const pkgDir = path.join(tmp, 'pkg');
  const prefix = path.join(tmp, 'prefix');
  const nodeDir = path.dirname(process.execPath);
  // npm's own cache and config stay the user's (so the install can hit the cache).
  const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'warn' };

  let installed: { code: number; stdout: string; stderr: string };
  let packed: { filename: string; files: { path: string }[] };

  beforeAll(async () => {
    for (const entry of ['package.json', 'bin', 'scripts', 'src', 'examples', 'packaging', 'LICENSE', 'README.md']) {
      cpSync(path.join(ROOT, entry), path.join(pkgDir, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkgDir, 'node_modules'));
    const pack = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: pkgDir, env: npmEnv });
    if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    // prepack's build may log before the JSON; the JSON array is the last thing printed.
    packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[\n'))) as (typeof packed)[])[0]!;
    installed = await run('npm', ['i', '-g', '--prefix', prefix, path.join(tmp, packed.filename), '--no-audit', '--no-fund'], {
      cwd: tmp,
      env: npmEnv,
    });
  }, 180_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('ships bin/ and a freshly built dist/, not the sources', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/kubectl-kruise',
        'bin/kubectl_complete-kruise',
        // bin/ is CommonJS (the package is ESM): no ESM loader at start-up.
        'bin/package.json',
        'dist/cli.cjs',
        'dist/launch.cjs',
        'dist/yaml.cjs',
        // The sandbox (and rollout demo's API server), loaded only by the commands that start one.
        'dist/sandbox.cjs',
        'dist/THIRD-PARTY-NOTICES',
        'package.json',
        'LICENSE',
        // The README's "try it" manifests.
        'examples/workload-demo.yaml',
        'examples/rollouts-demo.yaml',
      ]),
    );
    expect(files.filter((f) => /^(src|test|scripts)\//.test(f))).toEqual([]);
  });

  it('ships the build alone: no source maps, no code cache, nothing but dist/*.cjs and the notices of what they bundle', () => {
    const files = packed.files.map((f) => f.path);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/') && !f.endsWith('.cjs'))).toEqual(['dist/THIRD-PARTY-NOTICES']);
  });

  it('installs cleanly (no lifecycle script for npm to warn about)', () => {
    expect(installed.code).toBe(0);
    expect(installed.stderr).not.toMatch(/install-scripts|ERR!/);
  });

  it('puts kubectl-kruise on PATH and it runs', async () => {
    const r = await run(path.join(prefix, 'bin', 'kubectl-kruise'), ['rollout', '--help'], {
      env: { PATH: `${nodeDir}${path.delimiter}/usr/bin:/bin`, HOME: tmp },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kubectl-kruise rollout /);
    expect(r.stdout).toContain('approve');
  });

  it('ships an executable kubectl_complete-kruise next to it', async () => {
    const shim = path.join(prefix, 'lib', 'node_modules', 'kubectl-kruise', 'bin', 'kubectl_complete-kruise');
    accessSync(shim, constants.X_OK);
    // Linked into the prefix's bin/ only once package.json `bin` lists it.
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(existsSync(path.join(prefix, 'bin', 'kubectl_complete-kruise'))).toBe('kubectl_complete-kruise' in pkg.bin);
    const r = await run(shim, ['rollout', 'app'], { env: { PATH: `${nodeDir}${path.delimiter}/usr/bin:/bin`, HOME: tmp } });
    expect(r).toEqual({ code: 0, stdout: 'approve\n:4\n', stderr: '' });
  });

  (kubectl ? it : it.skip)('runs as `kubectl kruise` and says so in its help', async () => {
    // Through a shell, as a user would: the shell sets `_` to kubectl's path, kubectl passes it on.
    const env = { PATH: `${path.join(prefix, 'bin')}${path.delimiter}${nodeDir}${path.delimiter}${process.env.PATH}`, HOME: tmp };
    const r = await run('bash', ['-c', 'kubectl kruise rollout --help'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kubectl kruise rollout /);
    expect(r.stdout).toContain('\n  kubectl kruise rollout approve rollouts-demo\n');
  });

  describe('krew', () => {
    interface Platform {
      selector: { matchLabels: { os: string; arch: string } };
      uri: string;
      sha256: string;
      files: { from: string; to: string }[];
      bin: string;
    }
    const manifest = parse(readFileSync(path.join(ROOT, 'packaging/krew/kruise.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string };
      spec: { version: string; shortDescription: string; description: string; caveats: string; platforms: Platform[] };
    };

    it('is a krew Plugin named kruise for linux/darwin on amd64/arm64', () => {
      expect([manifest.apiVersion, manifest.kind, manifest.metadata.name]).toEqual([
        'krew.googlecontainertools.github.com/v1alpha2',
        'Plugin',
        'kruise',
      ]);
      expect(manifest.spec.shortDescription.length).toBeLessThanOrEqual(50);
      expect(manifest.spec.caveats).toMatch(/Node\.js 20 or newer/);
      expect(manifest.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`).sort()).toEqual([
        'darwin/amd64',
        'darwin/arm64',
        'linux/amd64',
        'linux/arm64',
      ]);
    });

    it('installs from the npm tarball the way krew copies files, and runs', async () => {
      // krew: unpack the archive, copy each `from` glob to `to` inside the install dir, exec `bin`.
      const unpacked = path.join(tmp, 'krew-unpacked');
      const install = path.join(tmp, 'krew-install');
      mkdirSync(unpacked);
      expect((await run('tar', ['xzf', path.join(tmp, packed.filename), '-C', unpacked])).code).toBe(0);
      const platform = manifest.spec.platforms[0]!;
      for (const { from, to } of platform.files) {
        const [dir, base] = [path.dirname(from), path.basename(from)];
        const names = base === '*' ? readdirSync(path.join(unpacked, dir)) : [base];
        mkdirSync(path.join(install, to), { recursive: true });
        for (const n of names) cpSync(path.join(unpacked, dir, n), path.join(install, to, n), { recursive: true });
      }
      const r = await run(path.join(install, platform.bin), ['version', '-o', 'json'], {
        env: { PATH: `${nodeDir}${path.delimiter}/usr/bin:/bin`, HOME: tmp },
      });
      const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout)).toMatchObject({ version, plugin: 'kruise-rollouts' });
    });

    it('scripts/krew-archive.sh prints the sha256 of a reproducible archive and fills the manifest', async () => {
      const out = path.join(tmp, 'krew-out');
      const r = await run('bash', [path.join(pkgDir, 'scripts/krew-archive.sh'), out, 'https://example.test/releases/v9/'], {
        cwd: tmp,
        env: npmEnv,
      });
      expect(r.code).toBe(0);
      const [sha, archive] = r.stdout.trim().split(/\s+/);
      expect(createHash('sha256').update(readFileSync(archive!)).digest('hex')).toBe(sha);
      // Same bytes as the tarball npm packed above: npm pack is reproducible.
      expect(
        createHash('sha256')
          .update(readFileSync(path.join(tmp, packed.filename)))
          .digest('hex'),
      ).toBe(sha);
      const filled = readFileSync(path.join(out, 'kruise.yaml'), 'utf8');
      expect(filled).not.toMatch(/RELEASE_/);
      expect(filled).toContain(`uri: https://example.test/releases/v9/${path.basename(archive!)}`);
      expect(filled.match(new RegExp(`sha256: ${sha}`, 'g'))).toHaveLength(4);
    });
  });
});
