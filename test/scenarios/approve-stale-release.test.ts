// `approve --step N` right after a workload change, before the controller has seen it: the
// Rollout still shows the previous release, finished. "Already approved" would let a CI job move
// on past a batch nobody approved; approve refuses instead and writes nothing.

import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../helpers/cli.js';
import { GUIDE_PATCH, loadExample, readyVersions, rolloutOf, send, until } from './helpers.js';

describe('approve --step against a status from the previous release', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    // No controller loop: the test decides when the controller runs (reconcile-once).
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
  });
  afterEach(async () => {
    await sb.close();
  });

  test('is refused with a hint, writes nothing; once the release starts, approve works', async () => {
    const kruise = (...args: string[]) => runCli(['rollout', ...args, '--server', sb.url]);
    await send(sb, 'POST', '/apis/apps/v1/namespaces/default/deployments', loadExample('docs_basic-usage_deployment_workload-demo.yaml'));
    await until(sb, '10 ready v1 pods', () => readyVersions(sb)['version-1'] === 10);
    await send(
      sb,
      'POST',
      '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
      loadExample('docs_basic-usage_rollout_v1beta1.yaml'),
    );
    expect((await kruise('reconcile-once', 'rollouts-demo')).code).toBe(0);
    expect(rolloutOf(sb).status).toMatchObject({ phase: 'Healthy', canaryStatus: { currentStepIndex: 3, currentStepState: 'Completed' } });

    await send(
      sb,
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/workload-demo',
      GUIDE_PATCH,
      'application/strategic-merge-patch+json',
    );
    const writesBefore = sb.requests.filter((r) => r.method !== 'GET').length;
    for (const step of ['1', '2']) {
      const r = await kruise('approve', 'rollouts-demo', '--step', step);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `error: rollouts.rollouts.kruise.io "rollouts-demo" does not allow to approve: the status is from an earlier release (it observed Deployment generation 1, the Deployment is at 2); the controller has not started the current release yet: wait for it with \`rollout watch rollouts-demo --until paused --step ${step}\`; nothing was written\n`,
      );
    }
    expect(sb.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);

    // The controller starts the release and releases batch 1; now step 1 can be approved.
    for (let i = 0; i < 6 && rolloutOf(sb).status?.canaryStatus?.currentStepState !== 'StepPaused'; i++) {
      expect((await kruise('reconcile-once', 'rollouts-demo')).code).toBe(0);
      await until(sb, '1 ready v2 pod', () => readyVersions(sb)['version-2'] === 1);
    }
    expect(await kruise('approve', 'rollouts-demo', '--step', '1')).toEqual({
      code: 0,
      stdout: 'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)\n',
      stderr: '',
    });
  });
});
