// Bundles the CLI into dist/ with esbuild: one small entry chunk, heavy modules split out
// and loaded lazily, so `kubectl-kruise --help` does not pay for the sandbox or YAML.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // A CommonJS dependency bundled into ESM needs `require`.
  banner: { js: "import { createRequire as __kkCreateRequire } from 'node:module'; const require = __kkCreateRequire(import.meta.url);" },
});
