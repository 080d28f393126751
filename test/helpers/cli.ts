// Runs the CLI in-process with captured streams, or the real binary as a child process.
import { spawn } from 'node:child_process';
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

/** Spawns the real bin/kubectl-kruise (built by `npm test`'s pretest). */
export function runBinary(argv: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { HOME: '/nonexistent', PATH: process.env.PATH, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
