// Runs Biome over the shims in bin/, which have no extension (Biome picks a file's language from
// its extension and skips them). Each shim is checked as NAME.cjs (bin/package.json makes them
// CommonJS) in a temp directory, under a config that extends the repo's biome.jsonc; with
// --write, the result is copied back.
// A shim that starts as `#!/bin/sh` has a second line for sh (`":" //; …`, a string and a comment
// to node): Biome would rewrite it into JavaScript style that sh cannot run, so it is left out of
// the check and put back as it was.
//   node scripts/biome-bin.mjs           check (part of `npm run lint`)
//   node scripts/biome-bin.mjs --write   format and apply safe fixes (part of `npm run format`)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const write = process.argv.includes('--write');
const shims = readdirSync(join(root, 'bin')).filter((n) => !extname(n) && statSync(join(root, 'bin', n)).isFile());
const dir = mkdtempSync(join(tmpdir(), 'kk-biome-bin-'));
try {
  const shLine = /^(#!\/bin\/sh\n":" \/\/;[^\n]*\n)/;
  const heads = new Map();
  for (const n of shims) {
    const text = readFileSync(join(root, 'bin', n), 'utf8');
    const head = shLine.exec(text)?.[1] ?? '';
    heads.set(n, head);
    writeFileSync(join(dir, `${n}.cjs`), text.slice(head.length));
  }
  const config = { extends: [join(root, 'biome.jsonc')], vcs: { enabled: false }, files: { includes: ['*.cjs'] } };
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  const biome = join(root, 'node_modules', '.bin', 'biome');
  const args = write ? ['check', '--write'] : ['ci', '--error-on-warnings'];
  // Diagnostics name NAME.cjs: that is bin/NAME.
  const r = spawnSync(biome, [...args, ...shims.map((n) => `${n}.cjs`)], { cwd: dir, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (write && r.status === 0)
    for (const n of shims) writeFileSync(join(root, 'bin', n), heads.get(n) + readFileSync(join(dir, `${n}.cjs`), 'utf8'));
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
