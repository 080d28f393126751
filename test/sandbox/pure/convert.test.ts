import type { KubeObject } from '../../../src/kube/types.js';
import type { Rollout } from '../../../src/rollout/types.js';
import { rolloutFromStorage, rolloutToStorage, V1BETA1_STASH_ANNOTATION } from '../../../src/sandbox/convert.js';
import { clone, loadExample } from './controllers-sim.js';

const ALPHA = ['e2e_rollout_canary_base.yaml', 'rollouts-demo-object-dump-v1alpha1.yaml', 'docs_basic-usage_rollout_v1alpha1.yaml'];
const BETA = [
  'docs_basic-usage_rollout_v1beta1.yaml',
  'e2e_rollout_v1beta1_canary_base.yaml',
  'e2e_rollout_v1beta1_partition_base.yaml',
  'e2e_rollout_v1beta1_bluegreen_base.yaml',
  'e2e_rollout_v1beta1_bluegreen_cloneset_base.yaml',
  'e2e_rollout_v1beta1_native_daemonset_base.yaml',
];

const rollouts = (file: string): KubeObject[] => loadExample(file).filter((d) => d.kind === 'Rollout');

/** What upstream's conversion makes explicit on the way back down: the style annotation and replicas from weight. */
function normalizedAlpha(obj: any): any {
  const out = clone(obj);
  delete out.spec.rolloutID;
  const kind = out.spec.objectRef.workloadRef.kind;
  const style = out.metadata.annotations?.['rollouts.kruise.io/rolling-style'] ?? (kind === 'Deployment' ? 'canary' : 'partition');
  out.metadata.annotations = { ...(out.metadata.annotations ?? {}), 'rollouts.kruise.io/rolling-style': style };
  for (const s of out.spec.strategy.canary.steps) if (s.replicas === undefined && s.weight !== undefined) s.replicas = `${s.weight}%`;
  return out;
}

describe('Rollout conversion', () => {
  it.each(ALPHA)('v1alpha1 %s → storage → v1alpha1 keeps everything (made explicit as upstream)', (file) => {
    for (const alpha of rollouts(file)) {
      const frozen = JSON.stringify(alpha);
      const stored = rolloutToStorage(alpha);
      expect(JSON.stringify(alpha)).toBe(frozen);
      expect(stored.apiVersion).toBe('rollouts.kruise.io/v1beta1');
      expect(rolloutFromStorage(stored, 'v1alpha1')).toEqual(normalizedAlpha(alpha));
      // And storage is a fixed point.
      expect(rolloutToStorage(rolloutFromStorage(stored, 'v1alpha1'))).toEqual(stored);
    }
  });

  it.each(BETA)('v1beta1 %s → v1alpha1 → storage is lossless', (file) => {
    for (const beta of rollouts(file)) {
      const stored = rolloutToStorage(beta);
      expect(stored).toEqual(beta);
      const alpha = rolloutFromStorage(stored, 'v1alpha1');
      expect(alpha.apiVersion).toBe('rollouts.kruise.io/v1alpha1');
      expect(alpha.spec.workloadRef).toBeUndefined();
      expect(alpha.spec.objectRef.workloadRef).toEqual(beta.spec.workloadRef);
      // Go's omitempty: an explicit `enableExtraWorkloadForCanary: false` comes back absent (same meaning).
      const expected = clone(beta);
      if (expected.spec.strategy.canary?.enableExtraWorkloadForCanary === false)
        delete expected.spec.strategy.canary.enableExtraWorkloadForCanary;
      expect(rolloutToStorage(alpha)).toEqual(expected);
      expect(alpha.metadata.annotations?.[V1BETA1_STASH_ANNOTATION] === undefined).toBe(!beta.spec.strategy.blueGreen);
    }
  });

  it('v1alpha1 fields map to their v1beta1 names', () => {
    const [alpha] = rollouts('e2e_rollout_canary_base.yaml');
    const stored = rolloutToStorage(alpha!) as any;
    expect(stored.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'echoserver' });
    expect(stored.spec.objectRef).toBeUndefined();
    expect(stored.spec.strategy.canary.enableExtraWorkloadForCanary).toBe(true); // a Deployment defaults to canary
    expect(stored.spec.strategy.canary.steps[0]).toEqual({ traffic: '20%', replicas: '20%', pause: {} });
    expect(stored.spec.strategy.canary.steps[4]).toEqual({ traffic: '100%', replicas: '100%', pause: { duration: 0 } });
  });

  it.each<[string, string | undefined, string, boolean]>([
    ['partition annotation', 'partition', 'Deployment', false],
    ['canary annotation', 'canary', 'Deployment', true],
    ['no annotation, Deployment', undefined, 'Deployment', true],
    ['no annotation, CloneSet', undefined, 'CloneSet', false],
    ['canary annotation, CloneSet', 'canary', 'CloneSet', true],
  ])('rolling style: %s → enableExtraWorkloadForCanary', (_n, style, kind, expected) => {
    const [alpha] = rollouts('docs_basic-usage_rollout_v1alpha1.yaml') as any[];
    alpha.spec.objectRef.workloadRef.kind = kind;
    if (style) alpha.metadata.annotations['rollouts.kruise.io/rolling-style'] = style;
    else delete alpha.metadata.annotations;
    const stored = rolloutToStorage(alpha) as any;
    expect(stored.spec.strategy.canary.enableExtraWorkloadForCanary ?? false).toBe(expected);
    expect(stored.metadata.annotations?.['rollouts.kruise.io/rolling-style']).toBeUndefined();
    expect(rolloutFromStorage(stored, 'v1alpha1').metadata.annotations!['rollouts.kruise.io/rolling-style']).toBe(
      expected ? 'canary' : 'partition',
    );
  });

  it('trafficrouting annotation ⇄ trafficRoutingRef; rolloutID is dropped', () => {
    const [alpha] = rollouts('docs_basic-usage_rollout_v1alpha1.yaml') as any[];
    alpha.metadata.annotations['rollouts.kruise.io/trafficrouting'] = 'tr-demo';
    alpha.spec.rolloutID = 'r1';
    const stored = rolloutToStorage(alpha) as any;
    expect(stored.spec.strategy.canary.trafficRoutingRef).toBe('tr-demo');
    expect(stored.spec.rolloutID).toBeUndefined();
    expect(stored.metadata.annotations).toBeUndefined();
    const down = rolloutFromStorage(stored, 'v1alpha1') as any;
    expect(down.metadata.annotations['rollouts.kruise.io/trafficrouting']).toBe('tr-demo');
    expect(down.spec.strategy.canary.trafficRoutingRef).toBeUndefined();
    expect(down.spec.strategy.canary.enableExtraWorkloadForCanary).toBeUndefined();
  });

  it('status: the v1beta1 mirror comes from canaryStatus going up and is dropped going down', () => {
    const [alpha] = rollouts('rollouts-demo-object-dump-v1alpha1.yaml');
    const stored = rolloutToStorage(alpha!);
    expect(stored.status!.currentStepIndex).toBe(2);
    expect(stored.status!.currentStepState).toBe('Completed');
    const down = rolloutFromStorage(stored, 'v1alpha1');
    expect(down.status.currentStepIndex).toBeUndefined();
    expect(down.status.currentStepState).toBeUndefined();
  });

  const progressing = (): Rollout => {
    const [beta] = rollouts('docs_basic-usage_rollout_v1beta1.yaml') as Rollout[];
    beta!.status = {
      phase: 'Progressing',
      currentStepIndex: 1,
      currentStepState: 'BeforeStepUpgrade',
      canaryStatus: {
        currentStepIndex: 1,
        currentStepState: 'BeforeStepUpgrade',
        nextStepIndex: 2,
        canaryRevision: 'abc',
        podTemplateHash: '',
        finalisingStep: '',
        canaryReplicas: 0,
        canaryReadyReplicas: 0,
      },
    };
    return beta!;
  };

  it('BeforeStepUpgrade reads as StepUpgrade in v1alpha1 and survives a write back', () => {
    const stored = progressing();
    const down = rolloutFromStorage(stored, 'v1alpha1');
    expect(down.status.canaryStatus.currentStepState).toBe('StepUpgrade');
    expect(rolloutToStorage(down)).toEqual(stored);
    // A v1alpha1 client that moved the step on is not overridden.
    const moved = clone(down);
    moved.status.canaryStatus.currentStepState = 'StepPaused';
    const up = rolloutToStorage(moved);
    expect(up.status!.canaryStatus!.currentStepState).toBe('StepPaused');
    expect(up.status!.currentStepState).toBe('StepPaused');
  });

  it('blueGreen travels in an annotation of the v1alpha1 view and is restored', () => {
    const [beta] = rollouts('e2e_rollout_v1beta1_bluegreen_base.yaml') as Rollout[];
    beta!.status = {
      phase: 'Progressing',
      currentStepIndex: 1,
      currentStepState: 'StepPaused',
      blueGreenStatus: { currentStepIndex: 1, currentStepState: 'StepPaused', updatedRevision: 'x' },
    };
    const down = rolloutFromStorage(beta!, 'v1alpha1');
    expect(down.spec.strategy.blueGreen).toBeUndefined();
    expect(down.status.blueGreenStatus).toBeUndefined();
    expect(JSON.parse(down.metadata.annotations![V1BETA1_STASH_ANNOTATION]!).blueGreen).toEqual(beta!.spec.strategy!.blueGreen);
    expect(rolloutToStorage(down)).toEqual(beta);
  });

  it('v1beta1 in stays as it is', () => {
    const [beta] = rollouts('e2e_rollout_v1beta1_partition_base.yaml');
    expect(rolloutFromStorage(rolloutToStorage(beta!), 'v1beta1')).toEqual(beta);
  });
});
