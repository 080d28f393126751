// THIRD-PARTY-NOTICES: the licence notices of exactly what a bundle contains. esbuild's metafile
// lists every input file; each file under node_modules/ belongs to a package whose licence (MIT,
// ISC: "the above copyright notice and this permission notice shall be included in all copies")
// must travel with the copy. Written beside the bundle by scripts/build.mjs (dist/) and
// scripts/build-sea.mjs (beside the binary, with Node's own LICENSE, which lists its dependencies).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The packages (their directories, e.g. node_modules/@scope/name) whose files are in the bundle. */
export function bundledPackageDirs(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const parts = input.split('/');
    const i = parts.lastIndexOf('node_modules');
    if (i < 0) continue;
    const name = parts[i + 1]?.startsWith('@') ? parts.slice(i + 1, i + 3) : parts.slice(i + 1, i + 2);
    dirs.add([...parts.slice(0, i + 1), ...name].join('/'));
  }
  return [...dirs].sort();
}

/** A package's licence text: its LICENSE/LICENCE/COPYING file. A package without one is an error. */
function licenceText(dir) {
  const file = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
  if (!file) throw new Error(`third-party notices: ${dir} has no LICENSE file; its notice cannot travel with the bundle`);
  return readFileSync(join(dir, file), 'utf8').trim();
}

/**
 * The notices file for a build's metafile (`root`: the directory esbuild's paths are relative to).
 * `extra`: further sections, [title, text] (Node.js itself, for the single executable).
 */
export function thirdPartyNotices(metafile, { root = '.', extra = [] } = {}) {
  const sections = bundledPackageDirs(metafile).map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    return [`${pkg.name} ${pkg.version} (${pkg.license ?? 'see below'})`, licenceText(join(root, dir))];
  });
  const all = [...sections, ...extra];
  const rule = '-'.repeat(78);
  return [
    'kubectl-kruise includes the following third-party software. Their licences require these notices',
    'to accompany every copy.',
    '',
    ...all.flatMap(([title, text]) => [rule, title, rule, '', text, '']),
  ].join('\n');
}

/** Node.js's LICENSE (which also covers the libraries Node includes), where installs keep it. */
export function findNodeLicense(execPath = process.execPath) {
  const candidates = [
    join(execPath, '..', '..', 'share', 'doc', 'node', 'LICENSE'), // nodejs.org tarballs
    '/usr/share/doc/nodejs/LICENSE', // NodeSource / Debian packages
    join(execPath, '..', 'LICENSE'), // Windows zip
  ];
  return candidates.find((p) => existsSync(p));
}
