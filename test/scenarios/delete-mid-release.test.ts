// Deleting a Rollout mid-release with only `reconcile-once` running (the sandbox's controller off),
// as upstream: the first pass puts the `rollouts.kruise.io/rollout` finalizer on the Rollout, so a
// `kubectl delete` leaves it Terminating until a pass has handed the Deployment back; then the
// finalizer goes and so does the Rollout.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableKubectls } from '../conformance/harness.js';
import { runCli } from '../helpers/cli.js';
import { DEPLOYMENT_YAML, GUIDE_PATCH, ok, ROLLOUT_YAML, runKubectl, startSandboxCommand } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kk-delete-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** reconcile-once until the predicate over `kubectl get rollout -o json` holds (bounded). */
async function reconcileUntil(kc: string, what: string, predicate: (ro: any) => boolean): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await runCli(['rollout', 'reconcile-once', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
    if (r.code !== 0) throw new Error(`reconcile-once: ${r.stderr}`);
    if (predicate(JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json'])))) return;
    // Pods become ready after the sandbox's --pod-ready-delay.
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`reconcile-once never reached ${what}`);
}

test('kubectl delete mid-release, then reconcile-once: Terminating, Deployment handed back, finalizer removed, Rollout gone', async () => {
  const sb = await startSandboxCommand(dir, ['--no-rollout-controller']);
  try {
    const kc = sb.kubeconfig;
    await ok(kc, ['apply', '-f', DEPLOYMENT_YAML]);
    await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=20s']);
    await ok(kc, ['apply', '-f', ROLLOUT_YAML]);
    await reconcileUntil(kc, 'Healthy', (ro) => ro.status?.phase === 'Healthy');
    // The first pass put upstream's finalizer on the Rollout.
    expect(JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json'])).metadata.finalizers).toEqual([
      'rollouts.kruise.io/rollout',
    ]);
    await ok(kc, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    await reconcileUntil(kc, 'step 1 paused', (ro) => ro.status?.canaryStatus?.currentStepState === 'StepPaused');
    const paused = JSON.parse(await ok(kc, ['get', 'deployment', 'workload-demo', '-o', 'json']));
    expect(paused.spec.paused).toBe(true);

    // Every phase the Rollout goes through, as `kubectl get -w` shows it.
    const kubectlPath = availableKubectls()[0]!.path;
    const watch = spawn(kubectlPath, [
      '--kubeconfig',
      kc,
      'get',
      'rollout',
      'rollouts-demo',
      '-w',
      '-o',
      'jsonpath={.status.phase}{"\\n"}',
    ]);
    let seen = '';
    watch.stdout.on('data', (d) => (seen += d));
    for (let i = 0; i < 100 && !seen.includes('Progressing'); i++) await new Promise((r) => setTimeout(r, 20));

    await ok(kc, ['delete', 'rollout', 'rollouts-demo', '--wait=false']);
    const deleting = JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
    expect(deleting.metadata.deletionTimestamp).toBeDefined();

    const once = await runCli(['rollout', 'reconcile-once', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
    expect(once).toMatchObject({ code: 0, stderr: '' });
    expect(once.stdout).toMatch(
      /^rollouts-demo: StepPaused -> Terminating \(8 passes; writes: rollouts\/status ×7, deployments\/workload-demo ×2, delete batchreleases\/rollouts-demo, rollouts\/rollouts-demo\)\n$/,
    );
    const batchRelease = await runKubectl(kc, ['get', 'batchrelease', 'rollouts-demo', '-o', 'json']);
    expect(batchRelease.stderr).toMatch(/NotFound/);

    const gone = await runKubectl(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/NotFound/);
    const d = JSON.parse(await ok(kc, ['get', 'deployment', 'workload-demo', '-o', 'json']));
    expect(d.spec.paused).toBeFalsy();
    expect(d.spec.strategy.type).toBe('RollingUpdate');
    expect(Object.keys(d.metadata.annotations ?? {}).filter((k) => k.includes('rollouts.kruise.io'))).toEqual([]);
    // Only upstream's workload-type label stays (it is never removed).
    expect(Object.keys(d.metadata.labels ?? {}).filter((k) => k.includes('rollouts.kruise.io'))).toEqual([
      'rollouts.kruise.io/workload-type',
    ]);
    await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s']);

    for (let i = 0; i < 100 && !seen.includes('Terminating'); i++) await new Promise((r) => setTimeout(r, 20));
    watch.kill();
    expect(seen.split('\n')).toContain('Terminating');
  } finally {
    await sb.stop();
  }
});
