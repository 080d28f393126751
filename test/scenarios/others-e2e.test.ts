// Upstream's e2e group "Others" (openkruise/rollouts test/e2e/rollout_v1beta1_test.go, v0.6.2),
// replayed black-box against the sandbox with kubectl and our CLI: the pods' rollout-id and
// rollout-batch-id labels per batch — the normal case (Advanced StatefulSet), scaling 5 → 10
// during a 20%/40%/60%/100% CloneSet release, and releases whose only change is the rollout-id
// (at step 3, and after the first step). Upstream's CheckPodBatchLabel(id, batch, n) is `batches(id)[batch] === n`.
// The rollback case of the group is test/scenarios/rollback-in-batch.test.ts.
import { availableKubectls } from '../conformance/harness.js';
import { firstKubectl, kubectlOk, loadExample, setCloneSetVersion } from './helpers.js';
import { batchesOf, loopEnv } from './loop-env.js';

const kubectls = firstKubectl(availableKubectls());
const ID = 'rollouts.kruise.io/rollout-id';
/** rollout_v1beta1_partition_base.yaml's steps without traffic (timed pauses shortened to 1 s). */
const BASE_STEPS = [
  { replicas: '20%', pause: {} },
  { replicas: '40%', pause: {} },
  { replicas: '60%', pause: { duration: 1 } },
  { replicas: '80%', pause: { duration: 1 } },
  { replicas: '100%', pause: { duration: 0 } },
];
const MANUAL_STEPS = [
  { replicas: '20%' },
  { replicas: '40%' },
  { replicas: '60%' },
  { replicas: '80%' },
  { replicas: '100%', pause: { duration: 0 } },
];

describe.each(kubectls.map((k) => [k.label, k] as const))('upstream e2e "Others" with %s', (_label, kubectl) => {
  const h = loopEnv(kubectl, { watchTimeout: '20s' });
  const { files, kruise, watch, approve, pods } = h;

  /** Per batch, the pods labelled with `id` (CheckPodBatchLabel). */
  const batches = async (id: string): Promise<Record<string, number>> => batchesOf(await pods(), id);
  const rolloutStatus = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'echoserver', '-o', 'json'])).status;
  const createRollout = async (workloadRef: object, steps: unknown[], annotations: Record<string, string> = {}) => {
    const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
    ro.metadata.name = 'echoserver';
    ro.metadata.annotations = annotations;
    ro.spec.workloadRef = workloadRef;
    ro.spec.strategy.canary.steps = steps;
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
  };
  /** Upstream's workload object, created with `labels` (a rollout-id from the start). */
  const createWorkload = async (file: string, labels: Record<string, string> = {}) => {
    const w = loadExample(file);
    w.metadata.labels = { ...(w.metadata.labels ?? {}), ...labels };
    await kubectlOk(h.env, ['apply', '-f', files.write(file, w)]);
    await watch('--until', 'completed');
  };
  const createCloneSet = async () => {
    await createRollout({ apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'echoserver' }, MANUAL_STEPS, {
      'rollouts.kruise.io/rollback-in-batch': 'true',
    });
    await createWorkload('e2e_cloneset.yaml');
  };

  test('Patch batch id to pods: normal case (Advanced StatefulSet, rollout-id 1)', async () => {
    await createRollout({ apiVersion: 'apps.kruise.io/v1beta1', kind: 'StatefulSet', name: 'echoserver' }, BASE_STEPS);
    await createWorkload('e2e_advanced_statefulset.yaml', { [ID]: '1' });
    await kubectlOk(h.env, [
      'patch',
      'statefulsets.apps.kruise.io',
      'echoserver',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'VERSION', value: 'version2' } }]),
    ]);
    await watch('--until', 'paused', '--step', '1');
    expect((await batches('1'))['1']).toBe(1);
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect((await batches('1'))['2']).toBe(1);
    await approve(2);
    await watch('--until', 'completed');
    expect(await batches('1')).toEqual({ '1': 1, '2': 1, '3': 1, '4': 1, '5': 1 });
  });

  test('patch batch id to pods: scaling case (CloneSet 5 → 10 at step 2 of 20%/40%/60%/100%)', async () => {
    await createRollout({ apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: 'echoserver' }, [
      { replicas: '20%', pause: { duration: 1 } },
      { replicas: '40%', pause: {} },
      { replicas: '60%', pause: { duration: 1 } },
      { replicas: '100%', pause: { duration: 1 } },
    ]);
    await createWorkload('e2e_cloneset.yaml', { [ID]: '1' });
    await setCloneSetVersion(h.env, 'version2');
    await watch('--until', 'paused', '--step', '2');
    expect(await batches('1')).toEqual({ '1': 1, '2': 1 });
    await kubectlOk(h.env, ['scale', 'cloneset', 'echoserver', '--replicas=10']);
    for (let i = 0; i < 400 && (await rolloutStatus()).canaryStatus.canaryReadyReplicas !== 4; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect((await rolloutStatus()).canaryStatus.canaryReadyReplicas).toBe(4);
    await watch('--until', 'paused', '--step', '2');
    expect(await batches('1')).toEqual({ '1': 2, '2': 2 });
    // status reads the CloneSet's counts at 10 replicas.
    const view = JSON.parse((await kruise('rollout', 'status', 'echoserver', '-o', 'json')).stdout);
    expect(view).toMatchObject({ batch: { planned: 4, updated: 4, ready: 4 }, workload: { kind: 'CloneSet', replicas: 10 } });
    await approve(2);
    await watch('--until', 'completed');
    expect(await batches('1')).toEqual({ '1': 2, '2': 2, '3': 2, '4': 4 });
  });

  test('patch batch id to pods: only rollout-id changes (1 → 2 at step 3, no new template)', async () => {
    await createCloneSet();
    // Only the rollout-id label and upstream's in-progressing mark: every pod is already of the update revision.
    await kubectlOk(h.env, ['label', 'cloneset', 'echoserver', `${ID}=1`]);
    await kubectlOk(h.env, ['annotate', 'cloneset', 'echoserver', 'rollouts.kruise.io/in-progressing=true']);
    for (const step of [1, 2, 3]) {
      await watch('--until', 'paused', '--step', String(step));
      expect((await batches('1'))[String(step)]).toBe(1);
      if (step < 3) await approve(step);
    }
    await kubectlOk(h.env, ['label', '--overwrite', 'cloneset', 'echoserver', `${ID}=2`]);
    for (let i = 0; i < 400 && (await batches('2'))['3'] !== 1; i++) await new Promise((r) => setTimeout(r, 25));
    await watch('--until', 'paused', '--step', '3');
    expect(await batches('2')).toEqual({ '1': 1, '2': 1, '3': 1 });
    await approve(3);
    await watch('--until', 'paused', '--step', '4');
    expect((await batches('2'))['4']).toBe(1);
    await approve(4);
    await watch('--until', 'completed');
    expect(await batches('2')).toEqual({ '1': 1, '2': 1, '3': 1, '4': 1, '5': 1 });
  });

  test('patch batch id to pods: only change rollout-id after rolling the first step', async () => {
    await createCloneSet();
    await kubectlOk(h.env, ['label', 'cloneset', 'echoserver', `${ID}=1`]);
    await kubectlOk(h.env, ['annotate', 'cloneset', 'echoserver', 'rollouts.kruise.io/in-progressing=true']);
    await watch('--until', 'paused', '--step', '1');
    expect((await batches('1'))['1']).toBe(1);
    await kubectlOk(h.env, ['label', '--overwrite', 'cloneset', 'echoserver', `${ID}=2`]);
    for (let i = 0; i < 400 && (await batches('2'))['1'] !== 1; i++) await new Promise((r) => setTimeout(r, 25));
    await watch('--until', 'paused', '--step', '1');
    expect(await batches('2')).toEqual({ '1': 1 });
    for (const step of [1, 2, 3, 4]) {
      await approve(step);
      if (step < 4) {
        await watch('--until', 'paused', '--step', String(step + 1));
        expect((await batches('2'))[String(step + 1)]).toBe(1);
      }
    }
    await watch('--until', 'completed');
    expect(await batches('2')).toEqual({ '1': 1, '2': 1, '3': 1, '4': 1, '5': 1 });
  });
});
