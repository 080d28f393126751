// `version`: the package version, read at run time so the bundle and the sources agree.
import { readFileSync } from 'node:fs';
import type { CommandContext } from './context.js';

/** The package version from package.json (searched upwards from this module). */
export function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kubectl-kruise' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

/** Prints `kubectl-kruise version X`. */
export async function run(ctx: CommandContext): Promise<number> {
  ctx.deps.io.out.write(`kubectl-kruise version ${packageVersion()}\n`);
  return 0;
}
