// reconcile-once runs a rollout's passes until the state machine stops changing, and no further
// than its bound (docs/controller.md §6; src/reconcile/apply.ts MAX_PASSES): the start of a release
// takes 4 passes to StepUpgrade, so a bound of 2 stops short of it and the next run goes on from
// where it stopped.
import { clientFromGlobals } from '../../src/kube/from-flags.js';
import { MAX_PASSES, reconcileUntilSettled } from '../../src/reconcile/apply.js';
import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { Pod } from '../../src/workload/types.js';
import { example } from '../fixtures/load.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
});
afterEach(async () => {
  await sb.close();
});

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

async function readyPods(n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const ready = sb.store
      .list<Pod>('pods', { namespace: 'default' })
      .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready === n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never ${n} ready pods`);
}

const GUIDE_PATCH = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';

test('a run stops at its pass bound, and the next run goes on from there', async () => {
  expect(MAX_PASSES).toBeGreaterThanOrEqual(10);
  await post('/apis/apps/v1/namespaces/default/deployments', example('docs_basic-usage_deployment_workload-demo.yaml')[0]);
  await readyPods(10);
  await post('/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', example('docs_basic-usage_rollout_v1beta1.yaml')[0]);
  const client = await clientFromGlobals({ server: sb.url } as any, { io: { err: { write: () => true } }, env: {} });
  const key = { namespace: 'default', name: 'rollouts-demo' };
  const status = () => sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo')?.status;
  try {
    expect((await reconcileUntilSettled(client, key, () => new Date())).error).toBeUndefined();
    expect(status()?.phase).toBe('Healthy');

    // A release: unbounded, one run goes Healthy -> StepUpgrade in 4 passes (sandbox-e2e.test.ts).
    const res = await fetch(`${sb.url}/apis/apps/v1/namespaces/default/deployments/workload-demo`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      body: GUIDE_PATCH,
    });
    expect(res.status).toBe(200);
    const bounded = await reconcileUntilSettled(client, key, () => new Date(), { maxPasses: 2 });
    expect(bounded.error).toBeUndefined();
    expect(bounded.passes).toBe(2);
    expect(status()?.currentStepState).not.toBe('StepUpgrade');

    const rest = await reconcileUntilSettled(client, key, () => new Date());
    expect(rest.error).toBeUndefined();
    expect(status()).toMatchObject({ phase: 'Progressing', currentStepIndex: 1, currentStepState: 'StepUpgrade' });
  } finally {
    client.close();
  }
});
