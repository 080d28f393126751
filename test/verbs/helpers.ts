// A sandbox with the rollout controller and the guide's objects, for the verbs' end-to-end tests
// through the real binary: its request log shows what each command sent.
import {
  admitCloneSetUpdate,
  admitDaemonSetUpdate,
  admitDeploymentUpdate,
  admitStatefulSetUpdate,
} from '../../src/reconcile/workload-admission.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { rolloutController } from '../../src/sandbox/wire-rollout-controller.js';
import type { Pod } from '../../src/workload/types.js';
import { type CliResult, runBinary } from '../helpers/cli.js';
import { condition, GUIDE_PATCH, loadExample, rolloutOf, send, until, versionPatch } from '../scenarios/helpers.js';

export { GUIDE_PATCH, rolloutOf, until };

/** A sandbox running the rollout controller (pods ready at once). */
export function controllerSandbox(): Promise<Sandbox> {
  return createSandbox({
    podReadyDelayMs: 0,
    controllers: [rolloutController()],
    workloadAdmission: { admitDeploymentUpdate, admitCloneSetUpdate, admitStatefulSetUpdate, admitDaemonSetUpdate },
  });
}

/** The guide's Deployment and Rollout, created and at rest (Healthy, first deploy). */
export async function guide(sb: Sandbox): Promise<void> {
  await send(sb, 'POST', '/apis/apps/v1/namespaces/default/deployments', loadExample('docs_basic-usage_deployment_workload-demo.yaml'));
  await send(
    sb,
    'POST',
    '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
    loadExample('docs_basic-usage_rollout_v1beta1.yaml'),
  );
  await until(sb, 'rollout healthy', () => rolloutOf(sb)?.status?.phase === 'Healthy' && readyPods(sb) === 10);
}

/** Ready live pods of the demo. */
export function readyPods(sb: Sandbox, version?: string): number {
  return sb.store
    .list<Pod>('pods', { namespace: 'default' })
    .filter((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
    .filter((p) => version === undefined || JSON.stringify(p.spec.containers).includes(`"${version}"`)).length;
}

/** Patches the Deployment to `version` (the guide's patch) and waits until step `step` waits for approval. */
export async function releaseTo(sb: Sandbox, version: string, step = 1): Promise<void> {
  await send(
    sb,
    'PATCH',
    '/apis/apps/v1/namespaces/default/deployments/workload-demo',
    versionPatch(version),
    'application/strategic-merge-patch+json',
  );
  await until(sb, `step ${step} paused`, () => {
    const s = rolloutOf(sb)?.status?.canaryStatus;
    return s?.currentStepIndex === step && s.currentStepState === 'StepPaused';
  });
}

/** Approves the current step through the API (as `rollout approve` would) and waits for step `next` paused. */
export async function approveTo(sb: Sandbox, next: number): Promise<void> {
  const r = await kruise(sb, 'rollout', 'approve', 'rollouts-demo');
  if (r.code !== 0) throw new Error(r.stderr);
  await until(sb, `step ${next} paused`, () => {
    const s = rolloutOf(sb)?.status?.canaryStatus;
    return s?.currentStepIndex === next && s.currentStepState === 'StepPaused';
  });
}

/** The real binary against the sandbox. */
export function kruise(sb: Sandbox, ...args: string[]): Promise<CliResult> {
  return runBinary([...args, '--server', sb.url], { env: { NO_COLOR: '1' } });
}

/**
 * Waits until the in-process controller has stopped talking to the sandbox (no request for 300 ms),
 * so that what comes after is the command's own; returns the request count to pass to `requests`.
 */
export async function quiet(sb: Sandbox): Promise<number> {
  for (let seen = -1; seen !== sb.requests.length; ) {
    seen = sb.requests.length;
    await new Promise((r) => setTimeout(r, 300));
  }
  return sb.requests.length;
}

/** The requests the sandbox received since `from`, as `METHOD path`; writes only with `writes`. */
export function requests(sb: Sandbox, from = 0, writes = false): string[] {
  return sb.requests
    .slice(from)
    .filter((r) => !writes || r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`);
}

export { condition };
