// `rollout plan`: the batches of a Rollout from a file (no cluster) or from the cluster (reads only),
// and its bad inputs (one error line, the documented exit code, nothing sent).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { planRollout } from '../../src/rollout/plan.js';
import type { Rollout } from '../../src/rollout/types.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { examplePath } from '../fixtures/load.js';
import { runBinary } from '../helpers/cli.js';
import { loadExample } from '../scenarios/helpers.js';
import { controllerSandbox, guide, kruise, quiet, requests } from './helpers.js';

const ROLLOUT = examplePath('docs_basic-usage_rollout_v1beta1.yaml');
const DEPLOYMENT = examplePath('docs_basic-usage_deployment_workload-demo.yaml');
const plan = (...args: string[]) => runBinary(['rollout', 'plan', ...args], { env: { NO_COLOR: '1' } });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kk-plan-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, ...docs: unknown[]) => {
  const path = join(dir, name);
  writeFileSync(path, docs.map((d) => stringify(d)).join('---\n'));
  return path;
};

describe('planRollout (pure)', () => {
  const ro = (steps: unknown[]): Rollout => {
    const r = loadExample('docs_basic-usage_rollout_v1beta1.yaml') as Rollout;
    r.spec.strategy!.canary!.steps = steps as never;
    return r;
  };
  it('the guide on 10 pods: 1, 5, 10; the first two wait for approval, the last 100% never does', () => {
    const p = planRollout(ro([{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }]), 10, 'flag');
    expect(p.batches.map((b) => [b.pods, b.stablePods, b.pause])).toEqual([
      [1, 9, 'manual'],
      [5, 5, 'manual'],
      [10, 0, 'none'],
    ]);
  });
  it('a partition-style Deployment caps a percentage below 100% at replicas − 1; integers are clamped', () => {
    const p = planRollout(ro([{ replicas: '99%' }, { replicas: 20 }, { replicas: '100%' }]), 10, 'flag');
    expect(p.batches.map((b) => b.pods)).toEqual([9, 10, 10]);
  });
  it('an Advanced DaemonSet: the replicas given are its nodes; no replicas − 1 cap', () => {
    const r = ro([{ replicas: 1 }, { replicas: '99%' }, { replicas: '100%' }]);
    r.spec.workloadRef = { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'DaemonSet', name: 'agent' };
    expect(planRollout(r, 4, 'flag').batches.map((b) => b.pods)).toEqual([1, 4, 4]);
  });
  it('timed pauses, zero pauses and a malformed step', () => {
    const p = planRollout(
      ro([{ replicas: 'x', pause: { duration: 0 } }, { replicas: '20%', pause: { duration: 30 } }, { replicas: '100%' }]),
      3,
      'workload',
    );
    expect(p.batches.map((b) => [b.pods, b.pause, b.pauseSeconds])).toEqual([
      [null, 'none', null],
      [1, 'timed', 30],
      [3, 'none', null],
    ]);
  });
});

describe('rollout plan -f FILE (real binary, no cluster)', () => {
  it('prints the batches for --replicas', async () => {
    const r = await plan('-f', ROLLOUT, '--replicas', '10');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Rollout rollouts-demo (Partition): Deployment/workload-demo, 10 replicas (--replicas)',
        'STEP   REPLICAS   UPDATED   STABLE   PAUSE',
        '1      1          1         9        wait for approval',
        '2      50%        5         5        wait for approval',
        '3      100%       10        0        none (release completes)',
        '',
      ].join('\n'),
    });
  });

  it('takes the replicas from the workload in the same file; -o json carries the batches', async () => {
    const file = write(
      'both.yaml',
      loadExample('docs_basic-usage_deployment_workload-demo.yaml'),
      loadExample('docs_basic-usage_rollout_v1beta1.yaml'),
    );
    const r = await plan('-f', file, '-o', 'json');
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data).toMatchObject({ kind: 'RolloutPlan', replicas: 10, replicasFrom: 'workload', style: 'Partition' });
    expect(data.batches.map((b: { pods: number }) => b.pods)).toEqual([1, 5, 10]);
  });

  it.each([
    [
      ['-f', ROLLOUT],
      2,
      /^error: .* has no Deployment workload-demo to take the replicas from; give the number of pods with --replicas N\n$/,
    ],
    [['-f', ROLLOUT, 'rollouts-demo'], 2, /^error: give either a rollout or -f FILE, not both\n$/],
    [['-f', ROLLOUT, '--replicas', 'ten'], 2, /^error: invalid --replicas "ten": use a number of pods, an integer from 0\n$/],
    [['-f', ROLLOUT, '--replicas', '10', '-o', 'wide'], 2, /^error: unable to match a printer suitable for the output format "wide"/],
    [[], 2, /^error: give a rollout \(rollout\/NAME\) or a file \(-f FILE\) to plan\n$/],
    [['a', 'b'], 2, /^error: plan takes one rollout\n$/],
    [['-f', '/nonexistent/ro.yaml', '--replicas', '1'], 1, /^error: cannot read \/nonexistent\/ro.yaml: no such file\n$/],
    [['-f', DEPLOYMENT, '--replicas', '1'], 1, /^error: .* has no Rollout/],
    // An Advanced DaemonSet's replicas are the nodes it runs on: a manifest does not say how many.
    [
      ['-f', examplePath('e2e_rollout_canary_daemonset_base.yaml')],
      2,
      /^error: .* has no DaemonSet fluentd-elasticsearch to take the replicas from; give the number of pods with --replicas N\n$/,
    ],
    [
      ['-f', 'DS_AND_ROLLOUT'],
      2,
      /^error: DaemonSet fluentd-elasticsearch runs one pod per node, which .* does not say; give the number of pods with --replicas N\n$/,
    ],
  ])('%j: exit %d, one error line', async (args, code, stderr) => {
    if (args[1] === 'DS_AND_ROLLOUT')
      args = ['-f', write('ds.yaml', loadExample('e2e_rollout_canary_daemonset_base.yaml'), loadExample('e2e_advanced_daemonset.yaml'))];
    // No --server and no kubeconfig: any attempt to reach a cluster would fail differently.
    const r = await plan(...args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.code).toBe(code);
  });
});

describe('rollout plan ROLLOUT (real binary, sandbox)', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await controllerSandbox();
    await guide(sb);
  });
  afterAll(() => sb.close());

  it("reads the Rollout and its workload's replicas, and writes nothing", async () => {
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'plan', 'rollout/rollouts-demo');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Rollout rollouts-demo \(Partition\): Deployment\/workload-demo, 10 replicas\n/);
    expect(requests(sb, from)).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo',
      'GET /apis/apps/v1/namespaces/default/deployments/workload-demo',
    ]);
  });

  it('--replicas needs no workload read', async () => {
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'plan', 'rollouts-demo', '--replicas', '4', '-o', 'yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replicas: 4\nreplicasFrom: flag/);
    expect(requests(sb, from)).toHaveLength(1);
  });

  it('a missing rollout is the server NotFound (exit 1)', async () => {
    const r = await kruise(sb, 'rollout', 'plan', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
  });
});
