// `kubectl kruise rollout approve …` through kubectl's own plugin lookup: a directory first on
// PATH holds a `kubectl-kruise` symlink to bin/kubectl-kruise (needs the bundle: `node scripts/build.mjs`).
import { execFile } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { create, putStatus, read } from '../fixtures/seed.js';
import { BIN } from '../helpers/cli.js';
import { tempDir, writeFile } from '../kube/helpers.js';

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const kubectls = [which('kubectl'), fileURLToPath(new URL('../../.cache/kubectl-1.20/usr/bin/kubectl', import.meta.url))].filter(
  (p): p is string => !!p && existsSync(p),
);
if (kubectls.length === 0) {
  console.warn('plugin-lookup: no kubectl on PATH; skipping the plugin lookup test');
}
const maybe = kubectls.length ? describe : describe.skip;

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

maybe('kubectl plugin lookup', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await createSandbox({ builtinControllers: false, podReadyDelayMs: 0 });
  });
  afterAll(async () => {
    await sb.close();
  });

  it.each(kubectls.map((k, i) => [k, i] as const))('%s kruise rollout approve rollout/NAME --kubeconfig …', async (kubectl, i) => {
    const name = `plugin-demo-${i}`;
    const { rollout } = scenario('canary-step-paused');
    rollout.metadata.name = name;
    rollout.spec.workloadRef!.name = `${name}-w`;
    await create(sb.url, rollout);
    await putStatus(sb.url, rollout, rollout.status);

    const dir = tempDir('kk-plugin-');
    const binDir = path.join(dir, 'bin');
    (await import('node:fs')).mkdirSync(binDir);
    symlinkSync(BIN, path.join(binDir, 'kubectl-kruise'));
    const kc = writeFile(
      dir,
      'kubeconfig',
      `apiVersion: v1\nkind: Config\ncurrent-context: sb\nclusters: [{name: sb, cluster: {server: "${sb.url}"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: sb, context: {cluster: sb, user: u, namespace: default}}]\n`,
    );
    const env = { PATH: `${binDir}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, HOME: dir };
    const r = await run(kubectl, ['kruise', 'rollout', 'approve', `rollout/${name}`, '--kubeconfig', kc], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`rollout.rollouts.kruise.io/${name} approved step 1/3 (releasing step 2: 50% of the pods)\n`);
    expect(r.code).toBe(0);
    expect((await read<Rollout>(sb.url, rollout)).status!.canaryStatus!.currentStepState).toBe('StepReady');
  });
});
