// Builds the CLI into dist/ with esbuild: dist/cli.mjs + chunks, ESM, split, heavy modules loaded
// lazily, so `--help` does not pay for the sandbox or YAML. Readable (not minified): the bench
// showed no gain from minifying it. No source maps by default: they were two thirds of the
// published package, and an installed CLI has no use for them.
//   node scripts/build.mjs              as above
//   node scripts/build.mjs --sourcemap  also write linked maps (node --enable-source-maps)
//   node scripts/build.mjs --minify     minify
// KK_SOURCEMAP=1 / KK_MINIFY=1 do the same as the flags.

import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { thirdPartyNotices } from './third-party-notices.mjs';

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
      const lazy =
        "let __kkChildProcess; const childProcess = new Proxy({}, { get: (_, key) => (__kkChildProcess ??= require('node:child_process'))[key] });";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

const args = process.argv.slice(2);
const minify = args.includes('--minify') || process.env.KK_MINIFY === '1';
const sourcemap = args.includes('--sourcemap') || process.env.KK_SOURCEMAP === '1';

const result = await build({
  entryPoints: { cli: 'src/cli/entry.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify,
  sourcemap: sourcemap ? 'linked' : false,
  metafile: true,
  logLevel: 'warning',
  // A CommonJS dependency bundled into ESM needs `require`; made on first use, not in every chunk.
  banner: {
    js: "import { createRequire as __kkCreateRequire } from 'node:module'; let __kkRequire; const require = (id) => (__kkRequire ??= __kkCreateRequire(import.meta.url))(id);",
  },
  // The dashboard's page (src/dashboard/page.html) is in the bundle as text: no files to find at run time.
  loader: { '.html': 'text' },
  plugins: [lazyChildProcessInCommander, yamlAsJson],
});

// The licences of what the bundle contains travel with it (files: dist/ is in the package).
writeFileSync('dist/THIRD-PARTY-NOTICES', thirdPartyNotices(result.metafile));

// Chunk names carry a content hash, so every change leaves the previous ones behind. Remove the
// chunks this build did not write — but only once they are half an hour old: several people build
// in one work tree, and a process started from an earlier build still imports its chunks lazily.
// Maps this build did not write go now (nothing loads them later), and so do the files of the
// V8 code-cache build that earlier versions made (cli-HASH.cjs, its caches, fast.cjs): each
// process read its bundle whole at start-up.
const written = new Set(Object.keys(result.metafile.outputs).map((f) => basename(f)));
const staleAfterMs = 30 * 60 * 1000;
for (const name of readdirSync('dist')) {
  if (written.has(name)) continue;
  const now = name.endsWith('.map') || name === 'fast.cjs' || /^cli-[A-Z0-9]{8}\.cjs/.test(name);
  if (!now && !/-[A-Z0-9]{8}\.mjs$/.test(name)) continue;
  const file = join('dist', name);
  try {
    if (now || Date.now() - statSync(file).mtimeMs > staleAfterMs) rmSync(file, { force: true });
  } catch {
    /* removed by a concurrent build */
  }
}
