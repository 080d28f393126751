// `version`: the package version, read at run time so the bundle and the sources agree.
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue } from './errors.js';
import { parseOutput } from './flags.js';
import { ownHelp } from './help-text.js';

const VERSION_OUTPUTS = ['json', 'yaml'] as const;

/** The flags of `version` as commander gives them. */
export interface VersionFlags {
  output?: string;
}

/** Validated `version` options. */
interface VersionOptions {
  output?: (typeof VERSION_OUTPUTS)[number];
}

/** Adds `version` with its flags and help to `parent`. */
export function addVersionCommand(parent: Command, name: string): Command {
  const output = new Option('-o, --output <format>', 'print the version as data: json|yaml');
  // The formats for help and completion; parseOutput checks them, with the message every -o has.
  output.argChoices = [...VERSION_OUTPUTS];
  return ownHelp(parent.command('version').description('Print the version of kubectl-kruise').addOption(output), name, [
    ['Print the version', 'version'],
    ['Print the version as JSON', 'version -o json'],
  ]);
}

/** Parses the flags (a bad -o is a usage error). */
export function completeVersion(flags: VersionFlags): VersionOptions {
  return { output: parseOutput(flags.output, VERSION_OUTPUTS) };
}

/** Checks the options together; there is one flag, so nothing to refuse. */
export function validateVersion(_o: VersionOptions): void {}

/** The package version from package.json (searched upwards from this module). */
function packageVersion(): string {
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
function renderVersion(version: string, output: string | undefined): string {
  if (output === 'json') return `${JSON.stringify({ version })}\n`;
  if (output === 'yaml') return `version: ${JSON.stringify(version)}\n`;
  return `kubectl-kruise version ${version}\n`;
}

/** Prints `kubectl-kruise version X` (or JSON/YAML with -o). */
export async function runVersion(o: VersionOptions, deps: Deps): Promise<ExitCodeValue> {
  deps.io.out.write(renderVersion(packageVersion(), o.output));
  return ExitCode.ok;
}
