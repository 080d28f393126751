// Builds the CLI into dist/ with esbuild, twice:
//  1. dist/cli.mjs + chunks: ESM, split, heavy modules loaded lazily, so `--help` does not pay for
//     the sandbox or YAML. Readable (not minified): the bench showed no gain from minifying it.
//  2. dist/cli-HASH.cjs + dist/fast.cjs: the same CLI as one minified CommonJS bundle, run from a
//     V8 code cache made here (scripts/fast-loader.cjs). bin/ prefers it whenever the cache fits
//     the running node: no parse or compile of commander, the command tree and the kube client on
//     each cold start (`rollout status` about a fifth faster than (1); README "Performance").
// Source maps are written without a `sourceMappingURL` comment (nothing for node to look up).
//   node scripts/build.mjs              as above, external source maps
//   node scripts/build.mjs --sourcemap  link the ESM build's maps (node --enable-source-maps)
//   node scripts/build.mjs --minify     minify the ESM build too
// KK_SOURCEMAP=1 / KK_MINIFY=1 do the same as the flags.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const { yamlDocuments } = createRequire(import.meta.url)('./yaml-module.cjs');

/** `import docs from './x.yaml'` (the sandbox's CRDs): the file's documents, as JSON in the bundle. */
const yamlAsJson = {
  name: 'yaml-as-json',
  setup(b) {
    b.onLoad({ filter: /\.yaml$/ }, async (args) => ({
      contents: JSON.stringify(yamlDocuments(await readFile(args.path, 'utf8'), args.path)),
      loader: 'json',
    }));
  },
};

/**
 * commander requires node:child_process at load time, for executable subcommands we never use;
 * loading it (with dgram, net sockets lists…) costs every command a few milliseconds. Defer it
 * to first use. If commander's source ever changes shape, it is bundled unchanged.
 */
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) return undefined;
      const lazy = "let __kkChildProcess; const childProcess = new Proxy({}, { get: (_, key) => (__kkChildProcess ??= require('node:child_process'))[key] });";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

const args = process.argv.slice(2);
const minify = args.includes('--minify') || process.env.KK_MINIFY === '1';
const linkMaps = args.includes('--sourcemap') || process.env.KK_SOURCEMAP === '1';

// 1. ESM, split into lazily imported chunks.
const result = await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify,
  sourcemap: linkMaps ? 'linked' : 'external',
  metafile: true,
  logLevel: 'warning',
  // A CommonJS dependency bundled into ESM needs `require`; made on first use, not in every chunk.
  banner: {
    js: "import { createRequire as __kkCreateRequire } from 'node:module'; let __kkRequire; const require = (id) => (__kkRequire ??= __kkCreateRequire(import.meta.url))(id);",
  },
  plugins: [lazyChildProcessInCommander, yamlAsJson],
});

// 2. The same CLI as one CommonJS bundle, plus dist/fast.cjs, which runs it from a V8 code cache
// made here (bin/ prefers it when the cache fits the running node; see scripts/fast-loader.cjs).
// Minified: a smaller source string to read at start-up (and a smaller RSS) — with a code cache,
// V8 no longer parses it, but it still reads it.
// Dynamic imports become lazy module initialisers inside the bundle, so a command still runs only
// the code it uses; a code cache removes the parse and compile that a cold start otherwise repeats.
const cjs = await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'external',
  write: false,
  logLevel: 'warning',
  supported: { 'dynamic-import': false },
  plugins: [lazyChildProcessInCommander, yamlAsJson],
  // ESM sources are strict; keep them so. import.meta.url is the bundle's own URL, as in dist/*.mjs.
  banner: { js: "'use strict';\nconst __kkImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__kkImportMetaUrl' },
});
const code = cjs.outputFiles.find((f) => f.path.endsWith('.cjs'));
const map = cjs.outputFiles.find((f) => f.path.endsWith('.cjs.map'));
const bundleName = `cli-${createHash('sha256').update(code.contents).digest('hex').slice(0, 8).toUpperCase()}.cjs`;
// Written once (the name is the content's hash) and atomically: other people's processes may be
// reading dist/ while this build runs.
const writeAtomic = (file, data) => {
  writeFileSync(`${file}.${process.pid}.tmp`, data);
  renameSync(`${file}.${process.pid}.tmp`, file);
};
if (!existsSync(join('dist', bundleName))) writeAtomic(join('dist', bundleName), code.contents);
if (map) writeAtomic(join('dist', `${bundleName}.map`), map.contents);
const loader = readFileSync('scripts/fast-loader.cjs', 'utf8');
const placeholder = "const BUNDLE = '__BUNDLE__';";
if (!loader.includes(placeholder)) throw new Error(`scripts/fast-loader.cjs lost its placeholder: ${placeholder}`);
writeAtomic('dist/fast.cjs', loader.replace(placeholder, `const BUNDLE = ${JSON.stringify(bundleName)};`));
// --random-seed: V8's cache bytes are then the same on every build (npm pack stays reproducible),
// and V8 still accepts the cache in a process started without the flag.
const warm = spawnSync(process.execPath, ['--random-seed=1', '-e', "require('./dist/fast.cjs').produceCache().catch((e) => { console.error(e); process.exit(1); })"], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (warm.status !== 0) process.stderr.write('build: no code cache was made (bin/ runs dist/cli.mjs instead)\n');

// Chunk and bundle names carry a content hash, so every change leaves the previous ones behind.
// Remove the files this build did not write — but only once they are half an hour old: several
// people build in one work tree, and a process started from an earlier build still imports its
// chunks lazily.
const written = new Set([...Object.keys(result.metafile.outputs).map((f) => basename(f)), bundleName, `${bundleName}.map`]);
const staleAfterMs = 30 * 60 * 1000;
for (const name of readdirSync('dist')) {
  if (written.has(name) || name.startsWith(`${bundleName}.`) || !/-[A-Z0-9]{8}\.(mjs|cjs)(\.map|\..+\.v8cache)?$/.test(name)) continue;
  const file = join('dist', name);
  try {
    if (Date.now() - statSync(file).mtimeMs > staleAfterMs) rmSync(file, { force: true });
  } catch {
    /* removed by a concurrent build */
  }
}
