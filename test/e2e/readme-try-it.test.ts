// The README's "Try it without a cluster" block, run as pasted: terminal 1's sandbox in the
// background, terminal 2's lines in bash (set -e), with kubectl-kruise and kubectl on PATH. Only
// the port (0: a free one) and the kubeconfig path (a temp file) are changed, so that parallel
// runs do not collide.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../kube/helpers.js';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const hasKubectl = (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, 'kubectl')));
const maybe = hasKubectl ? test : test.skip;
if (!hasKubectl) console.warn('readme-try-it: no kubectl on PATH; skipping');

/** The two terminals of the block under "## Try it without a cluster". */
function tryItBlock(): { terminal1: string; terminal2: string } {
  const section = README.slice(README.indexOf('## Try it without a cluster'));
  const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n') + 6));
  const [one, two] = block.split('# terminal 2\n');
  return { terminal1: one!.replace(/^#.*\n/gm, '').trim(), terminal2: two! };
}

maybe(
  'the README try-it block runs as pasted and ends Healthy with the rollout listed',
  async () => {
    const dir = tempDir('kk-readme-');
    try {
      symlinkSync(BIN, path.join(dir, 'kubectl-kruise'));
      const kubeconfig = path.join(dir, 'kruise.kubeconfig');
      const { terminal1, terminal2 } = tryItBlock();
      expect(terminal1).toBe('kubectl-kruise sandbox --port 6443 --kubeconfig-out /tmp/kruise.kubeconfig');
      const env = { PATH: `${dir}${path.delimiter}${process.env.PATH}`, HOME: dir, TMPDIR: dir };
      const sandbox = spawn('bash', ['-c', `exec ${terminal1.replace('6443', '0').replace('/tmp/kruise.kubeconfig', kubeconfig)}`], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        await new Promise<void>((resolve, reject) => {
          let out = '';
          sandbox.stdout!.on('data', (d) => {
            out += d;
            if (out.includes('export KUBECONFIG=')) resolve();
          });
          sandbox.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
        });
        const script = `set -euo pipefail\n${terminal2.replaceAll('/tmp/kruise.kubeconfig', kubeconfig)}`;
        const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
          execFile('bash', ['-c', script], { env, timeout: 120_000 }, (err, stdout, stderr) =>
            resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
          );
        });
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
        expect(r.stdout).toMatch(/rollout\/rollouts-demo is paused at step 1/);
        expect(r.stdout).toMatch(/rollout\/rollouts-demo is paused at step 2/);
        expect(r.stdout).toMatch(
          /rollout\/rollouts-demo is completed: the release completed\nNAME +PHASE +STEP +STATE +APPROVAL +AGE\nrollouts-demo +Healthy +3\/3 +Completed +- /,
        );
      } finally {
        sandbox.kill('SIGINT');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  150_000,
);
