// Conditions and the first-deploy sub-status as upstream writes them, seen with kubectl after
// `reconcile-once` passes at injected times (the sandbox's own controller off):
// - a first deploy leaves stableRevision (the ReplicaSet's pod-template-hash), an empty
//   podTemplateHash and zero replica counts (calculateRolloutStatus, rollout_status.go);
// - condition times stay at the release start: progressingStateTransition (rollout_progressing.go)
//   edits a copy of the condition, and SetRolloutCondition (pkg/util/condition.go) keeps
//   lastTransitionTime while the status is unchanged;
// - after a resume the message stays "Rollout has been paused…" until the next transition.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { DEPLOYMENT_YAML, GUIDE_PATCH, ok, ROLLOUT_YAML, startSandboxCommand } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kk-conditions-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const T = (s: number) => new Date(Date.UTC(2026, 10, 27, 10, 0, s));
const iso = (s: number) => T(s).toISOString().replace('.000Z', 'Z');

test('first deploy fields, condition times and the paused message, step by step', async () => {
  const sb = await startSandboxCommand(dir, ['--no-rollout-controller', '--pod-ready-delay', '0']);
  try {
    const kc = sb.kubeconfig;
    const kruise = (at: number, ...args: string[]) => runCli([...args, '--kubeconfig', kc], { now: () => T(at) });
    const once = async (at: number) => {
      const r = await kruise(at, 'rollout', 'reconcile-once', 'rollouts-demo');
      if (r.code !== 0) throw new Error(r.stderr);
      return JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
    };
    /** reconcile-once at `at` until the predicate holds (pods become ready in the sandbox's own time). */
    const onceUntil = async (at: number, predicate: (ro: any) => boolean) => {
      for (let i = 0; i < 50; i++) {
        const ro = await once(at);
        if (predicate(ro)) return ro;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('never got there');
    };
    const progressing = (ro: any) => ro.status.conditions.find((c: any) => c.type === 'Progressing');

    await ok(kc, ['apply', '-f', DEPLOYMENT_YAML]);
    await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=20s']);
    await ok(kc, ['apply', '-f', ROLLOUT_YAML]);
    let ro = await once(0);
    const rs = JSON.parse(await ok(kc, ['get', 'rs', '-l', 'app=demo', '-o', 'json'])).items[0];
    expect(ro.status.phase).toBe('Healthy');
    expect(ro.status.canaryStatus).toMatchObject({
      stableRevision: rs.metadata.labels['pod-template-hash'],
      podTemplateHash: '',
      canaryReplicas: 0,
      canaryReadyReplicas: 0,
      currentStepIndex: 3,
      currentStepState: 'Completed',
    });

    await ok(kc, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    ro = await onceUntil(10, (r) => r.status.canaryStatus?.currentStepState === 'StepPaused');
    expect(progressing(ro)).toMatchObject({ status: 'True', reason: 'InRolling', lastUpdateTime: iso(10), lastTransitionTime: iso(10) });

    expect((await kruise(20, 'rollout', 'pause', 'rollouts-demo')).code).toBe(0);
    ro = await once(20);
    expect(progressing(ro)).toMatchObject({
      reason: 'Paused',
      message: 'Rollout has been paused, you can resume it by kube-cli',
      lastUpdateTime: iso(10),
      lastTransitionTime: iso(10),
    });
    expect(ro.status.message).toBe('Rollout has been paused, you can resume it by kube-cli');

    expect((await kruise(30, 'rollout', 'resume', 'rollouts-demo')).code).toBe(0);
    // Back to InRolling with upstream's "" message: that pass writes the paused message unchanged
    // (one -o json line per pass is not printed; the run's status is the last pass's), and the next
    // pass of the same run — upstream's next reconcile — writes the step's line.
    const resumed = await kruise(30, 'rollout', 'reconcile-once', 'rollouts-demo', '-o', 'json');
    expect(JSON.parse(resumed.stdout)).toMatchObject({ passes: 2, from: 'StepPaused', to: 'StepPaused' });
    ro = JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
    expect(progressing(ro)).toMatchObject({
      reason: 'InRolling',
      lastUpdateTime: iso(10),
      lastTransitionTime: iso(10),
    });
    expect(ro.status.message).toBe('Rollout is in step(1/3), and you need manually confirm to enter the next step');

    // To the end: Progressing=False keeps the release-start times; Succeeded is new.
    expect((await kruise(40, 'rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    await onceUntil(40, (r) => r.status.canaryStatus?.currentStepIndex === 2 && r.status.canaryStatus.currentStepState === 'StepPaused');
    expect((await kruise(50, 'rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
    ro = await onceUntil(50, (r) => r.status.phase === 'Healthy');
    expect(progressing(ro)).toMatchObject({
      status: 'False',
      reason: 'Completed',
      message: 'Rollout progressing has been completed',
      lastUpdateTime: iso(10),
      lastTransitionTime: iso(10),
    });
    expect(ro.status.conditions.find((c: any) => c.type === 'Succeeded')).toMatchObject({
      status: 'True',
      lastUpdateTime: iso(50),
      lastTransitionTime: iso(50),
    });
  } finally {
    await sb.stop();
  }
});
