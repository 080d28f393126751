// The workload's rollout-id (docs/controller.md §5, §7, §12), from the user's side: kubectl
// labels, annotates and patches the Deployment on a sandbox with its rollout controller loop;
// what the pods and the Deployment carry is then read back with kubectl.
import type { Pod } from '../../src/workload/types.js';
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import {
  condition,
  deploymentOf,
  expectPods,
  firstKubectl,
  fixtureDir,
  guideSetUp,
  kruiseIn,
  kubectlOk,
  loadExample,
  ROLLOUT_YAML,
  recordStatuses,
  rolloutOf,
  until,
  versionPatch,
} from './helpers.js';

const kubectls = firstKubectl(availableKubectls());
const ID = 'rollouts.kruise.io/rollout-id';
const BATCH = 'rollouts.kruise.io/rollout-batch-id';

/** How many pods carry rollout-id `id` in each batch, as `kubectl get pods -l` lists them. */
async function batches(env: KubectlEnv, id: string): Promise<Record<string, number>> {
  const list = JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', `app=demo,${ID}=${id}`, '-o', 'json'])) as { items: Pod[] };
  const out: Record<string, number> = {};
  for (const p of list.items) {
    if (p.metadata.deletionTimestamp) continue;
    const b = p.metadata.labels?.[BATCH] ?? '?';
    out[b] = (out[b] ?? 0) + 1;
  }
  return out;
}

async function podNames(env: KubectlEnv): Promise<string[]> {
  const list = JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', 'app=demo', '-o', 'json'])) as { items: Pod[] };
  return list.items.map((p) => p.metadata.name!).sort();
}

describe.each(kubectls.map((k) => [k.label, k] as const))('rollout-id with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  let files: ReturnType<typeof fixtureDir>;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
    files = fixtureDir();
  });
  afterEach(async () => {
    await env?.close();
    files?.cleanup();
  });

  test('a rollout-id-only release (kubectl label, same template) labels the pods batch by batch: 1, then 1+4, then 1+4+5', async () => {
    const kruise = kruiseIn(env);
    await guideSetUp(env);
    const before = await podNames(env);
    await kubectlOk(env, ['label', 'deployment', 'workload-demo', `${ID}=2`]);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s')).code).toBe(0);
    expect(await batches(env, '2')).toEqual({ '1': 1 });
    expect(rolloutOf(env.sb).status?.canaryStatus?.observedRolloutID).toBe('2');

    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '1')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '10s')).code).toBe(0);
    expect(await batches(env, '2')).toEqual({ '1': 1, '2': 4 });

    expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', '2')).code).toBe(0);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    expect(await batches(env, '2')).toEqual({ '1': 1, '2': 4, '3': 5 });
    // The template never changed: the same ten v1 pods, only relabelled.
    await expectPods(env.sb, { 'version-1': 10 });
    expect(await podNames(env)).toEqual(before);
    expect(condition(rolloutOf(env.sb), 'Succeeded')?.status).toBe('True');
  });

  test('an unchanged rollout-id annotation with a template change rolls natively; a new one starts a release', async () => {
    const kruise = kruiseIn(env);
    const d = loadExample('docs_basic-usage_deployment_workload-demo.yaml');
    // Both, as a user of upstream sets them: the webhook reads the annotation, the controller the label.
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [ID]: 'r1' };
    d.metadata.labels = { ...(d.metadata.labels ?? {}), [ID]: 'r1' };
    await kubectlOk(env, ['apply', '-f', files.write('deployment.yaml', d)]);
    await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s']);
    await kubectlOk(env, ['apply', '-f', ROLLOUT_YAML]);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);

    const recorder = recordStatuses(env.sb);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch('version-2')]);
    const dep = JSON.parse(await kubectlOk(env, ['get', 'deployment', 'workload-demo', '-o', 'json']));
    expect(dep.spec.paused).toBeUndefined();
    expect(dep.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
    expect(await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s'])).toMatch(/successfully rolled out/);
    await expectPods(env.sb, { 'version-2': 10 });
    await until(
      env.sb,
      'the native rollout recorded',
      () => rolloutOf(env.sb).status?.canaryStatus?.observedWorkloadGeneration === deploymentOf(env.sb).metadata.generation,
    );
    recorder.stop();
    expect(recorder.history.filter((r) => r.phase === 'Progressing')).toEqual([]);

    // A new id with the next template: a release in batches again.
    const both = { [ID]: 'r2' };
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', JSON.stringify({ metadata: { labels: both, annotations: both } })]);
    await until(env.sb, 'paused for a release', () => deploymentOf(env.sb).spec.paused === true);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s')).code).toBe(0);
    expect(rolloutOf(env.sb).status?.canaryStatus?.observedRolloutID).toBe('r2');
    expect(await batches(env, 'r2')).toEqual({ '1': 1 });
  });
});
