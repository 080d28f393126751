// A Rollout the embedded controller refuses (a Lua-scripted traffic provider) must not
// capture its Deployment: `kubectl set image` rolls it natively, the refusal is written on the
// Rollout, logged by `kubectl-kruise sandbox`, shown by `rollout status`, and `reconcile-once`
// exits 1 with one error line and no Deployment write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { DEPLOYMENT_YAML, fixtureDir, loadExample, ok, startSandboxCommand } from './helpers.js';

/** The upstream e2e Rollouts, pointed at the guide's Deployment. */
function refusedRollouts(): [string, any, RegExp][] {
  // Partition style routing through a Lua-scripted provider (Istio), which is not run.
  const partitionTraffic = loadExample('e2e_rollout_v1beta1_canary_base.yaml');
  delete partitionTraffic.spec.strategy.canary.enableExtraWorkloadForCanary;
  partitionTraffic.spec.strategy.canary.steps = [{ traffic: '20%', replicas: '20%', pause: {} }];
  partitionTraffic.spec.strategy.canary.trafficRoutings = [
    { service: 'echoserver', customNetworkRefs: [{ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', name: 'vs' }] },
  ];
  // Blue-green is run for a Deployment, but not through a Lua-scripted provider either.
  const blueGreen = loadExample('e2e_rollout_v1beta1_bluegreen_base.yaml');
  blueGreen.spec.strategy.blueGreen.trafficRoutings = [
    { service: 'echoserver', customNetworkRefs: [{ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', name: 'vs' }] },
  ];
  for (const ro of [partitionTraffic, blueGreen]) ro.spec.workloadRef.name = 'workload-demo';
  return [
    ['partition style with customNetworkRefs', partitionTraffic, /customNetworkRefs .* are not supported/],
    ['blue-green with customNetworkRefs', blueGreen, /customNetworkRefs .* are not supported/],
  ];
}

describe.each(refusedRollouts())('a refused Rollout (%s)', (_name, rollout, reason) => {
  let dir: string;
  let files: ReturnType<typeof fixtureDir>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kk-refused-'));
    files = fixtureDir();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    files.cleanup();
  });

  test('with the controller: the Deployment rolls natively; status, log and rollout status say why', async () => {
    const sb = await startSandboxCommand(dir);
    try {
      const kc = sb.kubeconfig;
      await ok(kc, ['apply', '-f', DEPLOYMENT_YAML]);
      await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=20s']);
      await ok(kc, ['apply', '-f', files.write('rollout.yaml', rollout)]);
      await ok(kc, ['set', 'image', 'deployment/workload-demo', 'busybox=busybox:1.36']);
      await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=8s']);
      const d = JSON.parse(await ok(kc, ['get', 'deployment', 'workload-demo', '-o', 'json']));
      expect(d.spec.paused).toBeFalsy();
      expect(d.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
      expect(d.status).toMatchObject({ replicas: 10, updatedReplicas: 10, readyReplicas: 10 });
      const pods = JSON.parse(await ok(kc, ['get', 'pods', '-l', 'app=demo', '-o', 'json'])).items;
      const live = pods.filter((p: any) => !p.metadata.deletionTimestamp);
      expect(live.map((p: any) => p.spec.containers[0].image)).toEqual(Array(10).fill('busybox:1.36'));

      // The refusal is on the Rollout (written by the sandbox's controller).
      for (let i = 0; i < 100; i++) {
        const ro = JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
        if (ro.status?.message) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const ro = JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
      expect(ro.status.message).toMatch(reason);
      expect(ro.status.message).toMatch(/^Rollout is not handled: .*; its workload rolls natively$/);
      expect(ro.status.conditions).toEqual([
        expect.objectContaining({ type: 'Supported', status: 'False', reason: 'Unsupported', message: ro.status.message }),
      ]);
      expect(ro.status.canaryStatus).toBeUndefined();

      // In the sandbox's log, once.
      const lines = sb
        .log()
        .split('\n')
        .filter((l) => l.includes('rollouts-demo'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^rollout-controller: default\/rollouts-demo refused: /);
      expect(lines[0]).toMatch(reason);

      const status = await runCli(['rollout', 'status', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(status.stdout).toMatch(reason);
    } finally {
      await sb.stop();
    }
  });

  test('without the controller: reconcile-once exits 1 with one error line, writes the refusal and nothing to the Deployment', async () => {
    const sb = await startSandboxCommand(dir, ['--no-rollout-controller']);
    try {
      const kc = sb.kubeconfig;
      await ok(kc, ['apply', '-f', DEPLOYMENT_YAML]);
      await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=20s']);
      await ok(kc, ['apply', '-f', files.write('rollout.yaml', rollout)]);
      await ok(kc, ['set', 'image', 'deployment/workload-demo', 'busybox=busybox:1.36']);
      await ok(kc, ['rollout', 'status', 'deployment/workload-demo', '--timeout=8s']);
      const before = JSON.parse(await ok(kc, ['get', 'deployment', 'workload-demo', '-o', 'json']));
      const once = await runCli(['rollout', 'reconcile-once', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(once.code).toBe(1);
      expect(once.stdout).toBe('');
      expect(once.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(once.stderr).toMatch(/^error: rollouts-demo: /);
      expect(once.stderr).toMatch(reason);
      const after = JSON.parse(await ok(kc, ['get', 'deployment', 'workload-demo', '-o', 'json']));
      expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
      const ro = JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
      expect(ro.status.message).toMatch(reason);
      // A second run writes nothing more.
      const again = await runCli(['rollout', 'reconcile-once', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(again.code).toBe(1);
      const ro2 = JSON.parse(await ok(kc, ['get', 'rollout', 'rollouts-demo', '-o', 'json']));
      expect(ro2.metadata.resourceVersion).toBe(ro.metadata.resourceVersion);
    } finally {
      await sb.stop();
    }
  });
});

// Native DaemonSets are not released, as upstream does not release them (docs/controller.md §1,
// §16.3: only OpenKruise's Advanced DaemonSet is): upstream's own e2e Rollout of a native DaemonSet
// is refused, and the DaemonSet is never captured — admission leaves a template change alone and
// reconcile-once writes nothing to it.
describe('a Rollout of a native DaemonSet (upstream e2e rollout_v1beta1_native_daemonset_base.yaml)', () => {
  let dir: string;
  let files: ReturnType<typeof fixtureDir>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kk-refused-ds-'));
    files = fixtureDir();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    files.cleanup();
  });

  test('is refused: a template change is not held, reconcile-once exits 1 with one error line and no DaemonSet write', async () => {
    const sb = await startSandboxCommand(dir, ['--no-rollout-controller']);
    try {
      const kc = sb.kubeconfig;
      const ds = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'fluentd-elasticsearch', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'fluentd' } },
          template: { metadata: { labels: { app: 'fluentd' } }, spec: { containers: [{ name: 'fluentd', image: 'fluentd:v1' }] } },
        },
      };
      await ok(kc, ['apply', '-f', files.write('ds.yaml', ds)]);
      const rollout = loadExample('e2e_rollout_v1beta1_native_daemonset_base.yaml');
      rollout.metadata.namespace = 'default';
      await ok(kc, ['apply', '-f', files.write('rollout.yaml', rollout)]);
      await ok(kc, ['set', 'image', 'daemonset/fluentd-elasticsearch', 'fluentd=fluentd:v2']);
      const before = JSON.parse(await ok(kc, ['get', 'daemonset', 'fluentd-elasticsearch', '-o', 'json']));
      expect(before.metadata.annotations?.['rollouts.kruise.io/in-progressing']).toBeUndefined();
      expect(before.spec.updateStrategy?.rollingUpdate?.partition).toBeUndefined();
      const once = await runCli(['rollout', 'reconcile-once', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(once.code).toBe(1);
      expect(once.stderr.split('\n').filter(Boolean)).toEqual([
        expect.stringMatching(/^error: rollouts-demo: .*DaemonSet is not supported/),
      ]);
      const after = JSON.parse(await ok(kc, ['get', 'daemonset', 'fluentd-elasticsearch', '-o', 'json']));
      expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
      const status = await runCli(['rollout', 'status', 'rollouts-demo', '--kubeconfig', kc], { now: () => new Date() });
      expect(status.stdout).toMatch(
        /DaemonSet is not supported, as by Kruise Rollouts: only an apps.kruise.io \(Advanced\) DaemonSet is released/,
      );
    } finally {
      await sb.stop();
    }
  });
});
