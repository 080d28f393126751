// Runs the CLI in-process with captured streams, or the real binary as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../../src/cli/deps.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A string sink standing in for stdout/stderr. */
export function captureStream(isTTY = false): { write(s: string): boolean; text: () => string; isTTY: boolean; columns: number } {
  let buf = '';
  return {
    write(s: string) {
      buf += s;
      return true;
    },
    text: () => buf,
    isTTY,
    columns: 100,
  };
}

/** Runs main() in this process with an isolated environment (no real kubeconfig is read). */
export async function runCli(argv: string[], overrides: Partial<Deps> = {}): Promise<CliResult> {
  const out = captureStream();
  const err = captureStream();
  const code = await main(argv, {
    io: { out, err },
    env: { HOME: '/nonexistent', PATH: process.env.PATH, NO_COLOR: '1' },
    now: () => new Date('2026-11-27T10:00:00Z'),
    ...overrides,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

export const BIN = fileURLToPath(new URL('../../bin/kubectl-kruise', import.meta.url));

/**
 * The executable that runBinary/startBinary test. By default `node bin/kubectl-kruise` (the npm
 * build); KK_TEST_EXECUTABLE names another one run as it is: the single executable
 * (`KK_TEST_EXECUTABLE=dist/sea/kubectl-kruise`, see scripts/build-sea.mjs) or bin/kubectl-kruise
 * through its sh launcher. The same suites then run against it (`.ci/run` does for the binary).
 */
export const EXECUTABLE: { file: string; args: string[] } = process.env.KK_TEST_EXECUTABLE
  ? { file: process.env.KK_TEST_EXECUTABLE, args: [] }
  : { file: process.execPath, args: [BIN] };

/** The real executable (EXECUTABLE), running: its child process, the stderr so far, and its exit code. */
export interface RunningBinary {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number>;
}

/**
 * Starts the real executable (EXECUTABLE; bin/kubectl-kruise is built by `npm test`'s pretest) with an isolated HOME. stdout is
 * a pipe unless `stdout` gives a file descriptor (e.g. /dev/full).
 */
export function startBinary(argv: string[], opts: { env?: NodeJS.ProcessEnv; stdout?: number } = {}): RunningBinary {
  const child = spawn(EXECUTABLE.file, [...EXECUTABLE.args, ...argv], {
    env: { HOME: '/nonexistent', PATH: process.env.PATH, ...opts.env },
    stdio: ['pipe', opts.stdout ?? 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  return { child, stderr: () => stderr, exited };
}

/** Runs the real executable (EXECUTABLE) to its end (killed after `timeoutMs`). */
export async function runBinary(
  argv: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const run = startBinary(argv, opts);
  let stdout = '';
  run.child.stdout!.on('data', (d) => (stdout += d));
  run.child.stdin!.end(opts.input ?? '');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), opts.timeoutMs ?? 20000);
  try {
    const code = await run.exited;
    return { code, stdout, stderr: run.stderr() };
  } finally {
    clearTimeout(timer);
  }
}
