// Advanced DaemonSet releases through a Rollout, black-box against the sandbox with kubectl and our
// CLI (docs/controller.md §16.3), on upstream's own e2e objects (a v1alpha1 Rollout): five Node
// objects give five pods; the webhook holds every pod back (partition 32767), each step lowers the
// partition to nodes − batch so the last nodes by name update first, pods carry the rollout-id and
// their batch, `approve`, `status` and `watch` work on it, the hand-back, a rollout-id-only
// release (the batches relabel pods already new); and a rollback, which
// upstream cannot tell from a new release (no currentRevision), is released again from step 1.
import { availableKubectls } from '../conformance/harness.js';
import { firstKubectl, kubectlOk, loadExample } from './helpers.js';
import { batchesOf, loopEnv } from './loop-env.js';

const kubectls = firstKubectl(availableKubectls());
const ID = 'rollouts.kruise.io/rollout-id';
const RESOURCE = 'daemonsets.apps.kruise.io';
const NAME = 'fluentd-elasticsearch';
const NODES = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];

describe.each(kubectls.map((k) => [k.label, k] as const))('Advanced DaemonSet release with %s', (_label, kubectl) => {
  const h = loopEnv(kubectl, { rollout: 'rollouts-test', podSelector: `name=${NAME}` });
  const { files, kruise, watch, approve, pods } = h;

  const getDs = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', RESOURCE, NAME, '-o', 'json']));
  const getRollout = async (): Promise<any> => JSON.parse(await kubectlOk(h.env, ['get', 'rollout', 'rollouts-test', '-o', 'json']));
  /** The partition, the nodes whose pod runs `hash` (default: the current template), and per batch the pods labelled with `id`. */
  const released = async (id: string, hash?: string) => {
    const ds = await getDs();
    const all = await pods();
    const fresh = all.filter((p: any) => p.metadata.labels['controller-revision-hash'] === (hash ?? ds.status.daemonSetHash));
    const nodes = fresh.map((p: any) => p.spec.nodeName).sort();
    return { partition: ds.spec.updateStrategy?.rollingUpdate?.partition, nodes, total: all.length, batches: batchesOf(fresh, id) };
  };
  // `kubectl set env` knows built-in kinds only: a JSON patch, as a CD tool would send.
  const containerEnv = (op: object) => kubectlOk(h.env, ['patch', RESOURCE, NAME, '--type=json', '-p', JSON.stringify([op])]);
  const setImageEnv = (version: string) =>
    containerEnv({ op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'NODE_NAME', value: version }] });
  const setUp = async () => {
    for (const name of NODES)
      await kubectlOk(h.env, ['apply', '-f', files.write(`${name}.yaml`, { apiVersion: 'v1', kind: 'Node', metadata: { name } })]);
    const ds = loadExample('e2e_advanced_daemonset.yaml');
    ds.metadata.namespace = 'default';
    await kubectlOk(h.env, ['apply', '-f', files.write('ds.yaml', ds)]);
    const ro = loadExample('e2e_rollout_canary_daemonset_base.yaml');
    ro.metadata.namespace = 'default';
    ro.spec.strategy.canary.steps = [{ replicas: 1 }, { replicas: '60%' }, { replicas: '100%' }];
    await kubectlOk(h.env, ['apply', '-f', files.write('rollout.yaml', ro)]);
    await watch('--until', 'completed');
  };

  test('manual steps 1/60%/100% on 5 nodes: the partition and the batch labels at each step, status, approve, hand-back', async () => {
    await setUp();
    const before = await getDs();
    expect(before.status).toMatchObject({ desiredNumberScheduled: 5, numberReady: 5, updatedNumberScheduled: 5 });
    await setImageEnv('version2');
    await watch('--until', 'paused', '--step', '1');
    const ds = await getDs();
    expect(ds.metadata.labels['rollouts.kruise.io/workload-type']).toBe('daemonset');
    expect(ds.spec.updateStrategy.rollingUpdate.paused).toBe(false);
    expect(JSON.parse(ds.metadata.annotations['batchrelease.rollouts.kruise.io/control-info'])).toMatchObject({
      kind: 'BatchRelease',
      name: 'rollouts-test',
    });
    expect(JSON.parse(ds.metadata.annotations['rollouts.kruise.io/in-progressing'])).toEqual({ rolloutName: 'rollouts-test' });
    expect(ds.status).toMatchObject({ updatedNumberScheduled: 1, numberReady: 5 });
    const ro = await getRollout();
    const id = ro.status.canaryStatus.observedRolloutID;
    expect(ro.status.canaryStatus).toMatchObject({
      stableRevision: before.status.daemonSetHash,
      canaryRevision: ds.status.daemonSetHash,
      canaryReplicas: 1,
      canaryReadyReplicas: 1,
    });
    expect(await released(id)).toEqual({ partition: 4, nodes: ['node-5'], total: 5, batches: { '1': 1 } });
    const view = JSON.parse((await kruise('rollout', 'status', 'rollouts-test', '-o', 'json')).stdout);
    expect(view).toMatchObject({
      batch: { planned: 1, updated: 1, ready: 1 },
      workload: { kind: 'DaemonSet', name: NAME, found: true, replicas: 5 },
      waitingForApproval: true,
    });
    expect(view.steps.map((s: any) => s.planned)).toEqual([1, 3, 5]);
    const planned = JSON.parse((await kruise('rollout', 'plan', 'rollouts-test', '-o', 'json')).stdout);
    expect(planned).toMatchObject({ replicas: 5, replicasFrom: 'workload' });
    expect(planned.batches.map((b: any) => b.pods)).toEqual([1, 3, 5]);
    const text = (await kruise('rollout', 'status', 'rollouts-test')).stdout;
    expect(text).toMatch(/1\/3/);
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect(await released(id)).toEqual({ partition: 2, nodes: ['node-3', 'node-4', 'node-5'], total: 5, batches: { '1': 1, '2': 2 } });
    await approve(2);
    await watch('--until', 'completed');
    const done = await getDs();
    expect(done.spec.updateStrategy.rollingUpdate.partition).toBeUndefined();
    expect(done.metadata.annotations?.['batchrelease.rollouts.kruise.io/control-info']).toBeUndefined();
    expect(done.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
    expect(await released(id)).toEqual({ partition: undefined, nodes: NODES, total: 5, batches: { '1': 1, '2': 2, '3': 2 } });
    const rollout = await getRollout();
    expect(rollout.status.phase).toBe('Healthy');
    expect(rollout.status.conditions.find((c: any) => c.type === 'Succeeded')?.status).toBe('True');
  });

  test('a rollout-id-only release: every node already runs the template; each batch relabels its share with the new id', async () => {
    await setUp();
    await kubectlOk(h.env, ['label', RESOURCE, NAME, `${ID}=1`]);
    await setImageEnv('version2');
    for (const step of [1, 2]) {
      await watch('--until', 'paused', '--step', String(step));
      await approve(step);
    }
    await watch('--until', 'completed');
    expect((await released('1')).batches).toEqual({ '1': 1, '2': 2, '3': 2 });
    await kubectlOk(h.env, ['label', '--overwrite', RESOURCE, NAME, `${ID}=2`]);
    await watch('--until', 'paused', '--step', '1');
    expect(await released('2')).toEqual({ partition: 4, nodes: NODES, total: 5, batches: { '1': 1 } });
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect(await released('2')).toEqual({ partition: 2, nodes: NODES, total: 5, batches: { '1': 1, '2': 2 } });
    await approve(2);
    await watch('--until', 'completed');
    expect(await released('2')).toEqual({ partition: undefined, nodes: NODES, total: 5, batches: { '1': 1, '2': 2, '3': 2 } });
  });

  test('a rollback mid-release is released again from step 1 toward the old template (upstream cannot tell it from a new release)', async () => {
    await setUp();
    const stable = (await getDs()).status.daemonSetHash;
    await setImageEnv('version2');
    await watch('--until', 'paused', '--step', '1');
    const canary = (await getDs()).status.daemonSetHash;
    expect((await released('', canary)).nodes).toEqual(['node-5']);
    // Back to version 1's template: the same hash as before the release.
    await containerEnv({ op: 'remove', path: '/spec/template/spec/containers/0/env' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await getDs()).status.daemonSetHash).toBe(stable);
    await watch('--until', 'paused', '--step', '1');
    const ro = await getRollout();
    expect(ro.status.canaryStatus).toMatchObject({ canaryRevision: stable, currentStepIndex: 1 });
    expect(ro.status.conditions.find((c: any) => c.type === 'Progressing')?.reason).toBe('InRolling');
    // The old template already runs on four nodes: node-5 keeps version 2 behind the partition.
    expect(await released('', canary)).toMatchObject({ partition: 4, nodes: ['node-5'] });
    await approve(1);
    await watch('--until', 'paused', '--step', '2');
    expect(await released('', canary)).toMatchObject({ partition: 2, nodes: ['node-5'] });
    await approve(2);
    await watch('--until', 'completed');
    expect(await released('', stable)).toMatchObject({ partition: undefined, nodes: NODES, total: 5 });
  });
});
