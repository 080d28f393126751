// OpenKruise's CloneSet in the sandbox, driven with kubectl as a user would: the CRD is served
// (apply of upstream's e2e object, `get cloneset` with the CRD's columns, /scale), and the
// controller creates pods labelled with their revision, records ControllerRevisions, keeps
// `updateStrategy.partition` pods (number or percent) at the old revision, stops on `paused`,
// and scales (docs/sandbox-kinds.md §6).
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { examplePath } from '../fixtures/load.js';
import { firstKubectl, kubectlOk, setCloneSetVersion } from '../scenarios/helpers.js';
import { eventually } from './http.js';

const kubectls = firstKubectl(availableKubectls());
const CLONESET_YAML = examplePath('e2e_cloneset.yaml');

describe.each(kubectls.map((k) => [k.label, k] as const))('CloneSet with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl, { podReadyDelayMs: 30 });
  });
  afterEach(async () => {
    await env?.close();
  });

  const getCs = async (): Promise<any> => JSON.parse(await kubectlOk(env, ['get', 'cloneset', 'echoserver', '-o', 'json']));
  const pods = async (): Promise<any[]> => JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', 'app=echoserver', '-o', 'json'])).items;
  /** Pods by their controller-revision-hash, once the status says every pod is ready. */
  const settled = async (want: { replicas: number; updated: number }): Promise<any> =>
    eventually(async () => {
      const cs = await getCs();
      const s = cs.status ?? {};
      const ok =
        s.observedGeneration === cs.metadata.generation &&
        s.replicas === want.replicas &&
        s.readyReplicas === want.replicas &&
        s.updatedReplicas === want.updated &&
        s.updatedReadyReplicas === want.updated;
      return ok && cs;
    });
  const setVersion = (version: string) => setCloneSetVersion(env, version);

  test('apply of the e2e CloneSet: pods with their revision, a ControllerRevision, the columns a cluster shows', async () => {
    expect(await kubectlOk(env, ['apply', '-f', CLONESET_YAML])).toBe('cloneset.apps.kruise.io/echoserver created\n');
    const cs = await settled({ replicas: 5, updated: 5 });
    expect(cs.status.updateRevision).toBe(cs.status.currentRevision);
    expect(cs.status.updateRevision).toMatch(/^echoserver-[a-z0-9]+$/);
    expect(cs.status).toMatchObject({ expectedUpdatedReplicas: 5, availableReplicas: 5, labelSelector: 'app=echoserver' });
    const all = await pods();
    expect(all).toHaveLength(5);
    for (const p of all) {
      expect(p.metadata.name).toMatch(/^echoserver-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toMatchObject({
        'controller-revision-hash': cs.status.updateRevision,
        'pod-template-hash': cs.status.updateRevision.slice('echoserver-'.length),
        'apps.kruise.io/cloneset-instance-id': p.metadata.name.slice('echoserver-'.length),
      });
      expect(p.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps.kruise.io/v1alpha1',
          kind: 'CloneSet',
          name: 'echoserver',
          uid: cs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    const revisions = JSON.parse(await kubectlOk(env, ['get', 'controllerrevisions', '-o', 'json'])).items;
    expect(revisions.map((r: any) => [r.metadata.name, r.revision])).toEqual([[cs.status.updateRevision, 1]]);
    // The CRD's printer columns, as `kubectl get cloneset` prints them on a cluster.
    const table = await kubectlOk(env, ['get', 'cloneset']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+DESIRED\s+UPDATED\s+UPDATED_READY\s+UPDATED_AVAILABLE\s+READY\s+TOTAL\s+AGE$/);
    expect(table.split('\n')[1]).toMatch(/^echoserver\s+5\s+5\s+5\s+5\s+5\s+5\s+\S+$/);
    expect((await kubectlOk(env, ['get', 'cloneset', '-o', 'wide'])).split('\n')[0]).toMatch(/CONTAINERS\s+IMAGES/);
  });

  test('partition keeps pods at the old revision (a number, then a percent rounded up), paused stops, 0 finishes', async () => {
    await kubectlOk(env, ['apply', '-f', CLONESET_YAML]);
    const first = await settled({ replicas: 5, updated: 5 });
    const stable = first.status.updateRevision;
    await kubectlOk(env, ['patch', 'cloneset', 'echoserver', '--type=merge', '-p', '{"spec":{"updateStrategy":{"partition":3}}}']);
    await setVersion('version2');
    let cs = await settled({ replicas: 5, updated: 2 });
    const canary = cs.status.updateRevision;
    expect(canary).not.toBe(stable);
    expect(cs.status).toMatchObject({ currentRevision: stable, expectedUpdatedReplicas: 2 });
    const byRevision = (all: any[], r: string) => all.filter((p) => p.metadata.labels['controller-revision-hash'] === r).length;
    let all = await pods();
    expect([byRevision(all, stable), byRevision(all, canary)]).toEqual([3, 2]);
    // "50%" of 5 keeps ceil(2.5) = 3 at the old revision: nothing more is updated.
    await kubectlOk(env, ['patch', 'cloneset', 'echoserver', '--type=merge', '-p', '{"spec":{"updateStrategy":{"partition":"50%"}}}']);
    cs = await settled({ replicas: 5, updated: 2 });
    expect(cs.status.expectedUpdatedReplicas).toBe(2);
    // "1%" keeps one (rounded up).
    await kubectlOk(env, ['patch', 'cloneset', 'echoserver', '--type=merge', '-p', '{"spec":{"updateStrategy":{"partition":"1%"}}}']);
    cs = await settled({ replicas: 5, updated: 4 });
    expect(cs.status.currentRevision).toBe(stable);
    // Paused: a partition of 0 updates nothing more.
    await kubectlOk(env, [
      'patch',
      'cloneset',
      'echoserver',
      '--type=merge',
      '-p',
      '{"spec":{"updateStrategy":{"partition":0,"paused":true}}}',
    ]);
    cs = await settled({ replicas: 5, updated: 4 });
    expect(cs.status.expectedUpdatedReplicas).toBe(5);
    await kubectlOk(env, ['patch', 'cloneset', 'echoserver', '--type=merge', '-p', '{"spec":{"updateStrategy":{"paused":false}}}']);
    cs = await settled({ replicas: 5, updated: 5 });
    expect(cs.status.currentRevision).toBe(canary);
    all = await pods();
    expect(byRevision(all, canary)).toBe(5);
    const revisions = JSON.parse(await kubectlOk(env, ['get', 'controllerrevisions', '-o', 'json'])).items;
    expect(revisions.map((r: any) => [r.metadata.name, r.revision]).sort((a: any, b: any) => a[1] - b[1])).toEqual([
      [stable, 1],
      [canary, 2],
    ]);
  });

  test('scale during an update keeps the partition: new pods take the old revision while the partition asks for it', async () => {
    await kubectlOk(env, ['apply', '-f', CLONESET_YAML]);
    const stable = (await settled({ replicas: 5, updated: 5 })).status.updateRevision;
    await kubectlOk(env, ['patch', 'cloneset', 'echoserver', '--type=merge', '-p', '{"spec":{"updateStrategy":{"partition":4}}}']);
    await setVersion('version2');
    await settled({ replicas: 5, updated: 1 });
    expect(await kubectlOk(env, ['scale', 'cloneset', 'echoserver', '--replicas=10'])).toBe('cloneset.apps.kruise.io/echoserver scaled\n');
    // 10 replicas, partition 4: 6 updated, 4 old.
    let cs = await settled({ replicas: 10, updated: 6 });
    let all = await pods();
    expect(all.filter((p) => p.metadata.labels['controller-revision-hash'] === stable)).toHaveLength(4);
    await kubectlOk(env, ['scale', 'cloneset', 'echoserver', '--replicas=5']);
    // Down to 5, partition 4: the updated pods go first, 1 is left.
    cs = await settled({ replicas: 5, updated: 1 });
    all = await pods();
    expect(all).toHaveLength(5);
    expect(cs.status.currentRevision).toBe(stable);
  });

  test('maxSurge adds new pods on top of replicas; old ones go only as pods become available within maxUnavailable', async () => {
    await kubectlOk(env, ['apply', '-f', CLONESET_YAML]);
    await settled({ replicas: 5, updated: 5 });
    // Pods never available (blue-green's minReadySeconds): 3 new pods next to the 5 old, none removed.
    await kubectlOk(env, [
      'patch',
      'cloneset',
      'echoserver',
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { minReadySeconds: 2147483646, updateStrategy: { maxSurge: '50%', maxUnavailable: 0 } } }),
    ]);
    await setVersion('version2');
    let cs = await settled({ replicas: 8, updated: 3 });
    expect(cs.status.availableReplicas).toBe(0);
    expect(await pods()).toHaveLength(8);
    // Pods available again: the surge drains, every old pod is replaced, 5 in the end.
    await kubectlOk(env, ['patch', 'cloneset', 'echoserver', '--type=merge', '-p', '{"spec":{"minReadySeconds":0}}']);
    cs = await settled({ replicas: 5, updated: 5 });
    expect(cs.status.updateRevision).toBe(cs.status.currentRevision);
    expect(await pods()).toHaveLength(5);
  });
});
