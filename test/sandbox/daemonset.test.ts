// OpenKruise's Advanced DaemonSet (apps.kruise.io/v1alpha1) in the sandbox, driven with kubectl:
// one pod per node (the default nodes, then Node objects applied), labelled with the revision hash,
// the partition (pods kept at the old revision; the last nodes by name are updated first), paused,
// and the columns `kubectl get` shows (docs/sandbox-kinds.md §6).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { firstKubectl, fixtureDir, kubectlOk } from '../scenarios/helpers.js';
import { eventually } from './http.js';

const kubectls = firstKubectl(availableKubectls());
const RESOURCE = 'daemonsets.apps.kruise.io';

function daemonSet(partition?: number): any {
  return {
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2, ...(partition === undefined ? {} : { partition }) } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
    },
  };
}

describe.each(kubectls.map((k) => [k.label, k] as const))('Advanced DaemonSets with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  const files = fixtureDir();
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl, { podReadyDelayMs: 30 });
  });
  afterEach(async () => {
    await env?.close();
  });
  afterAll(() => files.cleanup());

  const get = async (): Promise<any> => JSON.parse(await kubectlOk(env, ['get', RESOURCE, 'agent', '-o', 'json']));
  /** Node → revision hash of its pod, once the status says `desired` pods, all ready, `updated` of them updated. */
  const settled = async (desired: number, updated: number): Promise<Record<string, string>> => {
    await eventually(async () => {
      const s = (await get()).status ?? {};
      return s.desiredNumberScheduled === desired && s.numberReady === desired && s.updatedNumberScheduled === updated;
    });
    const pods = JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', 'app=agent', '-o', 'json'])).items;
    expect(pods).toHaveLength(desired);
    return Object.fromEntries(pods.map((p: any) => [p.spec.nodeName, p.metadata.labels['controller-revision-hash']]));
  };
  const patch = (body: unknown) => kubectlOk(env, ['patch', RESOURCE, 'agent', '--type=merge', '-p', JSON.stringify(body)]);

  test('one pod per default node, the partition keeps the first nodes at the old revision, revisions, status', async () => {
    await kubectlOk(env, ['apply', '-f', files.write('ds.yaml', daemonSet(2))]);
    const v1 = await settled(3, 3);
    const stable = (await get()).status.daemonSetHash;
    expect(v1).toEqual({ 'sandbox-node-1': stable, 'sandbox-node-2': stable, 'sandbox-node-3': stable });
    await patch({ spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } });
    const v2 = await settled(3, 1);
    const canary = (await get()).status.daemonSetHash;
    expect(canary).not.toBe(stable);
    expect(v2).toEqual({ 'sandbox-node-1': stable, 'sandbox-node-2': stable, 'sandbox-node-3': canary });
    const ds = await get();
    expect(ds.status).toMatchObject({
      observedGeneration: ds.metadata.generation,
      currentNumberScheduled: 3,
      numberAvailable: 3,
      numberUnavailable: 0,
      numberMisscheduled: 0,
    });
    await patch({ spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    expect(await settled(3, 3)).toEqual({ 'sandbox-node-1': canary, 'sandbox-node-2': canary, 'sandbox-node-3': canary });
    const revisions = JSON.parse(await kubectlOk(env, ['get', 'controllerrevisions', '-o', 'json'])).items;
    expect(revisions.map((r: any) => [r.metadata.name, r.revision]).sort((a: any, b: any) => a[1] - b[1])).toEqual([
      [`agent-${stable}`, 1],
      [`agent-${canary}`, 2],
    ]);
  });

  test('Node objects, when stored, are where it runs: a Node added gets a pod, a Node deleted loses it', async () => {
    for (const name of ['worker-a', 'worker-b']) {
      await kubectlOk(env, ['apply', '-f', files.write(`${name}.yaml`, { apiVersion: 'v1', kind: 'Node', metadata: { name } })]);
    }
    await kubectlOk(env, ['apply', '-f', files.write('ds.yaml', daemonSet())]);
    expect(Object.keys(await settled(2, 2)).sort()).toEqual(['worker-a', 'worker-b']);
    await kubectlOk(env, ['apply', '-f', files.write('worker-c.yaml', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-c' } })]);
    expect(Object.keys(await settled(3, 3)).sort()).toEqual(['worker-a', 'worker-b', 'worker-c']);
    await kubectlOk(env, ['delete', 'node', 'worker-a']);
    expect(Object.keys(await settled(2, 2)).sort()).toEqual(['worker-b', 'worker-c']);
  });

  test('kubectl get shows the CRD columns; paused stops updating', async () => {
    await kubectlOk(env, ['apply', '-f', files.write('ds.yaml', daemonSet())]);
    await eventually(async () => /^agent\s+3\s+3\s+3\s+3\s+3\s+\S+$/m.test(await kubectlOk(env, ['get', RESOURCE])));
    const header = (await kubectlOk(env, ['get', 'ads'])).split('\n')[0];
    expect(header).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    // The CRD's wide columns take every container (`containers[*]`).
    await patch({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'agent', image: 'agent:1' },
              { name: 'sidecar', image: 'proxy:1' },
            ],
          },
        },
      },
    });
    const wide = (await kubectlOk(env, ['get', 'ads', '-o', 'wide'])).split('\n');
    expect(wide[0]).toMatch(/\sAGE\s+CONTAINERS\s+IMAGES$/);
    expect(wide[1]).toMatch(/\sagent sidecar\s+agent:1 proxy:1$/);
    await patch({
      spec: {
        updateStrategy: { rollingUpdate: { paused: true } },
        template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } },
      },
    });
    await eventually(async () => (await get()).status?.observedGeneration === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect((await get()).status.updatedNumberScheduled).toBe(0);
    await patch({ spec: { updateStrategy: { rollingUpdate: { paused: false } } } });
    await settled(3, 3);
  });
});
