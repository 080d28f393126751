// Spawning measured processes: wall time, CPU time and peak RSS of the child itself.
//
// Node cannot read a child's resource usage (resourceUsage() is our own process), so the child runs
// under a wrapper that waits for it with wait4(2):
//   1. python3 bench/lib/rusage.py — wall, user and sys time in microseconds and ru_maxrss, taken
//      around fork/exit of the child only (the wrapper's own start-up is not counted);
//   2. else GNU time (`/usr/bin/time -f %M`): peak RSS only, wall time measured here (+~1 ms each);
//   3. else no wrapper: wall time only, RSS and CPU n/a.
// CPU time (user + sys) is reported next to wall time because on a shared, busy machine it moves
// far less than wall time does.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));
const RUSAGE_PY = fileURLToPath(new URL('./rusage.py', import.meta.url));
const PYTHON = ['python3', 'python'].find((p) => spawnSync(p, ['-c', 'import os; os.wait4'], { stdio: 'ignore' }).status === 0);

let seq = 0;

/**
 * Runs `cmd args` to completion; resolves { ms, cpuMs, rssKiB, code, stdout, stderr }.
 * `opts`: { env, cwd, tmp (dir for the wrapper's report), input }.
 */
export function runTimed(cmd, args, opts = {}) {
  const report = (PYTHON || GNU_TIME) && opts.tmp ? join(opts.tmp, `rusage-${process.pid}-${++seq}`) : undefined;
  const [file, argv] = !report
    ? [cmd, args]
    : PYTHON
      ? [PYTHON, [RUSAGE_PY, report, cmd, ...args]]
      : [GNU_TIME, ['-f', '%M', '-o', report, cmd, ...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => {
      let ms = performance.now() - t0;
      let rssKiB = NaN;
      let cpuMs = NaN;
      if (report) {
        try {
          // GNU time prints "Command exited with non-zero status N" before the figure on failures.
          const lines = readFileSync(report, 'utf8').trim().split('\n');
          const f = lines[lines.length - 1].trim().split(/\s+/).map(Number);
          if (PYTHON) {
            [ms, cpuMs, rssKiB] = [f[0], f[1] + f[2], f[3]];
          } else rssKiB = f[0];
        } catch {
          /* not written: the child was killed */
        }
        rmSync(report, { force: true });
      }
      resolve({ ms, cpuMs, rssKiB, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Whether peak RSS is measured. */
export const haveGnuTime = Boolean(PYTHON || GNU_TIME);

/** Whether CPU time is measured (python3 wrapper). */
export const haveCpuTime = Boolean(PYTHON);

/** Reads a field (VmRSS, VmHWM) of /proc/PID/status in KiB; NaN when unavailable. */
export function procStatusKiB(pid, field) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Whether `cmd` runs (`cmd --version`-style probe); resolves a boolean. */
export function probe(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}
