// Transient states are visible: `kubectl get rollout -w` during the guide's release, a disable and
// a deletion shows upstream's intermediate states in upstream's order, because the controller
// writes one state change per status write as upstream's reconcile does (docs/controller.md §6–§8,
// §11); and `reconcile-once` still takes a fresh release to where it waits in one run.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableKubectls } from '../conformance/harness.js';
import { runCli } from '../helpers/cli.js';
import { DEPLOYMENT_YAML, GUIDE_PATCH, ok, ROLLOUT_YAML, runKubectl, startSandboxCommand, versionPatch } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kk-transient-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// phase|currentStepIndex|currentStepState|finalisingStep|Progressing reason|Terminating reason
const JSONPATH =
  'jsonpath={.status.phase}|{.status.currentStepIndex}|{.status.currentStepState}|{.status.canaryStatus.finalisingStep}|' +
  '{.status.conditions[?(@.type=="Progressing")].reason}|{.status.conditions[?(@.type=="Terminating")].reason}{"\\n"}';

/** `kubectl get rollout -w` with the tuple above; `lines()` is what it printed, consecutive repeats dropped. */
function watchRollout(kc: string): { lines(): string[]; stop(): void } {
  const watch: ChildProcess = spawn(availableKubectls()[0]!.path, [
    '--kubeconfig',
    kc,
    'get',
    'rollout',
    'rollouts-demo',
    '-w',
    '-o',
    JSONPATH,
  ]);
  let out = '';
  watch.stdout!.on('data', (d) => (out += d));
  return {
    lines: () => out.split('\n').filter((l, i, all) => l !== '' && l !== all[i - 1]),
    stop: () => watch.kill(),
  };
}

/** Polls `kubectl get rollout -o json` until the predicate holds (bounded). */
async function waitFor(kc: string, what: string, predicate: (ro: any) => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await runKubectl(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']);
    if (r.code === 0 && predicate(JSON.parse(r.stdout))) return;
    if (r.code !== 0 && what === 'gone' && /NotFound/.test(r.stderr)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never reached ${what}`);
}

/** The index of each expected line in `lines`, in order; fails with the whole sequence when one is missing. */
function expectInOrder(lines: string[], expected: string[]): void {
  let at = 0;
  for (const want of expected) {
    const i = lines.indexOf(want, at);
    if (i < 0) throw new Error(`missing (in order) ${want}\nafter position ${at} of:\n${lines.join('\n')}`);
    at = i + 1;
  }
}

const paused = (step: number) => (ro: any) =>
  ro.status?.canaryStatus?.currentStepIndex === step && ro.status?.currentStepState === 'StepPaused';

test('kubectl get rollout -w shows upstream intermediate states: release, finalising steps, disabling, terminating', async () => {
  const sb = await startSandboxCommand(dir);
  const kc = sb.kubeconfig;
  let watch: { lines(): string[]; stop(): void } | undefined;
  try {
    await ok(kc, ['apply', '-f', DEPLOYMENT_YAML]);
    await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=20s']);
    await ok(kc, ['apply', '-f', ROLLOUT_YAML]);
    await waitFor(kc, 'Healthy', (ro) => ro.status?.phase === 'Healthy' && ro.status?.currentStepState === 'Completed');
    watch = watchRollout(kc);
    for (let i = 0; i < 200 && watch.lines().length === 0; i++) await new Promise((r) => setTimeout(r, 20));

    // The guide's release, approved through its three steps.
    await ok(kc, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    for (const step of [1, 2]) {
      await waitFor(kc, `step ${step} paused`, paused(step));
      const r = await runCli(['rollout', 'approve', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(r.code).toBe(0);
    }
    await waitFor(
      kc,
      'Healthy after the release',
      (ro) => ro.status?.phase === 'Healthy' && ro.status?.canaryStatus?.finalisingStep === 'END',
    );

    // A second release, disabled at its first pause, then enabled again.
    await ok(kc, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-3')]);
    await waitFor(kc, 'second release paused', paused(1));
    await ok(kc, ['patch', 'rollout', 'rollouts-demo', '--type', 'merge', '-p', '{"spec":{"disabled":true}}']);
    await waitFor(kc, 'Disabled', (ro) => ro.status?.phase === 'Disabled');
    await ok(kc, ['patch', 'rollout', 'rollouts-demo', '--type', 'merge', '-p', '{"spec":{"disabled":false}}']);
    await waitFor(kc, 'Healthy again', (ro) => ro.status?.phase === 'Healthy');

    // Deletion.
    await ok(kc, ['delete', 'rollout', 'rollouts-demo', '--wait=false']);
    await waitFor(kc, 'gone', () => false);
    for (let i = 0; i < 100 && !watch.lines().some((l) => l.endsWith('|Completed') && l.startsWith('Terminating')); i++)
      await new Promise((r) => setTimeout(r, 20));
    const lines = watch.lines();
    expectInOrder(lines, [
      // Healthy → Progressing (Initializing) → the sub-status, InRolling → step 1's states one write each.
      'Healthy|3|Completed|||',
      'Progressing|3|Completed||Initializing|',
      'Progressing|1|BeforeStepUpgrade||InRolling|',
      'Progressing|1|StepUpgrade||InRolling|',
      'Progressing|1|StepTrafficRouting||InRolling|',
      'Progressing|1|StepMetricsAnalysis||InRolling|',
      'Progressing|1|StepPaused||InRolling|',
      'Progressing|1|StepReady||InRolling|',
      'Progressing|2|BeforeStepUpgrade||InRolling|',
      'Progressing|2|StepUpgrade||InRolling|',
      'Progressing|2|StepPaused||InRolling|',
      'Progressing|3|BeforeStepUpgrade||InRolling|',
      'Progressing|3|StepUpgrade||InRolling|',
      // 100% of the replicas: upstream skips StepTrafficRouting.
      'Progressing|3|StepMetricsAnalysis||InRolling|',
      'Progressing|3|StepReady||InRolling|',
      'Progressing|3|Completed||InRolling|',
      // Upstream's finalising steps (rollout_canary.go nextCanaryTask), one per reconcile, to END.
      'Progressing|3|Completed||Finalising|',
      'Progressing|3|Completed|RestoreStableService|Finalising|',
      'Progressing|3|Completed|FinalisingStepRouteTrafficToStable|Finalising|',
      'Progressing|3|Completed|RemoveCanaryService|Finalising|',
      'Progressing|3|Completed|ResumeWorkload|Finalising|',
      'Progressing|3|Completed|ReleaseWorkloadControl|Finalising|',
      'Progressing|3|Completed|END|Completed|',
      'Healthy|3|Completed|END|Completed|',
      // The second release, disabled at step 1: Disabling runs the finalising steps, then Disabled.
      'Progressing|1|StepPaused||InRolling|',
      'Disabling|1|StepPaused||InRolling|',
      'Disabling|1|StepPaused|RestoreStableService|InRolling|',
      'Disabling|1|StepPaused|ReleaseWorkloadControl|InRolling|',
      'Disabled|1|StepPaused|END|InRolling|',
      'Healthy|1|StepPaused|END|InRolling|',
      // Deletion: Terminating InTerminating, then the Completed condition (then the finalizer goes).
      'Terminating|1|StepPaused|END|InRolling|InTerminating',
      'Terminating|1|StepPaused|END|InRolling|Completed',
    ]);
    // The step 2 pause never skipped StepTrafficRouting (50% of 10 is less than all replicas).
    expect(lines).toContain('Progressing|2|StepTrafficRouting||InRolling|');
  } finally {
    watch?.stop();
    await sb.stop();
  }
}, 60000);
