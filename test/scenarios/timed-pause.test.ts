// Scenario 3: `pause.duration: N` on a sandbox WITHOUT the controller loop, driven by
// `rollout reconcile-once` with an injected clock: the step does not move on at lastUpdateTime + N,
// and does strictly after it. The clock is far from the wall clock, so only the injected one counts.

import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { Pod, ReplicaSet } from '../../src/workload/types.js';
import { runCli } from '../helpers/cli.js';
import { expectPods, GUIDE_PATCH, loadExample, readyVersions, rolloutOf, rolloutWithSteps, send, until } from './helpers.js';

describe('pause.duration with reconcile-once and an injected clock', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
  });
  afterEach(async () => {
    await sb.close();
  });

  test('3. waits N seconds after lastUpdateTime: not at +N, yes strictly after', async () => {
    const N = 30;
    // Noon, while the wall clock is whatever it is: a pass on the wall clock would move on at once.
    const t0 = Date.parse('2026-01-15T12:00:00Z');
    const once = (at: number) => runCli(['rollout', 'reconcile-once', 'rollouts-demo', '--server', sb.url], { now: () => new Date(at) });
    await send(sb, 'POST', '/apis/apps/v1/namespaces/default/deployments', loadExample('docs_basic-usage_deployment_workload-demo.yaml'));
    await until(sb, '10 ready v1 pods', () => readyVersions(sb)['version-1'] === 10);
    await send(
      sb,
      'POST',
      '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
      rolloutWithSteps([{ replicas: 1, pause: { duration: N } }, { replicas: '50%' }, { replicas: '100%' }]),
    );
    expect((await once(t0)).stdout).toBe(
      'rollouts-demo: Initial -> Healthy (3 passes; writes: deployments/workload-demo, rollouts/status ×2, rollouts/rollouts-demo)\n',
    );

    await send(
      sb,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/workload-demo',
      GUIDE_PATCH,
      'application/strategic-merge-patch+json',
    );
    // Release batch 1, then pass again until the step waits (each pass is one step of the machine).
    for (let i = 0; i < 6 && rolloutOf(sb).status?.canaryStatus?.currentStepState !== 'StepPaused'; i++) {
      const r = await once(t0);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      await until(sb, '1 ready v2 pod', () => readyVersions(sb)['version-2'] === 1);
    }
    const paused = rolloutOf(sb).status!;
    expect(paused.canaryStatus).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused' });
    expect(paused.message).toBe(`Rollout is in step(1/3), and wait duration(${N} seconds) to enter the next step`);
    const since = Date.parse(paused.canaryStatus!.lastUpdateTime!);
    expect(since).toBe(t0); // written from the injected clock

    for (const at of [since + 1_000, since + (N - 1) * 1000 + 999, since + N * 1000]) {
      const r = await once(at);
      expect(r.code).toBe(0);
      expect(rolloutOf(sb).status!.canaryStatus).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused' });
    }
    // Strictly after lastUpdateTime + N: the step moves on by itself, and the release stops at
    // step 2, which waits for approval.
    const after = since + N * 1000 + 1;
    const r = await once(after);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(rolloutOf(sb).status!.canaryStatus!.currentStepState).not.toBe('StepPaused');
    for (
      let i = 0;
      i < 8 &&
      !(
        rolloutOf(sb).status?.canaryStatus?.currentStepIndex === 2 && rolloutOf(sb).status?.canaryStatus?.currentStepState === 'StepPaused'
      );
      i++
    ) {
      expect((await once(after)).code).toBe(0);
      await until(
        sb,
        'every ReplicaSet at its size with ready pods (a batch takes several passes)',
        () =>
          sb.store
            .list<Pod>('pods', { namespace: 'default' })
            .every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) &&
          sb.store.list<ReplicaSet>('replicasets', { namespace: 'default' }).every((rs) => rs.status?.replicas === rs.spec.replicas),
      );
    }
    expect(rolloutOf(sb).status).toMatchObject({
      message: 'Rollout is in step(2/3), and you need manually confirm to enter the next step',
      canaryStatus: { currentStepIndex: 2, currentStepState: 'StepPaused' },
    });
    await expectPods(sb, { 'version-1': 5, 'version-2': 5 });
    // A pass much later still waits at the manual step.
    await once(after + 3600_000);
    expect(rolloutOf(sb).status!.canaryStatus).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused' });
  });
});
