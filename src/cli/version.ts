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

/** The version line, or the version as data like `kubectl version --client -o json|yaml`. */
export function renderVersion(version: string, output: string | undefined): string {
  if (output === 'json') return `${JSON.stringify({ version })}\n`;
  if (output === 'yaml') return `version: ${JSON.stringify(version)}\n`;
  return `kubectl-kruise version ${version}\n`;
}

/** Prints `kubectl-kruise version X` (or JSON/YAML with -o). */
export async function run(ctx: CommandContext<{ output?: string }>): Promise<number> {
  ctx.deps.io.out.write(renderVersion(packageVersion(), ctx.opts.output));
  return 0;
}
