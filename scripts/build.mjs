// Builds the CLI into dist/ with esbuild: dist/cli.cjs, the whole CLI as one CommonJS file, and
// dist/launch.cjs, the small launcher bin/ requires (src/runtime/launch.ts: it runs the bundle with
// a V8 code cache made on the user's machine). One CommonJS file, not ESM chunks: node's ESM loader
// and one file per chunk cost every run more than parsing the code a command does not use, and a
// code cache removes that (README, Performance). What a command does not need is still evaluated
// only on first use (esbuild keeps `await import()` lazy). Readable (not minified). No source maps
// by default: an installed CLI has no use for them.
//   node scripts/build.mjs              as above
//   node scripts/build.mjs --sourcemap  also write linked maps (node --enable-source-maps)
//   node scripts/build.mjs --minify     minify
// KK_SOURCEMAP=1 / KK_MINIFY=1 do the same as the flags.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { textLoaders, yamlAsJson } from './source-loaders.mjs';
import { thirdPartyNotices } from './third-party-notices.mjs';

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

/**
 * `yaml` (a quarter of the CLI's code, needed only for -o yaml, unusual kubeconfigs and the
 * sandbox) is its own file, dist/yaml.cjs, required on first use: the bundle every command loads,
 * and its code cache, stay smaller.
 */
const yamlApart = {
  name: 'yaml-apart',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: './yaml.cjs', external: true }));
  },
};

/**
 * The sandbox (half of the CLI's code: the API server, its CRDs, its controllers) is its own file,
 * dist/sandbox.cjs (src/sandbox/bundle.ts), required by `sandbox` and `rollout demo` when they
 * start one: the bundle every command loads, --help first, and its code cache are half the size.
 * Only the CLI's dynamic imports of what bundle.ts exports go there; anything else stays inline.
 */
const SANDBOX_ENTRY = 'src/sandbox/bundle.ts';
const SANDBOX_MODULES = /^\.\.\/(sandbox\/(server|kubeconfig|tls|wire-rollout-controller)|reconcile\/workload-admission)\.js$/;
const sandboxApart = {
  name: 'sandbox-apart',
  setup(b) {
    b.onResolve({ filter: SANDBOX_MODULES }, (args) =>
      args.kind === 'dynamic-import' && /[\\/]src[\\/]cli[\\/][^\\/]+\.ts$/.test(args.importer)
        ? { path: './sandbox.cjs', external: true }
        : undefined,
    );
  },
};

const args = process.argv.slice(2);
const minify = args.includes('--minify') || process.env.KK_MINIFY === '1';
const sourcemap = args.includes('--sourcemap') || process.env.KK_SOURCEMAP === '1';

const result = await build({
  entryPoints: { cli: 'src/cli/entry.ts', launch: 'src/runtime/launch.ts', yaml: 'yaml', sandbox: SANDBOX_ENTRY },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify,
  sourcemap: sourcemap ? 'linked' : false,
  metafile: true,
  write: false,
  logLevel: 'warning',
  // No real import(): the bundle runs as a vm.Script (src/runtime/launch.ts), which has no module
  // loader; esbuild turns each `await import('node:x')` into a require() made when it runs.
  supported: { 'dynamic-import': false },
  // import.meta.url (version.ts finds package.json with it) is the bundle's own file, made on use.
  define: { 'import.meta.url': '__kkImportMeta.url' },
  banner: { js: "var __kkImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  // The dashboard's page (src/dashboard/page.html) is in the bundle as text: no files to find at run time.
  loader: textLoaders,
  plugins: [lazyChildProcessInCommander, yamlAsJson, yamlApart, sandboxApart],
});

/**
 * ASCII only (launch.ts reads the bundle as latin1, and V8 keeps a one-byte string): esbuild
 * escapes strings, not regular expressions or comments, so what is left becomes \uXXXX, which
 * means the same there and in identifiers.
 */
const ascii = (text) => text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// Each file is written whole or not at all (a temp file renamed): a launcher started during a
// build reads the previous bundle or this one, never half of one. The bundle's last line is a hash
// of its content, which names its code cache (V8 itself checks only the length).
mkdirSync('dist', { recursive: true });
for (const out of result.outputFiles) {
  let text = out.text;
  if (out.path.endsWith('.cjs')) {
    text = ascii(text);
    if (basename(out.path) === 'cli.cjs')
      text += `\n// kubectl-kruise bundle ${createHash('sha256').update(text).digest('hex').slice(0, 16)}\n`;
  }
  const tmp = `${out.path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, out.path);
}

// The licences of what the bundle contains travel with it (files: dist/ is in the package).
writeFileSync('dist/THIRD-PARTY-NOTICES', thirdPartyNotices(result.metafile));

// Remove what earlier builds wrote and this one did not: the ESM build's chunks (dist/*.mjs) once
// they are half an hour old — a process started from such a build may still import them lazily —
// and maps and the V8 code-cache files of older builds now.
const written = new Set(Object.keys(result.metafile.outputs).map((f) => basename(f)));
const staleAfterMs = 30 * 60 * 1000;
for (const name of readdirSync('dist')) {
  if (written.has(name) || name === 'THIRD-PARTY-NOTICES') continue;
  const now = name.endsWith('.map') || name === 'fast.cjs' || /^cli-[A-Z0-9]{8}\.cjs/.test(name) || /\.cjs\.\d+\.tmp$/.test(name);
  if (!now && !name.endsWith('.mjs')) continue;
  const file = join('dist', name);
  try {
    if (now || Date.now() - statSync(file).mtimeMs > staleAfterMs) rmSync(file, { force: true });
  } catch {
    /* removed by a concurrent build */
  }
}
