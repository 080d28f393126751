// What an operator sees on a real release (the guide's objects, the sandbox's controllers, kubectl
// for the user's own steps): the pods behind each batch — a crash-looping canary pod is named —
// the approve that says which step it released, refusals that say what to run next.
import { availableKubectls, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import { runBinary } from '../helpers/cli.js';
import { firstKubectl, guideSetUp, kruiseIn, releaseToStep } from '../scenarios/helpers.js';

const kubectls = firstKubectl(availableKubectls());

/** Makes one pod crash-loop: the status a kubelet writes after five restarts. */
async function crashLoop(env: KubectlEnv, name: string): Promise<void> {
  const url = `${env.sb.url}/api/v1/namespaces/default/pods/${name}`;
  const pod = (await (await fetch(url)).json()) as any;
  pod.status.conditions = pod.status.conditions.map((c: any) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
  );
  pod.status.containerStatuses = pod.status.containerStatuses.map((c: any) => ({
    ...c,
    ready: false,
    restartCount: 5,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting failed container' } },
  }));
  const res = await fetch(`${url}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pod) });
  if (!res.ok) throw new Error(`PUT pod status: ${res.status} ${await res.text()}`);
}

describe.each(kubectls.map((k) => [k.label, k] as const))('the operator view with %s', (_label, kubectl) => {
  let env: KubectlEnv;
  beforeAll(async () => {
    env = await startKubectlEnv(kubectl);
    await guideSetUp(env);
    await releaseToStep(env, 1);
  });
  afterAll(async () => {
    await env?.close();
  });

  test('status names a crash-looping canary pod, with its batch, restarts and status; -o json carries pods and images', async () => {
    const kruise = kruiseIn(env);
    const pods = (await (await fetch(`${env.sb.url}/api/v1/namespaces/default/pods?labelSelector=app%3Ddemo`)).json()) as any;
    const canary = pods.items.find((p: any) => p.metadata.labels['rollouts.kruise.io/rollout-batch-id'] === '1');
    expect(canary).toBeDefined();
    await crashLoop(env, canary.metadata.name);

    const r = await kruise('rollout', 'status', 'rollouts-demo');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Pods: {9}canary: 0\/1 ready \(batch 1: 0\/1\)$/m);
    expect(r.stdout).toMatch(/^ {14}stable: 9\/9 ready$/m);
    const row = r.stdout.split('\n').find((l) => l.includes(canary.metadata.name));
    expect(row).toMatch(new RegExp(`^  ${canary.metadata.name}\\s+0/1\\s+1\\s+canary\\s+\\S+\\s+5\\s+CrashLoopBackOff$`));
    // Only the pod that is not ready is listed without --pods; --pods lists all ten.
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  workload-demo-'))).toHaveLength(1);
    const all = await kruise('rollout', 'status', 'rollouts-demo', '--pods');
    expect(all.stdout.split('\n').filter((l) => l.startsWith('  workload-demo-'))).toHaveLength(10);
    expect(all.stdout).toMatch(/^ {2}NAME\s+READY\s+BATCH\s+REVISION\s+AGE\s+RESTARTS\s+STATUS$/m);

    const j = JSON.parse((await kruise('rollout', 'status', 'rollouts-demo', '-o', 'json')).stdout);
    expect(j.images).toEqual({ stable: ['busybox:latest'], canary: ['busybox:latest'] });
    expect(j.pods).toHaveLength(10);
    expect(j.pods.find((p: any) => p.name === canary.metadata.name)).toMatchObject({
      status: 'CrashLoopBackOff',
      restarts: 5,
      batch: '1',
      revision: 'canary',
      isReady: false,
    });
    expect(j.podGroups).toEqual([
      { revision: 'canary', batch: '1', ready: 0, total: 1 },
      { revision: 'stable', batch: null, ready: 9, total: 9 },
    ]);
    expect(j.traffic).toBeNull();
  });

  test('approve names the step it released; a second approve is refused with the real state and the command to wait with', async () => {
    const kc = ['--kubeconfig', env.kubeconfig];
    const first = await runBinary(['rollout', 'approve', 'rollouts-demo', ...kc]);
    expect(first).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
    // Batch 2 cannot become ready (a batch-1 pod crash-loops): the release stays in StepUpgrade at step 2.
    const kruise = kruiseIn(env);
    expect((await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '1s')).code).toBe(3);
    const writes = env.sb.requests.filter((q) => q.method !== 'GET').length;
    const second = await runBinary(['rollout', 'approve', 'rollouts-demo', ...kc]);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(
      /^error: rollouts\.rollouts\.kruise\.io "rollouts-demo" does not allow to approve, because current canary state is not 'StepPaused': step 2\/3 is StepUpgrade \(planned 5, updated \d+, ready \d+\); wait with: kubectl-kruise rollout watch rollouts-demo --until paused --step 2\n$/,
    );
    expect(env.sb.requests.filter((q) => q.method !== 'GET').length).toBe(writes);
    // The timeout of a gate says where the rollout was stuck.
    const gate = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', '2', '--timeout', '1s');
    expect(gate.stderr).toMatch(
      /^error: timed out after 1s waiting for rollout\/rollouts-demo to be paused at step 2: at step 2\/3 StepUpgrade — the batch is not ready \(planned 5, updated \d+, ready \d+\)\n$/,
    );
  });

  test('bad input: one error line naming the namespace, exit 1, nothing written (real binary)', async () => {
    const before = env.sb.requests.filter((q) => q.method !== 'GET').length;
    const r = await runBinary(['rollout', 'status', 'nope', '--kubeconfig', env.kubeconfig, '-n', 'team-a']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "team-a"\n',
    });
    const a = await runBinary(['rollout', 'approve', 'rollouts-demo', '--step', '9', '--kubeconfig', env.kubeconfig]);
    expect(a).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: rollouts.rollouts.kruise.io "rollouts-demo" does not allow to approve step 9: step 9 does not exist (the rollout has 3 steps)\n',
    });
    const p = await runBinary(['rollout', 'promote', 'rollouts-demo', '--kubeconfig', env.kubeconfig]);
    expect(p).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: unknown command 'promote': use 'kubectl-kruise rollout approve' for that here\n",
    });
    expect(env.sb.requests.filter((q) => q.method !== 'GET').length).toBe(before);
  });
});
