// StatefulSets in the sandbox, native (apps/v1) and OpenKruise's Advanced StatefulSet
// (apps.kruise.io/v1beta1), driven with kubectl: pods NAME-0…, labelled with their revision, the
// ordinal partition (pods at or above it are updated, one at a time from the highest), paused
// (Advanced), scale, and the columns `kubectl get` shows (docs/sandbox-kinds.md §6).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { firstKubectl, fixtureDir, kubectlOk } from '../scenarios/helpers.js';
import { eventually } from './http.js';

const kubectls = firstKubectl(availableKubectls());

function statefulSet(apiVersion: string, partition?: number): any {
  return {
    apiVersion,
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: partition === undefined ? {} : { partition } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
    },
  };
}

describe.each(kubectls.map((k) => [k.label, k] as const))('StatefulSets with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  const files = fixtureDir();
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl, { podReadyDelayMs: 30 });
  });
  afterEach(async () => {
    await env?.close();
  });
  afterAll(() => files.cleanup());

  describe.each([
    ['native', 'apps/v1', 'statefulset'],
    ['Advanced', 'apps.kruise.io/v1beta1', 'statefulsets.apps.kruise.io'],
  ])('%s', (_kind, apiVersion, resource) => {
    const get = async (): Promise<any> => JSON.parse(await kubectlOk(env, ['get', resource, 'db', '-o', 'json']));
    /** Pod name → revision, once the status says `updated` of `replicas` pods are updated and all ready. */
    const settled = async (replicas: number, updated: number): Promise<Record<string, string>> => {
      await eventually(async () => {
        const s = (await get()).status ?? {};
        return s.replicas === replicas && s.readyReplicas === replicas && s.updatedReplicas === updated;
      });
      const pods = JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', 'app=db', '-o', 'json'])).items;
      return Object.fromEntries(pods.map((p: any) => [p.metadata.name, p.metadata.labels['controller-revision-hash']]));
    };
    const setImage = (image: string) =>
      kubectlOk(env, [
        'patch',
        resource,
        'db',
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'db', image }] } } } }),
      ]);
    const setPartition = (partition: number) =>
      kubectlOk(env, [
        'patch',
        resource,
        'db',
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition } } } }),
      ]);

    test('pods by ordinal, the ordinal partition, scale', async () => {
      await kubectlOk(env, ['apply', '-f', files.write(`${resource}.yaml`, statefulSet(apiVersion, 2))]);
      const v1 = await settled(3, 3);
      const stable = (await get()).status.updateRevision;
      expect(v1).toEqual({ 'db-0': stable, 'db-1': stable, 'db-2': stable });
      await setImage('db:2');
      const v2 = await settled(3, 1);
      const canary = (await get()).status.updateRevision;
      expect(canary).not.toBe(stable);
      expect(v2).toEqual({ 'db-0': stable, 'db-1': stable, 'db-2': canary });
      expect((await get()).status).toMatchObject({ currentRevision: stable, currentReplicas: 2 });
      // Scaling up keeps the partition: db-3 and db-4 are at or above it.
      await kubectlOk(env, ['scale', resource, 'db', '--replicas=5']);
      expect(await settled(5, 3)).toEqual({ 'db-0': stable, 'db-1': stable, 'db-2': canary, 'db-3': canary, 'db-4': canary });
      await setPartition(0);
      await settled(5, 5);
      expect((await get()).status.currentRevision).toBe(canary);
      const revisions = JSON.parse(await kubectlOk(env, ['get', 'controllerrevisions', '-o', 'json'])).items;
      expect(revisions.map((r: any) => [r.metadata.name, r.revision]).sort((a: any, b: any) => a[1] - b[1])).toEqual([
        [stable, 1],
        [canary, 2],
      ]);
      await kubectlOk(env, ['scale', resource, 'db', '--replicas=2']);
      expect(Object.keys(await settled(2, 2)).sort()).toEqual(['db-0', 'db-1']);
    });
  });

  test('kubectl get columns: native READY, Advanced the CRD columns; Advanced paused stops updating', async () => {
    await kubectlOk(env, ['apply', '-f', files.write('native.yaml', statefulSet('apps/v1'))]);
    await eventually(async () => /^db\s+3\/3\s+\S+$/m.test(await kubectlOk(env, ['get', 'sts'])));
    await kubectlOk(env, ['delete', 'sts', 'db']);
    const advanced = statefulSet('apps.kruise.io/v1beta1');
    advanced.metadata.name = 'adb';
    advanced.spec.selector.matchLabels.app = 'adb';
    advanced.spec.template.metadata.labels.app = 'adb';
    await kubectlOk(env, ['apply', '-f', files.write('advanced.yaml', advanced)]);
    await eventually(async () => /^adb\s+3\s+3\s+3\s+3\s+\S+$/m.test(await kubectlOk(env, ['get', 'statefulsets.apps.kruise.io'])));
    const header = (await kubectlOk(env, ['get', 'statefulsets.apps.kruise.io'])).split('\n')[0];
    expect(header).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+UPDATED\s+READY\s+AGE$/);
    await kubectlOk(env, [
      'patch',
      'statefulsets.apps.kruise.io',
      'adb',
      '--type=merge',
      '-p',
      '{"spec":{"updateStrategy":{"rollingUpdate":{"paused":true}},"template":{"spec":{"containers":[{"name":"db","image":"db:2"}]}}}}',
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await JSON.parse(await kubectlOk(env, ['get', 'statefulsets.apps.kruise.io', 'adb', '-o', 'json']))).status.updatedReplicas,
    ).toBe(0);
  });
});
