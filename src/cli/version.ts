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

// Set by builds that carry no package.json beside them (the single executable: scripts/build-sea.mjs).
declare const __KK_VERSION__: string | undefined;

/** The package version from package.json (searched upwards from this module), or the one built in. */
function packageVersion(): string {
  if (typeof __KK_VERSION__ === 'string') return __KK_VERSION__;
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

/** Which kubectl-kruise this is, and where what it does not handle goes (README "Living next to kruise-tools"). */
interface VersionInfo {
  version: string;
  /** Tells this plugin from OpenKruise's kruise-tools, also called kubectl-kruise. */
  plugin: 'kruise-rollouts';
  executable?: string;
  /** The other kubectl-kruise on PATH that gets the commands this one does not handle. */
  handsOffTo: string | null;
}

/** The version line(s), or the version as data like `kubectl version --client -o json|yaml`. */
function renderVersion(v: VersionInfo, output: string | undefined): string {
  if (output === 'json') return `${JSON.stringify(v)}\n`;
  if (output === 'yaml')
    return Object.entries(v)
      .map(([k, x]) => `${k}: ${JSON.stringify(x)}\n`)
      .join('');
  return [
    `kubectl-kruise version ${v.version} (the Kruise Rollouts plugin)`,
    ...(v.executable ? [`executable: ${v.executable}`] : []),
    v.handsOffTo
      ? `other commands and kinds: handed to ${v.handsOffTo} (another kubectl-kruise on PATH, e.g. OpenKruise's kruise-tools)`
      : 'other commands and kinds: no other kubectl-kruise on PATH to hand them to',
  ]
    .map((l) => `${l}\n`)
    .join('');
}

/** Prints `kubectl-kruise version X`, which plugin this is and where other commands go (or data with -o). */
export async function runVersion(o: VersionOptions, deps: Deps): Promise<ExitCodeValue> {
  const { findOtherKubectlKruise } = await import('./handoff.js');
  const info: VersionInfo = {
    version: packageVersion(),
    plugin: 'kruise-rollouts',
    ...(deps.self ? { executable: deps.self } : {}),
    handsOffTo: findOtherKubectlKruise(deps.env, deps.self) ?? null,
  };
  deps.io.out.write(renderVersion(info, o.output));
  return ExitCode.ok;
}
