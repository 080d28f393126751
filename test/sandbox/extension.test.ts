// The extension points: extra controllers (started with url/store/now, stopped on close) and
// the workload admission applied to Deployment updates in the same write.

import { createSandbox } from '../../src/sandbox/server.js';
import type { StoreEvent } from '../../src/sandbox/store.js';
import type { SandboxController, SandboxControllerContext, WorkloadAdmission } from '../../src/sandbox/types.js';
import type { Deployment } from '../../src/workload/types.js';
import { call, deployment, openWatch, rollout } from './http.js';

const D = '/apis/apps/v1/namespaces/default/deployments';

test('a controller gets the URL, the store and the clock, sees changes, and is stopped on close', async () => {
  const seen: string[] = [];
  let ctx: SandboxControllerContext | undefined;
  let stopped = false;
  const controller: SandboxController = {
    name: 'recorder',
    start(c) {
      ctx = c;
      c.store.subscribe((e: StoreEvent) => seen.push(`${e.type} ${e.resource}/${e.object.metadata.name}`));
    },
    async stop() {
      stopped = true;
    },
  };
  const sb = await createSandbox({ builtinControllers: false, controllers: [controller] });
  expect(ctx!.url).toBe(sb.url);
  expect(ctx!.store).toBe(sb.store);
  await call(sb.url, 'POST', D, deployment('web'));
  expect(seen).toEqual(['ADDED deployments/web']);
  expect(ctx!.store.get('deployments', 'default', 'web')?.metadata.name).toBe('web');
  await sb.close();
  expect(stopped).toBe(true);
});

test('the workload admission sees old and new Deployment, the Rollouts and owned ReplicaSets, on PUT and PATCH, in one write', async () => {
  const calls: { rollouts: string[]; replicaSets: number; oldReplicas?: number; newReplicas?: number }[] = [];
  const admission: WorkloadAdmission = {
    admitDeploymentUpdate(oldD, newD, ctx) {
      calls.push({
        rollouts: ctx.rollouts.map((r) => r.metadata.name!),
        replicaSets: ctx.replicaSets.length,
        oldReplicas: oldD.spec.replicas,
        newReplicas: newD.spec.replicas,
      });
      return {
        ...newD,
        spec: { ...newD.spec, paused: true },
        metadata: { ...newD.metadata, annotations: { ...newD.metadata.annotations, admitted: 'yes' } },
      } as Deployment;
    },
  };
  const sb = await createSandbox({ builtinControllers: false, workloadAdmission: admission });
  try {
    const d = (await call(sb.url, 'POST', D, deployment('web', 1))).body;
    expect(calls).toEqual([]); // create is not an update
    await call(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', rollout('demo', 'web'));
    const w = await openWatch(sb.url, `${D}?watch=true&resourceVersion=${sb.store.resourceVersion}`);
    const put = (
      await call(sb.url, 'PUT', `${D}/web`, {
        ...d,
        metadata: { ...d.metadata, resourceVersion: undefined },
        spec: { ...d.spec, replicas: 2 },
      })
    ).body;
    expect(put.spec.paused).toBe(true);
    expect(put.metadata.annotations.admitted).toBe('yes');
    const events = await w.waitFor(1);
    expect(events).toHaveLength(1); // one write, not a write and a fix-up
    expect(events[0]!.object.spec.paused).toBe(true);
    w.close();
    await call(sb.url, 'PATCH', `${D}/web`, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(calls).toEqual([
      { rollouts: ['demo'], replicaSets: 0, oldReplicas: 1, newReplicas: 2 },
      { rollouts: ['demo'], replicaSets: 0, oldReplicas: 2, newReplicas: 3 },
    ]);
    await call(sb.url, 'PUT', `${D}/web/status`, { ...put, status: { replicas: 1 } });
    expect(calls).toHaveLength(2); // status writes are not admitted
  } finally {
    await sb.close();
  }
});
