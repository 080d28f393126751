// Builds the single executable: Node's own binary with the CLI injected (Node's "single executable
// applications" + postject), so that no Node install is needed to run it.
//   node scripts/build-sea.mjs [--out DIR] [--code-cache]
// Writes DIR (default dist-sea/): kubectl-kruise (kubectl-kruise.exe on Windows) and
// THIRD-PARTY-NOTICES beside it (the bundled packages and Node.js itself, whose licence lists the
// libraries it includes). The binary runs on the platform and architecture of the node that runs
// this script: build it on each target (docs/single-executable.md).
//
// The single executable runs one CommonJS script and cannot import files: the CLI is bundled as
// one CommonJS file (as dist/cli.cjs), carried in the executable as an asset, and the executable's
// script is the launcher, which runs it with the code cache made where it runs (src/runtime/launch.ts).
// Node's build-time code cache (`useCodeCache`, --code-cache) holds only what V8 compiles before
// running and is off; a startup snapshot is not used (Node 20 cannot snapshot the modules the CLI
// needs at load time).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { textLoaders, yamlAsJson } from './source-loaders.mjs';
import { findNodeLicense, thirdPartyNotices } from './third-party-notices.mjs';

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = resolve(outIdx >= 0 ? args[outIdx + 1] : 'dist-sea');
const codeCache = args.includes('--code-cache');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const nodeLicense = findNodeLicense();
if (!nodeLicense) {
  console.error('build-sea: cannot find the LICENSE of this Node.js install; the binary must carry it (THIRD-PARTY-NOTICES)');
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const work = join(out, '.work');
mkdirSync(work);

// 1. The CLI as one CommonJS bundle (src/cli/entry.ts), ASCII with its hash as the last line, as
// scripts/build.mjs writes dist/cli.cjs: src/runtime/launch.ts names its code cache by that hash.
const result = await build({
  entryPoints: ['src/cli/entry.ts'],
  bundle: true,
  write: false,
  outfile: join(work, 'cli.cjs'),
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  metafile: true,
  logLevel: 'warning',
  define: { __KK_VERSION__: JSON.stringify(pkg.version) },
  // A single executable has no dynamic import(); `await import('node:https')` becomes require().
  supported: { 'dynamic-import': false },
  loader: textLoaders,
  plugins: [yamlAsJson],
});
let cli = result.outputFiles[0].text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
cli += `\n// kubectl-kruise bundle ${createHash('sha256').update(cli).digest('hex').slice(0, 16)}\n`;

// 2. The executable's main script: the launcher. The bundle travels beside it in the blob as an
// asset (node:sea), read as bytes at start-up: built into the script as a string literal, V8 had to
// scan the whole bundle once more to compile the launcher.
const cliAsset = join(work, 'cli.cjs');
writeFileSync(cliAsset, cli, 'latin1');
const bundle = join(work, 'kubectl-kruise.cjs');
await build({
  entryPoints: ['src/cli/sea.ts'],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
});

const blob = join(work, 'sea-prep.blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: codeCache,
    assets: { 'cli.cjs': cliAsset },
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

const exe = join(out, process.platform === 'win32' ? 'kubectl-kruise.exe' : 'kubectl-kruise');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', exe], { stdio: 'inherit' });
const postject = join(require.resolve('postject/package.json'), '..', 'dist', 'cli.js');
execFileSync(
  process.execPath,
  [
    postject,
    exe,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ...(process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', exe], { stdio: 'inherit' });

writeFileSync(
  join(out, 'THIRD-PARTY-NOTICES'),
  thirdPartyNotices(result.metafile, {
    extra: [[`Node.js ${process.version} (the runtime inside this executable)`, readFileSync(nodeLicense, 'utf8').trim()]],
  }),
);
rmSync(work, { recursive: true, force: true });
const mb = (n) => `${(n / 1048576).toFixed(1)} MiB`;
console.log(
  `${exe}: ${mb(statSync(exe).size)} (node ${process.version}, ${process.platform}-${process.arch}, code cache ${codeCache ? 'on' : 'off'})`,
);
