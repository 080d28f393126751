// The npm build's launcher (dist/launch.cjs, required by bin/kubectl-kruise and
// bin/kubectl_complete-kruise): loads the CLI bundle (dist/cli.cjs, one CommonJS file) and runs it.
//
// Start-up is mostly V8 parsing and compiling the bundle. A V8 code cache skips that, but a cache
// is only accepted by the exact V8 and CPU that made it, so it cannot ship in the package; it is
// made here, on the user's machine, by the first run of each command, and kept with kubectl's own
// caches: $KUBECACHEDIR or ~/.kube/cache, in kubectl-kruise/ (docs/code-cache.md). A missing,
// unreadable, stale or rejected cache only means compiling as without one; nothing about it is
// ever printed. KUBECTL_KRUISE_NO_CODE_CACHE=1 turns it off.
//
// This module is its own small bundle: it imports node built-ins only, never the CLI's code.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** What the bundle (src/cli/entry.ts) exports. */
export interface BundleExports {
  main(argv: string[], overrides?: Record<string, unknown>): Promise<number>;
  runAsProcess(argv: string[], self: string | undefined): Promise<void>;
}

/** The last line of dist/cli.cjs (scripts/build.mjs): a hash of everything before it. */
const HASH_LINE = /\n\/\/ kubectl-kruise bundle ([0-9a-f]{16})\n?$/;

/** How many cache files the directory keeps (one per bundle, node and command); the oldest go first. */
const MAX_CACHE_FILES = 16;

/** Where the code cache lives, or undefined (off, or no home to keep it in). */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KUBECTL_KRUISE_NO_CODE_CACHE) return undefined;
  if (env.KUBECACHEDIR) return path.join(env.KUBECACHEDIR, 'kubectl-kruise');
  const home = env.HOME ?? env.USERPROFILE;
  // Never create a home directory (tests run with HOME=/nonexistent): only a cache inside one.
  if (!home || !isDirectory(home)) return undefined;
  return path.join(home, '.kube', 'cache', 'kubectl-kruise');
}

/**
 * Which command a run is, for the cache's name: its first two words (`rollout status`), flags and
 * their values left out as well as a word can tell. Each command's run compiles its own functions,
 * so each gets its own cache.
 */
export function commandKey(argv: readonly string[]): string {
  const isFlag = (a: string | undefined) => a?.startsWith('-') === true && !a.includes('=');
  const words = argv.filter((a, i) => /^[a-z][a-z0-9-]{0,30}$/.test(a) && !isFlag(argv[i - 1])).slice(0, 2);
  return words.length ? words.join('-') : 'root';
}

/** The result of loading: the bundle's exports, what happened to the cache, and how to save one. */
export interface LoadedBundle {
  exports: BundleExports;
  cache: 'hit' | 'miss' | 'rejected' | 'off';
  /** Writes a cache for this run (after it ran: the functions it compiled are in it); undefined when one was used. */
  save?: () => void;
}

/** Loads `file` (a CommonJS bundle) with the code cache kept in `cacheDir` for `key`. */
export function loadBundle(file: string, cacheDir: string | undefined, key: string): LoadedBundle {
  // The build writes ASCII only (scripts/build.mjs), and latin1 is the fastest way to read it.
  // V8 checks a cache against the source's length only: the name carries the build's hash, and
  // the file's mtime for a bundle edited by hand.
  return loadBundleSource(readFileSync(file, 'latin1'), file, cacheDir, key, () => String(Math.trunc(statSync(file).mtimeMs)));
}

/**
 * Loads a CommonJS bundle from its source (`filename`: its name in stack traces, and where its
 * require() resolves from). `stamp` adds to the cache's name what the hash line cannot vouch for.
 */
export function loadBundleSource(
  source: string,
  filename: string,
  cacheDir: string | undefined,
  key: string,
  stamp: () => string,
): LoadedBundle {
  const hash = HASH_LINE.exec(source)?.[1];
  const cacheFile =
    cacheDir && hash ? path.join(cacheDir, `${hash}-${stamp()}-${process.arch}-v8-${process.versions.v8}-${key}.cache`) : undefined;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      /* no cache yet */
    }
  }
  const script = new Script(Module.wrap(source), { filename, cachedData });
  const mod = { exports: {} as BundleExports };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, createRequire(filename), mod, filename, path.dirname(filename));
  const cache = !cacheFile ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  if (cache === 'off' || cache === 'hit') return { exports: mod.exports, cache };
  return { exports: mod.exports, cache, save: () => writeCache(cacheFile!, script.createCachedData()) };
}

/** Writes the cache whole or not at all (a temp file renamed), then trims the directory. Never throws. */
function writeCache(file: string, data: Buffer): void {
  try {
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o644 });
    renameSync(tmp, file);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.cache'))
      .map((f) => ({ f, t: mtimeOf(path.join(dir, f)) }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of files.slice(MAX_CACHE_FILES)) rmSync(path.join(dir, f), { force: true });
  } catch {
    /* a read-only or full disk: run without a cache */
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The bundle beside this launcher: dist/cli.cjs. */
const bundleFile = () => path.join(__dirname, 'cli.cjs');

/** Loads the bundle for argv; a bundle that throws while loading is one error line (and its stack) and exit 1. */
function load(argv: readonly string[], from: { file: string } | { source: string; filename: string }): LoadedBundle {
  const name = 'file' in from ? from.file : from.filename;
  try {
    const dir = codeCacheDir(process.env);
    const key = commandKey(argv);
    return 'file' in from ? loadBundle(from.file, dir, key) : loadBundleSource(from.source, from.filename, dir, key, () => 'embedded');
  } catch (err) {
    const e = err as Error | undefined;
    process.stderr.write(`error: kubectl-kruise could not load ${name}: ${e?.message ?? err}\n${e?.stack ?? ''}\n`);
    process.exit(1);
  }
}

/** Runs the loaded CLI as this process (`self`: the executable the user ran). */
function runLoaded(loaded: LoadedBundle, self: string, argv: string[]): Promise<void> {
  if (process.env.KUBECTL_KRUISE_TIMELINE) {
    performance.mark('kk:loaded');
    performance.mark(`kk:code-cache-${loaded.cache}`);
  }
  if (loaded.save) process.once('exit', loaded.save);
  return loaded.exports.runAsProcess(argv, self);
}

/** bin/kubectl-kruise: runs the CLI as this process (`self`: the launcher's own file). */
export function run(self: string, argv: string[]): Promise<void> {
  return runLoaded(load(argv, { file: bundleFile() }), self, argv);
}

/**
 * The single executable (src/cli/sea.ts): runs the bundle built into it, with the same code cache
 * as the npm build (its own files: another hash). Node's build-time cache (`useCodeCache`) holds
 * only what V8 compiles before running; this one, what a command ran.
 */
export function runEmbedded(source: string, self: string, argv: string[]): Promise<void> {
  return runLoaded(load(argv, { source, filename: path.join(path.dirname(self), 'kubectl-kruise-bundle.cjs') }), self, argv);
}

/** bin/kubectl_complete-kruise: the candidates for `kubectl kruise <TAB>` (`__complete`). */
export async function complete(words: string[]): Promise<void> {
  const argv = ['__complete', '--', ...words];
  const loaded = load(argv, { file: bundleFile() });
  if (loaded.save) process.once('exit', loaded.save);
  await loaded.exports.main(argv);
}
