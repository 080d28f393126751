// The python `kubernetes` client (Debian's python3-kubernetes) as a client of the sandbox: one
// script per suite prints a JSON line per step; a suite reads the steps back by name.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import type { Sandbox } from '../../src/sandbox/server.js';

// Debian's interpreter: a pyenv `python3` on PATH does not see /usr/lib/python3/dist-packages.
const PYTHON = '/usr/bin/python3';

/** `describe` when the client is importable, else `describe.skip` with one line saying why. */
export function describeIfPython(what: string): jest.Describe {
  try {
    execFileSync(PYTHON, ['-c', 'import kubernetes, yaml'], { stdio: 'ignore', timeout: 15000 });
    return describe;
  } catch {
    console.log(`conformance: python kubernetes client not importable by ${PYTHON} (apt-get install python3-kubernetes); skipping ${what}`);
    return describe.skip;
  }
}

/** The steps one script printed, by name. */
export interface PythonRun {
  /** One step's line; a missing line or a step that raised fails with what python said. */
  result(name: string): any;
  /** Removes the run's temporary directory. */
  cleanUp(): void;
}

/**
 * Runs `test/conformance/python/SCRIPT` against the sandbox with the kubeconfig exactly as
 * `kubectl-kruise sandbox` writes it (its path first, then `args`), in a private HOME.
 */
export async function runPythonScript(script: string, sb: Sandbox, args: string[], timeoutMs: number): Promise<PythonRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kk-python-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandboxKubeconfig(sb.url));
  const path = fileURLToPath(new URL(`./python/${script}`, import.meta.url));
  let stderr = '';
  const out = await new Promise<string>((resolve) => {
    execFile(
      PYTHON,
      [path, kubeconfig, ...args],
      { timeout: timeoutMs, env: { PATH: process.env.PATH, HOME: dir, PYTHONDONTWRITEBYTECODE: '1' } },
      (err, stdout, se) => {
        stderr = se + (err ? `\n${err.message}` : '');
        resolve(stdout);
      },
    );
  });
  const steps = new Map<string, any>();
  for (const line of out.split('\n').filter(Boolean)) {
    const rec = JSON.parse(line);
    steps.set(rec.step, rec);
  }
  return {
    result(name) {
      const rec = steps.get(name);
      if (!rec) throw new Error(`python printed no "${name}" line; stderr:\n${stderr}`);
      if (rec.error) throw new Error(`python step ${name} raised: ${JSON.stringify(rec, null, 2)}`);
      return rec;
    },
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}
