// `watch --follow` keeps a pane on a rollout across releases; `--wait-for-release` lets a gate
// started before the release wait for it. Both through the real binary against the sandbox's
// controllers, with kubectl doing what the user does.
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { runBinary, startBinary } from '../helpers/cli.js';
import { firstKubectl, GUIDE_PATCH, guideSetUp, kruiseIn, kubectlOk, versionPatch } from '../scenarios/helpers.js';
import { waitFor } from '../watch/harness.js';

const kubectls = firstKubectl(availableKubectls());

describe.each(kubectls.map((k) => [k.label, k] as const))('following releases with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl);
    await guideSetUp(env);
  });
  afterEach(async () => {
    await env?.close();
  });

  test('--wait-for-release: a gate started while the last release is complete waits for the next one (without it: exit 4)', async () => {
    const kc = ['--kubeconfig', env.kubeconfig];
    const early = await runBinary(['rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '1', '--timeout', '10s', ...kc]);
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(/cannot be paused at step 1: the release completed without pausing at step 1/);

    const gate = startBinary([
      'rollout',
      'watch',
      'rollouts-demo',
      '--until',
      'paused',
      '--step',
      '1',
      '--wait-for-release',
      '--timeout',
      '20s',
      ...kc,
    ]);
    let out = '';
    gate.child.stdout!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('rollouts-demo Healthy'), 'the gate to see the completed release', 10000);
    await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', GUIDE_PATCH]);
    expect(await gate.exited).toBe(0);
    expect(out).toMatch(/rollout\/rollouts-demo is paused at step 1: step 1 is waiting for approval\n$/);
    expect(gate.stderr()).toBe('');
  }, 40000);

  test('--follow: one pane across two releases; it never exits on a condition, Ctrl-C ends it (130)', async () => {
    const kruise = kruiseIn(env);
    const pane = startBinary(['rollout', 'watch', 'rollouts-demo', '--follow', '--kubeconfig', env.kubeconfig]);
    let out = '';
    pane.child.stdout!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('rollouts-demo Healthy'), 'the first line', 10000);
    for (const version of ['version-2', 'version-3']) {
      await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', versionPatch(version)]);
      for (const step of [1, 2]) {
        expect(
          (await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', String(step), '--timeout', '10s')).code,
        ).toBe(0);
        expect((await kruise('rollout', 'approve', 'rollouts-demo', '--step', String(step))).code).toBe(0);
      }
      expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s')).code).toBe(0);
    }
    await waitFor(() => (out.match(/Healthy step 3\/3 Completed/g) ?? []).length >= 3, 'both releases completed in the pane', 10000);
    expect(out).toMatch(/rollouts-demo Progressing step 1\/3 StepPaused/);
    expect(out).toMatch(/rollouts-demo Progressing step 2\/3 StepPaused/);
    expect(out).not.toMatch(/rollout\/rollouts-demo is completed/); // no exit on the condition
    expect(pane.child.exitCode).toBeNull();
    pane.child.kill('SIGINT');
    expect(await pane.exited).toBe(130);
  }, 60000);
});
