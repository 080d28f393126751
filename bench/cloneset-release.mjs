// (8) A CloneSet of 1,000 pods released in 5 batches (20% … 100%) by the rollout controller:
// `reconcile-once` through a counting proxy in front of a sandbox started without its own rollout
// controller (the sandbox's CloneSet controller makes the pods), so every request the controller
// sends is counted. Per batch: requests, pod writes (the batch labels), wall time from the
// approval to the step waiting again (or the release completing).
import { join } from 'node:path';
import { jsonClient } from './lib/http.mjs';
import { runTimed } from './lib/proc.mjs';
import { describeRequests, startCountingProxy, startSandbox, writeKubeconfig } from './lib/sandbox.mjs';
import { fmtMs } from './lib/stats.mjs';

const NS = 'default';
const NAME = 'bench-cs';
const CS = `/apis/apps.kruise.io/v1alpha1/namespaces/${NS}/clonesets`;
const RO = `/apis/rollouts.kruise.io/v1beta1/namespaces/${NS}/rollouts`;
const STEPS = ['20%', '40%', '60%', '80%', '100%'];

function cloneSet(replicas, version) {
  return {
    apiVersion: 'apps.kruise.io/v1alpha1',
    kind: 'CloneSet',
    metadata: { name: NAME, namespace: NS, labels: { app: NAME } },
    spec: {
      replicas,
      selector: { matchLabels: { app: NAME } },
      updateStrategy: { maxUnavailable: '100%' },
      template: {
        metadata: { labels: { app: NAME } },
        spec: { containers: [{ name: 'main', image: 'busybox', env: [{ name: 'VERSION', value: version }] }] },
      },
    },
  };
}

/**
 * Runs the section; `row(section, figure, measured, target, ok)` records a line. The release runs
 * at `replicas` and again at a fifth of it, to show that the pod-label writes of a batch are the
 * pods of the batch, and that the other requests of a batch do not grow with the workload.
 */
export async function benchCloneSetRelease({ root, tmp, env, row, log, replicas = 1000 }) {
  const S = '8 cloneset';
  const small = Math.max(STEPS.length, Math.round(replicas / 5));
  const big = await releaseOnce({ root, tmp, env, row, log, replicas, S });
  const little = await releaseOnce({ root, tmp, env, row: () => {}, log, replicas: small, S });
  const batch = (n) => n / STEPS.length;
  // Label writes follow the batch: one PUT per pod the batch adds, whatever the workload's size.
  const linear = [
    [big, replicas],
    [little, small],
  ].every(([runs, n]) => runs.every((b) => b.podWrites === batch(n)));
  row(
    S,
    `pod-label writes per batch at ${small} / ${replicas} pods (batches of ${batch(small)} / ${batch(replicas)})`,
    `${little.map((b) => b.podWrites).join(' ')} / ${big.map((b) => b.podWrites).join(' ')}`,
    '= the batch',
    linear,
  );
  // Everything else a batch sends (reads, the CloneSet, the Rollout, the BatchRelease) is the same at both sizes.
  const others = (runs) => runs.map((b) => b.requests - b.podWrites);
  const flat = others(big).every((n, i) => n <= 1.5 * others(little)[i] + 5);
  row(
    S,
    `requests besides the pod-label writes, per batch, at ${small} / ${replicas} pods`,
    `${others(little).join(' ')} / ${others(big).join(' ')}`,
    'flat (≤ 1.5×)',
    flat,
  );
  return { perBatch: big, small: little };
}

/** One release of a CloneSet of `replicas` pods in a fresh sandbox; the per-batch figures. */
async function releaseOnce({ root, tmp, env, row, log, replicas, S }) {
  const bin = join(root, 'bin/kubectl-kruise');
  const sb = await startSandbox({
    root,
    dir: tmp,
    name: `cloneset-${replicas}`,
    extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'],
  });
  const proxy = await startCountingProxy(sb.url);
  const kc = writeKubeconfig(join(tmp, `cloneset-${replicas}-proxy.kc`), proxy.url);
  const c = jsonClient(sb.url);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const until = async (what, pred, ms = 300_000) => {
    const start = performance.now();
    while (performance.now() - start < ms) {
      if (await pred()) return;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const reconcile = async () => {
    const r = await runTimed(bin, ['rollout', 'reconcile-once', NAME, '--kubeconfig', kc], { env, cwd: root, tmp });
    if (r.code !== 0) throw new Error(`reconcile-once: ${r.stderr.trim()}`);
  };
  const status = async () => (await c.must('GET', `${RO}/${NAME}`)).status ?? {};
  const podsUpdated = async () => (await c.must('GET', `${CS}/${NAME}`)).status ?? {};
  try {
    log(`cloneset: ${replicas} pods`);
    await c.must('POST', CS, cloneSet(replicas, 'v1'));
    await until('the CloneSet ready', async () => (await podsUpdated()).readyReplicas === replicas);
    await c.must('POST', RO, {
      apiVersion: 'rollouts.kruise.io/v1beta1',
      kind: 'Rollout',
      metadata: { name: NAME, namespace: NS },
      spec: {
        workloadRef: { apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet', name: NAME },
        strategy: { canary: { steps: STEPS.map((replicas) => ({ replicas })) } },
      },
    });
    await reconcile();
    const cs = await c.must('GET', `${CS}/${NAME}`);
    cs.spec.template.spec.containers[0].env = [{ name: 'VERSION', value: 'v2' }];
    await c.must('PUT', `${CS}/${NAME}`, cs);
    const perBatch = [];
    for (let step = 1; step <= STEPS.length; step++) {
      const from = proxy.log.length;
      const t0 = performance.now();
      if (step > 1) {
        const a = await runTimed(bin, ['rollout', 'approve', NAME, '--step', String(step - 1), '--kubeconfig', sb.kubeconfig], {
          env,
          cwd: root,
          tmp,
        });
        if (a.code !== 0) throw new Error(`approve ${step - 1}: ${a.stderr.trim()}`);
      }
      // Passes until the step waits for approval (the last: until the release completes).
      await until(`step ${step}`, async () => {
        await reconcile();
        const s = await status();
        const cs = s.canaryStatus ?? {};
        if (step === STEPS.length) return s.phase === 'Healthy';
        return cs.currentStepIndex === step && cs.currentStepState === 'StepPaused';
      });
      const reqs = proxy.since(from);
      const podWrites = reqs.filter((r) => r.method === 'PUT' && r.path.includes('/pods/')).length;
      const ms = performance.now() - t0;
      perBatch.push({ step, requests: reqs.length, podWrites, ms });
      row(
        S,
        `${replicas} pods, batch ${step} (${STEPS[step - 1]}): requests / pod-label writes / wall`,
        `${describeRequests(reqs)} / ${podWrites} / ${fmtMs(ms)}`,
      );
    }
    return perBatch;
  } finally {
    c.close();
    await proxy.close();
    await sb.stop();
  }
}
