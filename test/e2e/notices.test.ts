// The licences of bundled packages travel with the bundle: dist/THIRD-PARTY-NOTICES, written by the
// build from esbuild's metafile (scripts/third-party-notices.mjs), names every package whose code
// is in dist/ with its licence text. The packages are found here independently of the generator:
// esbuild marks each bundled module with a `// node_modules/NAME/…` comment. Needs a fresh build
// (`npm test` runs it first).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXECUTABLE } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = path.join(ROOT, 'dist');

/** Package names whose modules esbuild put into dist/*.cjs. */
function bundledPackages(): string[] {
  const names = new Set<string>();
  for (const f of readdirSync(DIST).filter((n) => n.endsWith('.cjs'))) {
    for (const m of readFileSync(path.join(DIST, f), 'utf8').matchAll(/^\/\/ (?:.*\/)?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm))
      names.add(m[1]!);
  }
  return [...names].sort();
}

describe('dist/THIRD-PARTY-NOTICES', () => {
  const notices = readFileSync(path.join(DIST, 'THIRD-PARTY-NOTICES'), 'utf8');
  const titles = [...notices.matchAll(/^-{78}\n(\S+) (\S+) \(([^)]*)\)\n-{78}$/gm)].map((m) => m[1]);

  it('the bundle contains the packages the README lists (the check below sees them)', () => {
    expect(bundledPackages()).toEqual(expect.arrayContaining(['chalk', 'commander', 'fast-json-patch', 'yaml']));
  });

  it('names every bundled package, and nothing that is not bundled', () => {
    expect(titles.sort()).toEqual(bundledPackages());
  });

  it.each(bundledPackages())('carries the licence text of %s', (name) => {
    const dir = path.join(ROOT, 'node_modules', name);
    const file = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
    expect(file).toBeDefined();
    expect(notices).toContain(readFileSync(path.join(dir, file!), 'utf8').trim());
  });
});

// The single executable (scripts/build-sea.mjs) carries the same packages and Node.js itself; its
// notices lie beside it. Checked when the suites run against it (KK_TEST_EXECUTABLE).
const beside = path.join(path.dirname(EXECUTABLE.file), 'THIRD-PARTY-NOTICES');
(process.env.KK_TEST_EXECUTABLE ? describe : describe.skip)('THIRD-PARTY-NOTICES beside the tested executable', () => {
  it('exists', () => {
    expect(existsSync(beside)).toBe(true);
  });

  it.each(bundledPackages())('carries the licence text of %s', (name) => {
    const dir = path.join(ROOT, 'node_modules', name);
    const file = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
    expect(readFileSync(beside, 'utf8')).toContain(readFileSync(path.join(dir, file!), 'utf8').trim());
  });

  it('carries the licence of Node.js, the runtime inside the executable', () => {
    const text = readFileSync(beside, 'utf8');
    expect(text).toMatch(/^Node\.js v\d+\.\d+\.\d+ \(the runtime inside this executable\)$/m);
    expect(text).toContain('Node.js is licensed for use as follows');
  });
});
