import { kubeTime } from '../../src/kube/time.js';
import { orphanHandBacks } from '../../src/reconcile/apply.js';
import { stepMessage } from '../../src/reconcile/messages.js';
import { reconcileRollout } from '../../src/reconcile/reconcile.js';
import { Annotation, CANARY_DEPLOYMENT_FINALIZER, Label } from '../../src/rollout/types.js';
import { at, T0, World } from './sim.js';

describe('reconcileRollout: the guide (10 replicas, steps 1 / 50% / 100%)', () => {
  it('first deploy is Healthy and Completed at once', () => {
    const w = new World();
    const plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'Initial', to: 'Healthy' });
    // Initial → Healthy and upstream's finalizer on the Rollout; the next pass (as upstream's next
    // reconcile) records the first deploy.
    // The Deployment gets upstream's workload-type label on the way.
    expect(plan.writes.map((x) => `${x.op} ${x.resource}`)).toEqual([
      'update deployments',
      'updateStatus rollouts',
      'update rollouts',
      'updateStatus rollouts',
    ]);
    expect(plan.writes[2]!.object.metadata.finalizers).toEqual(['rollouts.kruise.io/rollout']);
    expect(w.status.phase).toBe('Healthy');
    expect(w.status.message).toBe('workload deployment is completed');
    expect(w.sub).toMatchObject({
      currentStepIndex: 3,
      nextStepIndex: -1,
      currentStepState: 'Completed',
      // As upstream: no pods counted, no podTemplateHash outside a release.
      canaryReplicas: 0,
      canaryReadyReplicas: 0,
      podTemplateHash: '',
    });
    expect(w.sub.stableRevision).toBe(w.sub.canaryRevision);
    expect(w.sub.observedRolloutID).toBe(w.sub.canaryRevision);
    expect(w.status.currentStepIndex).toBe(3);
    expect(w.status.currentStepState).toBe('Completed');
    expect(w.status.observedGeneration).toBe(1);
    // Level-based: nothing more to do.
    expect(w.reconcile().writes).toEqual([]);
  });

  it('releases 1 → approve → 5 → approve → 10, then hands the Deployment back (Succeeded True)', () => {
    const w = new World();
    w.reconcile();
    const v1 = w.sub.canaryRevision;
    w.setVersion('version-2');
    expect(w.deployment.spec.paused).toBe(true);
    expect(w.deployment.metadata.labels?.[Label.stableRevision]).toBe(v1);

    let plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'Healthy', to: 'StepUpgrade' });
    // One state per pass (Progressing/Initializing, BeforeStepUpgrade/InRolling, StepUpgrade), then
    // the batch: the BatchRelease is created before the workload is touched, its status written after (§12, §13).
    expect(plan.writes.map((x) => `${x.op} ${x.resource}`)).toEqual([
      'updateStatus rollouts',
      'updateStatus rollouts',
      'updateStatus rollouts',
      'create batchreleases',
      'update deployments',
      'create replicasets',
      'update replicasets',
      // controller-revision-hash on each of the 10 pods (upstream's label patcher).
      ...Array.from({ length: 10 }, () => 'update pods'),
      'updateStatus batchreleases',
      'updateStatus rollouts',
    ]);
    expect(w.status.phase).toBe('Progressing');
    expect(w.condition('Progressing')).toMatchObject({ status: 'True', reason: 'InRolling', message: 'Rollout is in Progressing' });
    expect(w.status.message).toBe(stepMessage('upgrade', 1, 3));
    expect(w.sub).toMatchObject({ currentStepIndex: 1, nextStepIndex: 2, currentStepState: 'StepUpgrade', stableRevision: v1 });
    const d = w.deployment;
    expect(d.spec.paused).toBe(true);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.metadata.labels?.[Label.controlledByAdvancedDeployment]).toBe('true');
    expect(JSON.parse(d.metadata.annotations![Annotation.deploymentStrategy]!)).toMatchObject({
      rollingStyle: 'Partition',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      partition: 1,
    });
    // control-info names the BatchRelease (upstream's BuildReleaseControlInfo); the uid is filled in
    // by the applier from the create that precedes this write, which the pure plan cannot know.
    expect(JSON.parse(d.metadata.annotations![Annotation.controlInfo]!)).toMatchObject({ kind: 'BatchRelease', name: 'rollouts-demo' });
    expect(w.updated()).toEqual({ total: 1, ready: 0 });
    expect(w.rss.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0)).toBe(10);

    // Not ready yet: nothing moves.
    plan = w.reconcile();
    expect(w.sub.currentStepState).toBe('StepUpgrade');
    w.readyAll();
    plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'StepUpgrade', to: 'StepPaused' });
    expect(plan.summary).toBe('step 1/3 StepUpgrade -> StepPaused');
    expect(w.status.message).toBe(stepMessage('manual', 1, 3));
    expect(w.sub).toMatchObject({
      canaryReplicas: 1,
      canaryReadyReplicas: 1,
      message: `BatchRelease is at state Ready, rollout-id ${w.sub.canaryRevision}, step 1`,
    });
    const labelled = w.pods.filter((p) => p.metadata.labels?.[Label.rolloutId]);
    expect(labelled.map((p) => p.metadata.labels?.[Label.batchId])).toEqual(['1']);
    expect(JSON.parse(w.deployment.metadata.annotations![Annotation.deploymentExtraStatus]!)).toEqual({
      updatedReadyReplicas: 1,
      expectedUpdatedReplicas: 1,
    });
    expect(w.reconcile().writes).toEqual([]);

    w.approve();
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepIndex: 2, nextStepIndex: 3, currentStepState: 'StepUpgrade' });
    // New pods first, within maxSurge (3 of 10): 4 updated next to the 9 old ones.
    expect(w.updated().total).toBe(4);
    expect(w.pods).toHaveLength(13);
    w.rollUntil(() => w.sub.currentStepState !== 'StepUpgrade');
    expect(w.sub.currentStepState).toBe('StepPaused');
    expect(w.updated().total).toBe(5);
    expect(w.pods.filter((p) => p.metadata.labels?.[Label.batchId] === '2')).toHaveLength(4);

    w.approve();
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepIndex: 3, nextStepIndex: -1, currentStepState: 'StepUpgrade' });
    expect(w.updated().total).toBe(8);
    plan = w.rollUntil(() => w.sub.currentStepState !== 'StepUpgrade');
    expect(plan.transition).toEqual({ from: 'StepUpgrade', to: 'Healthy' });
    expect(w.status.phase).toBe('Healthy');
    expect(w.sub).toMatchObject({ currentStepIndex: 3, currentStepState: 'Completed', canaryReplicas: 10, canaryReadyReplicas: 10 });
    expect(w.condition('Progressing')).toMatchObject({
      status: 'False',
      reason: 'Completed',
      message: 'Rollout progressing has been completed',
    });
    expect(w.condition('Succeeded')).toMatchObject({ status: 'True' });
    expect(w.status.message).toBe('Rollout progressing has been completed');
    const back = w.deployment;
    expect(back.spec.paused).toBe(false);
    expect(back.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    for (const k of [Label.controlledByAdvancedDeployment, Label.stableRevision]) expect(back.metadata.labels?.[k]).toBeUndefined();
    for (const k of [Annotation.inProgressing, Annotation.deploymentStrategy, Annotation.deploymentExtraStatus, Annotation.controlInfo])
      expect(back.metadata.annotations?.[k]).toBeUndefined();
    // The hand-back (ResumeWorkload) bumped the Deployment's generation: the finalising passes
    // after it recorded it, so nothing is left.
    expect(w.sub.observedWorkloadGeneration).toBe(w.deployment.metadata.generation);
    expect(w.reconcile().writes).toEqual([]);
  });

  it('goes through Completed, Finalising and its finalising steps to Healthy, one state per pass', () => {
    const w = new World({ rollout: (r) => (r.spec.strategy!.canary!.steps = [{ replicas: 1 }, { replicas: '100%' }]) });
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    expect(w.sub.currentStepState).toBe('StepPaused');
    w.approve();
    w.rollUntil(() => w.updated().total === 10);
    w.readyAll();
    const seen: string[] = [];
    const writesOf: Record<string, string[]> = {};
    for (let i = 0; i < 20 && w.status.phase !== 'Healthy'; i++) {
      const plan = w.pass();
      const state = `${w.status.phase} ${w.sub.currentStepState} ${w.sub.finalisingStep} ${w.condition('Progressing')?.reason}`;
      seen.push(state);
      writesOf[state] = plan.writes.filter((x) => x.resource !== 'rollouts' && x.resource !== 'pods').map((x) => `${x.op} ${x.resource}`);
    }
    expect(seen.slice(seen.indexOf('Progressing Completed  InRolling'))).toEqual([
      'Progressing Completed  InRolling',
      'Progressing Completed  Finalising',
      'Progressing Completed RestoreStableService Finalising',
      'Progressing Completed FinalisingStepRouteTrafficToStable Finalising',
      'Progressing Completed RemoveCanaryService Finalising',
      'Progressing Completed ResumeWorkload Finalising',
      'Progressing Completed ReleaseWorkloadControl Finalising',
      'Progressing Completed END Completed',
      'Healthy Completed END Completed',
    ]);
    // ResumeWorkload hands the Deployment back; ReleaseWorkloadControl deletes the BatchRelease.
    expect(writesOf['Progressing Completed ReleaseWorkloadControl Finalising']).toEqual(['update deployments']);
    expect(writesOf['Progressing Completed END Completed']).toEqual(['delete batchreleases']);
    expect(w.deployment.spec.paused).toBe(false);
  });
});

describe('reconcileRollout: pauses', () => {
  const twoSteps = (duration?: number) => (r: any) => {
    r.spec.strategy.canary.steps = [
      { replicas: 1, pause: duration === undefined ? {} : { duration } },
      { replicas: '50%' },
      { replicas: '100%' },
    ];
  };

  it('pause.duration 0 advances by itself', () => {
    const w = new World({ rollout: twoSteps(0) });
    w.reconcile();
    w.setVersion('version-2');
    w.reconcile();
    w.readyAll();
    const plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'StepUpgrade', to: 'StepUpgrade' });
    expect(w.sub).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepUpgrade' });
    // Batch 2 has begun: new pods within maxSurge.
    expect(w.updated().total).toBe(4);
  });

  it('pause {} waits for approval', () => {
    const w = new World({ rollout: twoSteps() });
    w.reconcile();
    w.setVersion('version-2');
    w.settle(at(1000));
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused' });
  });

  it('pause.duration N waits N seconds from lastUpdateTime, strictly after', () => {
    const w = new World({ rollout: twoSteps(30) });
    w.reconcile();
    w.setVersion('version-2');
    w.reconcile(at(0));
    w.readyAll();
    let plan = w.reconcile(at(10));
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused', lastUpdateTime: '2026-11-27T10:00:10Z' });
    expect(w.status.message).toBe(stepMessage('wait', 1, 3, 30));
    expect(plan.requeueAfterMs).toBe(30001);
    plan = w.reconcile(at(39, 999));
    expect(w.sub.currentStepState).toBe('StepPaused');
    expect(plan.requeueAfterMs).toBe(2);
    plan = w.reconcile(at(40));
    expect(w.sub.currentStepState).toBe('StepPaused');
    plan = w.reconcile(at(40, 1));
    expect(w.sub).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepUpgrade' });
    expect(plan.requeueAfterMs).toBeUndefined();
  });

  it('a last step of "100%" never waits, whatever its pause', () => {
    const w = new World({
      rollout: (r) =>
        (r.spec.strategy!.canary!.steps = [
          { replicas: 1, pause: { duration: 0 } },
          { replicas: '100%', pause: {} },
        ]),
    });
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    expect(w.status.phase).toBe('Healthy');
    expect(w.condition('Succeeded')?.status).toBe('True');
  });

  it('a last step below 100% waits for approval, then every pod is released', () => {
    const w = new World({ rollout: (r) => (r.spec.strategy!.canary!.steps = [{ replicas: 1 }, { replicas: '60%' }]) });
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.approve();
    w.settle();
    expect(w.sub).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused' });
    expect(w.updated().total).toBe(6);
    w.approve();
    w.settle();
    expect(w.status.phase).toBe('Healthy');
    expect(w.deployment.spec.paused).toBe(false);
    expect(w.updated().total).toBe(10);
  });
});

describe('reconcileRollout: batch sizes', () => {
  it.each([
    [10, '99%', 9],
    [10, '50%', 5],
    [10, 3, 3],
    [3, '80%', 2],
    [1, '50%', 1],
  ])('replicas %p, step %p → %p updated', (replicas, step, want) => {
    const w = new World({
      deployment: (d) => (d.spec.replicas = replicas),
      rollout: (r) => (r.spec.strategy!.canary!.steps = [{ replicas: step }, { replicas: '100%' }]),
    });
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    expect(w.updated().total).toBe(want);
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused', canaryReplicas: want });
  });

  it('scaling 10 → 20 at the 50% step gives 10 updated, and back to 10 gives 5', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.approve();
    w.settle();
    expect(w.updated().total).toBe(5);
    w.editDeployment((d) => (d.spec.replicas = 20));
    w.settle();
    expect(w.updated().total).toBe(10);
    expect(w.pods).toHaveLength(20);
    expect(w.sub).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused', canaryReplicas: 10 });
    w.editDeployment((d) => (d.spec.replicas = 10));
    w.settle();
    expect(w.updated().total).toBe(5);
    expect(w.pods).toHaveLength(10);
  });

  it('failureThreshold tolerates unready updated pods', () => {
    const w = new World({ rollout: (r) => (r.spec.strategy!.canary!.steps = [{ replicas: '50%' }, { replicas: '100%' }]) });
    w.reconcile();
    w.setVersion('version-2');
    w.reconcile();
    w.readyUpdated(3);
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepState: 'StepUpgrade', canaryReadyReplicas: 3 });
    // 20% of 5 updated = 1 tolerated: 3 + 1 < 5, still waiting; 40% = 2: 3 + 2 >= 5.
    w.editRollout((r) => (r.spec.strategy!.canary!.failureThreshold = '20%'));
    w.reconcile();
    expect(w.sub.currentStepState).toBe('StepUpgrade');
    w.editRollout((r) => (r.spec.strategy!.canary!.failureThreshold = '40%'));
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepState: 'StepPaused', canaryReplicas: 5, canaryReadyReplicas: 3 });
  });

  it('a batch with no ready updated pod is never ready, even with a large failureThreshold', () => {
    const w = new World({ rollout: (r) => (r.spec.strategy!.canary!.failureThreshold = '100%') });
    w.reconcile();
    w.setVersion('version-2');
    w.reconcile();
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepState: 'StepUpgrade', canaryReplicas: 1, canaryReadyReplicas: 0 });
  });
});

describe('reconcileRollout: changes mid-release', () => {
  it('continuous release v1 → v2 → v3 restarts at step 1, stable stays v1, v2 pods do not count', () => {
    const w = new World();
    w.reconcile();
    const v1 = w.sub.canaryRevision;
    w.setVersion('version-2');
    w.settle();
    w.approve();
    w.settle();
    expect(w.sub).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused', canaryReplicas: 5 });
    const v2 = w.sub.canaryRevision;
    w.setVersion('version-3');
    expect(w.deployment.metadata.labels?.[Label.stableRevision]).toBe(v1);
    const plan = w.reconcile();
    expect(w.condition('Progressing')).toMatchObject({ reason: 'InRolling' });
    expect(plan.transition.to).toBe('StepUpgrade');
    expect(w.sub).toMatchObject({ currentStepIndex: 1, nextStepIndex: 2, stableRevision: v1 });
    expect(w.sub.canaryRevision).not.toBe(v2);
    expect(w.updated().total).toBe(1);
    w.readyAll();
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused', canaryReplicas: 1 });
    expect(w.pods).toHaveLength(10);
  });

  it('rollback to v1 at step 2 cancels and hands back at once; Succeeded False; then Healthy', () => {
    const w = new World();
    w.reconcile();
    const v1 = w.sub.canaryRevision;
    w.setVersion('version-2');
    w.settle();
    w.approve();
    w.settle();
    w.setVersion('version-1');
    const plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'StepPaused', to: 'Healthy' });
    expect(w.status.phase).toBe('Healthy');
    expect(w.condition('Progressing')).toMatchObject({
      status: 'False',
      reason: 'Completed',
      message: 'Rollout progressing has been canceled',
    });
    expect(w.condition('Succeeded')?.status).toBe('False');
    expect(w.status.message).toBe('Rollout progressing has been canceled');
    expect(w.sub.canaryRevision).toBe(v1);
    expect(w.deployment.spec.paused).toBe(false);
    expect(w.deployment.metadata.annotations?.[Annotation.inProgressing]).toBeUndefined();
    w.readyAll();
    expect(w.updated().total).toBe(10);
    w.settle();
    expect(w.status.phase).toBe('Healthy');
  });

  it('pause freezes the machine, resume thaws it', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.editRollout((r) => (r.spec.strategy!.paused = true));
    w.approve();
    w.settle();
    expect(w.condition('Progressing')).toMatchObject({
      reason: 'Paused',
      message: 'Rollout has been paused, you can resume it by kube-cli',
    });
    expect(w.status.message).toBe('Rollout has been paused, you can resume it by kube-cli');
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepReady' });
    expect(w.updated().total).toBe(1);
    w.editRollout((r) => (r.spec.strategy!.paused = false));
    w.settle();
    expect(w.condition('Progressing')).toMatchObject({ reason: 'InRolling' });
    expect(w.sub).toMatchObject({ currentStepIndex: 2, currentStepState: 'StepPaused' });
    expect(w.updated().total).toBe(5);
  });

  it('disabled mid-release hands back (Disabling → Disabled); re-enabled is Healthy', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.editRollout((r) => (r.spec.disabled = true));
    const plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'StepPaused', to: 'Disabled' });
    expect(w.status.message).toBe('Rollout is disabled');
    expect(w.deployment.spec.paused).toBe(false);
    expect(w.deployment.metadata.labels?.[Label.controlledByAdvancedDeployment]).toBeUndefined();
    w.readyAll();
    expect(w.updated().total).toBe(10);
    // Disabled: a new template is not released in batches.
    w.setVersion('version-3');
    expect(w.deployment.spec.paused).toBeFalsy();
    w.editRollout((r) => (r.spec.disabled = false));
    w.settle();
    expect(w.status.phase).toBe('Healthy');
    expect(w.status.message).toBe('workload deployment is completed');
    expect(w.sub.currentStepState).toBe('Completed');
  });

  it('a template rolled out natively while disabled is recorded on re-enable, not released', () => {
    const w = new World();
    w.reconcile();
    w.editRollout((r) => (r.spec.disabled = true));
    w.reconcile();
    w.setVersion('version-2');
    w.readyAll();
    expect(w.updated().total).toBe(10);
    w.editRollout((r) => (r.spec.disabled = false));
    w.settle();
    expect(w.status.phase).toBe('Healthy');
    expect(w.sub).toMatchObject({ currentStepState: 'Completed', canaryReplicas: 0 });
    expect(w.sub.canaryRevision).toBe(w.sub.stableRevision);
    expect(w.deployment.spec.paused).toBeFalsy();
  });

  it('a Healthy rollout disabled goes straight to Disabled', () => {
    const w = new World();
    w.reconcile();
    w.editRollout((r) => (r.spec.disabled = true));
    const plan = w.reconcile();
    expect(plan.transition).toEqual({ from: 'Healthy', to: 'Disabled' });
    expect(plan.writes.map((x) => x.resource)).toEqual(['rollouts']);
  });

  it('nextStepIndex jumps forward, and jumping back keeps the updated pods', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.rollout.status!.canaryStatus!.nextStepIndex = 3;
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepIndex: 3, nextStepIndex: -1, currentStepState: 'StepUpgrade' });
    w.rollUntil(() => w.updated().total === 10);
    expect(w.sub.currentStepState).toBe('StepUpgrade');
    // Jump back to step 1 before step 3 finishes: the 10 updated pods stay.
    w.rollout.status!.canaryStatus!.nextStepIndex = 1;
    w.readyAll();
    w.reconcile();
    expect(w.sub).toMatchObject({ currentStepIndex: 1, nextStepIndex: 2, currentStepState: 'StepPaused' });
    expect(w.updated().total).toBe(10);
  });

  it('jumping back from step 2 to step 1 keeps 5 updated pods', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.approve();
    w.settle();
    w.rollout.status!.canaryStatus!.nextStepIndex = 1;
    w.settle();
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused', canaryReplicas: 5 });
    expect(w.updated().total).toBe(5);
  });

  it('steps edited mid-release re-target to the first step at least as large as the current batch', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.approve();
    w.settle(); // step 2 (5 pods), paused
    // The step count is immutable while progressing (admission); the content may change.
    w.editRollout((r) => (r.spec.strategy!.canary!.steps = [{ replicas: 1 }, { replicas: '60%' }, { replicas: '100%' }]));
    w.settle();
    expect(w.sub).toMatchObject({ currentStepIndex: 2, nextStepIndex: 3, currentStepState: 'StepPaused', canaryReplicas: 6 });
    expect(w.updated().total).toBe(6);
    // Shrinking the current step below the batch moves on to the first step that holds it.
    w.editRollout((r) => (r.spec.strategy!.canary!.steps = [{ replicas: 1 }, { replicas: '30%' }, { replicas: '100%' }]));
    w.settle();
    expect(w.sub).toMatchObject({ currentStepIndex: 3 });
    expect(w.status.phase).toBe('Healthy');
  });

  it('a new rollout-id on an unchanged template starts a release; the label names it, pods are labelled per batch', () => {
    const w = new World();
    w.reconcile();
    w.editDeployment((d) => {
      d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [Annotation.rolloutId]: 'r-2' };
      d.metadata.labels = { ...(d.metadata.labels ?? {}), [Label.rolloutId]: 'r-2' };
    });
    expect(w.deployment.metadata.annotations?.[Annotation.inProgressing]).toBeDefined();
    w.settle();
    expect(w.status.phase).toBe('Progressing');
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused', observedRolloutID: 'r-2' });
    // The template did not change: every pod is already "updated"; step 1 labels one of them.
    expect(w.pods.filter((p) => p.metadata.labels?.[Label.rolloutId] === 'r-2')).toHaveLength(1);
  });

  it('the annotation alone starts it (the webhook reads it) but does not name it: rollback-<revision>, as upstream', () => {
    const w = new World();
    w.reconcile();
    const revision = w.sub.canaryRevision;
    w.editDeployment((d) => (d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [Annotation.rolloutId]: 'r-2' }));
    w.settle();
    // Same template, so the stable revision is the template's: upstream's IsInRollback holds.
    expect(w.sub).toMatchObject({ currentStepIndex: 1, currentStepState: 'StepPaused', observedRolloutID: `rollback-${revision}` });
  });

  it('the rollout deleted mid-release hands the Deployment back and drops our finalizer', () => {
    const w = new World();
    w.rollout.metadata.finalizers = ['rollouts.kruise.io/rollout'];
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    w.rollout.metadata.deletionTimestamp = '2026-11-27T10:05:00Z';
    // First pass: phase Terminating, Terminating=True InTerminating, nothing else (upstream).
    const first = w.pass();
    expect(first.writes.map((x) => `${x.op} ${x.resource}`)).toEqual(['updateStatus rollouts']);
    expect(w.status.phase).toBe('Terminating');
    expect(w.condition('Terminating')).toMatchObject({ status: 'True', reason: 'InTerminating' });
    // Then the finalising tasks, the Completed condition, and the finalizer removal, a pass each.
    const plan = w.reconcile();
    // The in-progressing annotation goes first (upstream removeRolloutProgressingAnnotation), the
    // hand-back at ResumeWorkload, the BatchRelease at ReleaseWorkloadControl.
    expect(plan.writes.map((x) => `${x.op} ${x.resource}`).filter((x) => x !== 'updateStatus rollouts')).toEqual([
      'update deployments',
      'update deployments',
      'delete batchreleases',
      'update rollouts',
    ]);
    expect(w.condition('Terminating')).toMatchObject({ status: 'False', reason: 'Completed' });
    expect(w.deployment.spec.paused).toBe(false);
    expect(plan.writes.at(-1)!.object.metadata.finalizers).toEqual([]);
  });

  it('Workload Not Found', () => {
    const w = new World();
    const plan = reconcileRollout({ ...w.observed(), workload: undefined, replicaSets: [], pods: [] }, T0);
    expect(plan.status).toMatchObject({ phase: 'Initial', message: 'Workload Not Found' });
    expect(plan.status?.canaryStatus).toBeUndefined();
  });
});

describe('reconcileRollout: refused styles write only the refusal on the status', () => {
  it.each([
    [
      'a routing with neither an Ingress nor an HTTPRoute',
      (r: any) => (r.spec.strategy.canary.trafficRoutings = [{ service: 's' }]),
      /trafficRoutings\[0\] names neither an ingress nor a gateway httpRouteName/,
    ],
    [
      'customNetworkRefs',
      (r: any) =>
        (r.spec.strategy.canary.trafficRoutings = [
          { service: 's', customNetworkRefs: [{ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', name: 'v' }] },
        ]),
      /customNetworkRefs \(Lua-scripted providers such as Istio\) are not supported/,
    ],
    [
      'traffic routing for a CloneSet',
      (r: any) => {
        r.spec.workloadRef = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'x' };
        r.spec.strategy.canary.trafficRoutings = [{ service: 's', ingress: { name: 'i' } }];
      },
      /traffic routing is run for Deployment workloads only, not CloneSet/,
    ],
    [
      'trafficRoutingRef',
      (r: any) => (r.spec.strategy.canary.trafficRoutingRef = 'tr'),
      /trafficRoutingRef \(a TrafficRouting object\) is not supported/,
    ],
    [
      'an Ingress classType without a bundled script',
      (r: any) => (r.spec.strategy.canary.trafficRoutings = [{ service: 's', ingress: { name: 'i', classType: 'traefik' } }]),
      /ingress classType "traefik" has no bundled script/,
    ],
    [
      'canary style for a CloneSet',
      (r: any) => {
        r.spec.workloadRef = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'x' };
        r.spec.strategy.canary.enableExtraWorkloadForCanary = true;
      },
      /canary style \(enableExtraWorkloadForCanary: true\) is run for apps\/v1 Deployments only, not apps.kruise.io\/v1alpha1\/CloneSet/,
    ],
    [
      'blue-green for a StatefulSet',
      (r: any) => {
        r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'x' };
        r.spec.strategy = { blueGreen: { steps: [{ replicas: '50%' }] } };
      },
      /blue-green for apps\/v1\/StatefulSet is not supported; only apps\/v1 Deployment and apps.kruise.io CloneSet are/,
    ],
    [
      'native DaemonSet',
      (r: any) => (r.spec.workloadRef = { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x' }),
      /apps\/v1\/DaemonSet is not supported, as by Kruise Rollouts: only an apps.kruise.io \(Advanced\) DaemonSet is released/,
    ],
    [
      'Advanced DaemonSet with traffic routing',
      (r: any) => {
        r.spec.workloadRef = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'DaemonSet', name: 'x' };
        r.spec.strategy.canary.trafficRoutings = [{ service: 'svc', ingress: { name: 'ing' } }];
      },
      /traffic routing is run for Deployment workloads only, not DaemonSet/,
    ],
    [
      'a Job',
      (r: any) => (r.spec.workloadRef = { apiVersion: 'batch/v1', kind: 'Job', name: 'x' }),
      /batch\/v1\/Job is not supported by the embedded controller yet; only apps\/v1 Deployment and StatefulSet, and apps.kruise.io CloneSet, StatefulSet and DaemonSet are/,
    ],
    [
      'a bad step',
      (r: any) => (r.spec.strategy.canary.steps[1].replicas = 'half'),
      /steps\[1\]\.replicas "half" is not a number or a percentage/,
    ],
  ])('%s', (_name, change, message) => {
    const w = new World({ rollout: change as any });
    const plan = reconcileRollout(w.observed(), T0);
    expect(plan.writes.map((x) => `${x.op} ${x.resource}`)).toEqual(['updateStatus rollouts']);
    expect(plan.refused).toMatch(message);
    expect(plan.refused).toMatch(/; its workload rolls natively$/);
    expect(plan.status?.message).toBe(`Rollout is not handled: ${plan.refused}`);
    expect(plan.status?.conditions).toEqual([
      {
        type: 'Supported',
        status: 'False',
        reason: 'Unsupported',
        message: plan.status?.message,
        lastUpdateTime: kubeTime(T0),
        lastTransitionTime: kubeTime(T0),
      },
    ]);
    // Once written, the same refusal writes nothing more.
    const again = reconcileRollout({ ...w.observed(), rollout: { ...w.observed().rollout, status: plan.status } }, T0);
    expect(again.writes).toEqual([]);
  });
});

describe('orphanHandBacks', () => {
  it('frees a Deployment whose Rollout is gone, and leaves others alone', () => {
    const w = new World();
    w.reconcile();
    w.setVersion('version-2');
    w.settle();
    const state = { rollouts: [w.rollout], deployments: [w.deployment], replicaSets: w.rss, pods: w.pods };
    expect(orphanHandBacks(state)).toEqual([]);
    const writes = orphanHandBacks({ ...state, rollouts: [] });
    expect(writes).toHaveLength(1);
    expect(writes[0]!.object.spec).toMatchObject({ paused: false, strategy: { type: 'RollingUpdate' } });
    expect(writes[0]!.object.metadata.annotations?.[Annotation.inProgressing]).toBeUndefined();
    expect(writes[0]!.object.metadata.resourceVersion).toBe(w.deployment.metadata.resourceVersion);
  });

  it('lets a canary Deployment being deleted go (its finalizer) once no Rollout names its stable Deployment', () => {
    const w = new World();
    const canary = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: `${w.deployment.metadata.name}-abc`,
        namespace: w.deployment.metadata.namespace,
        resourceVersion: '7',
        labels: { [Label.canaryDeployment]: w.deployment.metadata.name! },
        finalizers: [CANARY_DEPLOYMENT_FINALIZER],
        deletionTimestamp: '2026-01-15T12:00:00Z',
      },
      spec: structuredClone(w.deployment.spec),
    };
    const state = { rollouts: [w.rollout], deployments: [w.deployment, canary], replicaSets: [], pods: [] };
    expect(orphanHandBacks(state)).toEqual([]);
    const writes = orphanHandBacks({ ...state, rollouts: [] });
    expect(writes.map((x) => [x.op, x.object.metadata.name, x.object.metadata.finalizers, x.object.metadata.resourceVersion])).toEqual([
      ['update', canary.metadata.name, [], '7'],
    ]);
    // Not being deleted: a live canary is left alone.
    const live = { ...canary, metadata: { ...canary.metadata, deletionTimestamp: undefined } };
    expect(orphanHandBacks({ ...state, deployments: [w.deployment, live], rollouts: [] })).toEqual([]);
  });
});
