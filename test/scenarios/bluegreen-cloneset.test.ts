// A blue-green release of an OpenKruise CloneSet (docs/controller.md §19) with the sandbox's own
// controller loop: upstream's e2e CloneSet (maxSurge 1, maxUnavailable 0) and its blue-green base
// Rollout (three steps of 100%; traffic routing is run for Deployments only, so it is dropped):
// the green pods are added next to the blue ones, approve moves the steps, the cut-over (or a
// rollback) removes one side and restores the CloneSet's update strategy.
import type { KubeObject } from '../../src/kube/types.js';
import type { CloneSet } from '../../src/workload/cloneset.js';
import type { Pod } from '../../src/workload/types.js';
import { availableKubectls } from '../conformance/harness.js';
import { examplePath } from '../fixtures/load.js';
import { kubectlOk, loadExample, setCloneSetVersion, until } from './helpers.js';
import { loopEnv } from './loop-env.js';

const kubectl = availableKubectls()[0];
const describeWithKubectl = kubectl ? describe : describe.skip;
const MAX_READY_SECONDS = 2147483646;

describeWithKubectl('blue-green release of a CloneSet', () => {
  const h = loopEnv(kubectl!, { rollout: 'rollouts-demo', podReadyDelayMs: 0 });
  const { files, watch, approve } = h;

  const cloneSet = () => h.env.sb.store.get<CloneSet>('clonesets.apps.kruise.io', 'default', 'echoserver')!;
  const isReady = (p: Pod) => Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  /** Live and ready pods per NODE_NAME. */
  const sides = () => {
    const out: Record<string, string> = {};
    for (const p of h.env.sb.store.list<Pod>('pods', { namespace: 'default' }).filter((x) => !x.metadata.deletionTimestamp)) {
      const v = ((p.spec as any).containers[0].env ?? []).find((e: any) => e.name === 'NODE_NAME')?.value ?? 'version1';
      const [all, ready] = (out[v] ?? '0/0').split('/').map(Number);
      out[v] = `${all! + 1}/${ready! + (isReady(p) ? 1 : 0)}`;
    }
    return out;
  };
  const strategyOf = (cs: CloneSet) => ({ updateStrategy: cs.spec.updateStrategy, minReadySeconds: cs.spec.minReadySeconds });
  const setUp = async () => {
    await kubectlOk(h.env, ['apply', '-f', examplePath('e2e_cloneset.yaml')]);
    await until(h.env.sb, '5 ready pods', () => sides().version1 === '5/5');
    const ro = loadExample('e2e_rollout_v1beta1_bluegreen_cloneset_base.yaml');
    delete ro.spec.strategy.blueGreen.trafficRoutings;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
    return strategyOf(cloneSet());
  };

  test('three steps of 100%: both sides at full size, approve each, cut-over to green, the strategy restored', async () => {
    const original = await setUp();
    await setCloneSetVersion(h.env, 'version2');
    await watch('--until', 'paused', '--step', '1');
    await until(h.env.sb, 'both sides', () => sides().version2 === '5/5');
    expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });
    const cs = cloneSet();
    expect(cs.spec.minReadySeconds).toBe(MAX_READY_SECONDS);
    expect(cs.spec.updateStrategy).toMatchObject({ maxSurge: '100%', maxUnavailable: 0, paused: false });
    expect(cs.spec.updateStrategy?.partition).toBeUndefined();
    expect(JSON.parse(cs.metadata.annotations!['rollouts.kruise.io/original-deployment-strategy']!)).toEqual({
      maxUnavailable: 0,
      maxSurge: 1,
    });
    const ro = h.env.sb.store.get<KubeObject & { status?: any }>('rollouts', 'default', 'rollouts-demo')!;
    expect(ro.status.blueGreenStatus).toMatchObject({ currentStepIndex: 1, updatedReplicas: 5, updatedReadyReplicas: 5 });

    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect(sides()).toEqual({ version1: '5/5', version2: '5/5' });
    await approve(2);
    await watch('--until', 'paused', '--step', '3');
    await approve(3);
    await watch('--until', 'completed');
    await until(h.env.sb, 'blue gone', () => JSON.stringify(sides()) === JSON.stringify({ version2: '5/5' }));
    const end = cloneSet();
    expect({ ...strategyOf(end), updateStrategy: { ...end.spec.updateStrategy, paused: undefined } }).toEqual({
      ...original,
      updateStrategy: { ...original.updateStrategy, paused: undefined },
    });
    expect(end.metadata.annotations?.['rollouts.kruise.io/original-deployment-strategy']).toBeUndefined();
    expect(end.metadata.annotations?.['batchrelease.rollouts.kruise.io/control-info']).toBeUndefined();
  });

  test('rollback at step 1: the green side goes, blue stays, the strategy restored', async () => {
    const original = await setUp();
    await setCloneSetVersion(h.env, 'version2');
    await watch('--until', 'paused', '--step', '1');
    await until(h.env.sb, 'both sides', () => sides().version2 === '5/5');
    // Back to the stable template exactly: re-apply the original object.
    await kubectlOk(h.env, ['apply', '-f', examplePath('e2e_cloneset.yaml')]);
    await until(
      h.env.sb,
      'the rollback to finish',
      () =>
        (h.env.sb.store.get<KubeObject & { status?: any }>('rollouts', 'default', 'rollouts-demo')!.status?.phase ?? '') === 'Healthy' &&
        JSON.stringify(sides()) === JSON.stringify({ version1: '5/5' }),
      15_000,
    );
    const end = cloneSet();
    expect(end.spec.minReadySeconds).toEqual(original.minReadySeconds);
    expect(end.spec.updateStrategy).toMatchObject({ maxSurge: 1, maxUnavailable: 0 });
  });
});
