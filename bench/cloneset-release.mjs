// (8) A CloneSet of 1,000 pods released in 5 batches (20% … 100%) by the rollout controller:
// `reconcile-once` through a counting proxy in front of a sandbox started without its own rollout
// controller (the sandbox's CloneSet controller makes the pods), so every request the controller
// sends is counted. Per batch: requests, pod writes (the batch labels), wall time from the
// approval to the step waiting again (or the release completing).
// (8b) The same for an Advanced DaemonSet on 1,000 Node objects (one pod per node).
import { join } from 'node:path';
import { jsonClient } from './lib/http.mjs';
import { runTimed } from './lib/proc.mjs';
import { describeRequests, startCountingProxy, startSandbox, writeKubeconfig } from './lib/sandbox.mjs';
import { fmtMs } from './lib/stats.mjs';

const NS = 'default';
const RO = `/apis/rollouts.kruise.io/v1beta1/namespaces/${NS}/rollouts`;
const NODES = '/api/v1/nodes';
const STEPS = ['20%', '40%', '60%', '80%', '100%'];

const template = (name) => ({
  metadata: { labels: { app: name } },
  spec: { containers: [{ name: 'main', image: 'busybox', env: [{ name: 'VERSION', value: 'v1' }] }] },
});

/** What differs per kind: where it lives, the object for `replicas` pods, and when all its pods are ready. */
const KINDS = {
  cloneset: {
    S: '8 cloneset',
    name: 'bench-cs',
    kind: 'CloneSet',
    path: `/apis/apps.kruise.io/v1alpha1/namespaces/${NS}/clonesets`,
    object: (name, replicas) => ({
      apiVersion: 'apps.kruise.io/v1alpha1',
      kind: 'CloneSet',
      metadata: { name, namespace: NS, labels: { app: name } },
      spec: { replicas, selector: { matchLabels: { app: name } }, updateStrategy: { maxUnavailable: '100%' }, template: template(name) },
    }),
    allReady: (status, replicas) => status.readyReplicas === replicas,
  },
  daemonset: {
    S: '8b daemonset',
    name: 'bench-ds',
    kind: 'DaemonSet',
    path: `/apis/apps.kruise.io/v1alpha1/namespaces/${NS}/daemonsets`,
    // One pod per Node object: `replicas` nodes are created first.
    nodes: true,
    object: (name) => ({
      apiVersion: 'apps.kruise.io/v1alpha1',
      kind: 'DaemonSet',
      metadata: { name, namespace: NS, labels: { app: name } },
      spec: {
        selector: { matchLabels: { app: name } },
        updateStrategy: { rollingUpdate: { maxUnavailable: '100%' } },
        template: template(name),
      },
    }),
    allReady: (status, replicas) => status.desiredNumberScheduled === replicas && status.numberReady === replicas,
  },
};

/**
 * Runs the section; `row(section, figure, measured, target, ok)` records a line. The release runs
 * at `replicas` and again at a fifth of it, to show that the pod-label writes of a batch are the
 * pods of the batch, and that the other requests of a batch do not grow with the workload.
 */
export function benchCloneSetRelease(opts) {
  return benchWorkloadRelease(KINDS.cloneset, opts);
}

/** The same for an Advanced DaemonSet: `replicas` Node objects, one pod on each. */
export function benchDaemonSetRelease(opts) {
  return benchWorkloadRelease(KINDS.daemonset, opts);
}

async function benchWorkloadRelease(kind, { root, tmp, env, row, log, replicas = 1000 }) {
  const S = kind.S;
  const small = Math.max(STEPS.length, Math.round(replicas / 5));
  const big = await releaseOnce({ kind, root, tmp, env, row, log, replicas });
  const little = await releaseOnce({ kind, root, tmp, env, row: () => {}, log, replicas: small });
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
  // Everything else a batch sends (reads, the workload, the Rollout, the BatchRelease) is the same at both sizes.
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

/** One release of a workload of `replicas` pods in a fresh sandbox; the per-batch figures. */
async function releaseOnce({ kind, root, tmp, env, row, log, replicas }) {
  const { S, name: NAME, path: CS } = kind;
  const bin = join(root, 'bin/kubectl-kruise');
  const sb = await startSandbox({
    root,
    dir: tmp,
    name: `${kind.kind.toLowerCase()}-${replicas}`,
    extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'],
  });
  const proxy = await startCountingProxy(sb.url);
  const kc = writeKubeconfig(join(tmp, `${kind.kind.toLowerCase()}-${replicas}-proxy.kc`), proxy.url);
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
    log(`${kind.kind}: ${replicas} pods`);
    if (kind.nodes)
      for (let i = 0; i < replicas; i++)
        await c.must('POST', NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${String(i).padStart(4, '0')}` } });
    await c.must('POST', CS, kind.object(NAME, replicas));
    await until(`the ${kind.kind} ready`, async () => kind.allReady(await podsUpdated(), replicas));
    await c.must('POST', RO, {
      apiVersion: 'rollouts.kruise.io/v1beta1',
      kind: 'Rollout',
      metadata: { name: NAME, namespace: NS },
      spec: {
        workloadRef: { apiVersion: 'apps.kruise.io/v1alpha1', kind: kind.kind, name: NAME },
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
