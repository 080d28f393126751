// Runs Biome over the shims in bin/, which have no extension (Biome picks a file's language from
// its extension and skips them). Each shim is checked as NAME.mjs in a temp directory, under a
// config that extends the repo's biome.jsonc; with --write, the result is copied back.
//   node scripts/biome-bin.mjs           check (part of `npm run lint`)
//   node scripts/biome-bin.mjs --write   format and apply safe fixes (part of `npm run format`)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const write = process.argv.includes('--write');
const shims = readdirSync(join(root, 'bin')).filter((n) => !extname(n) && statSync(join(root, 'bin', n)).isFile());
const dir = mkdtempSync(join(tmpdir(), 'kk-biome-bin-'));
try {
  for (const n of shims) copyFileSync(join(root, 'bin', n), join(dir, `${n}.mjs`));
  const config = { extends: [join(root, 'biome.jsonc')], vcs: { enabled: false }, files: { includes: ['*.mjs'] } };
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  const biome = join(root, 'node_modules', '.bin', 'biome');
  const args = write ? ['check', '--write'] : ['ci', '--error-on-warnings'];
  // Diagnostics name NAME.mjs: that is bin/NAME.
  const r = spawnSync(biome, [...args, ...shims.map((n) => `${n}.mjs`)], { cwd: dir, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (write && r.status === 0) for (const n of shims) copyFileSync(join(dir, `${n}.mjs`), join(root, 'bin', n));
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
