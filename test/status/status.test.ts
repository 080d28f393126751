import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { remove, seedScenario } from '../fixtures/seed.js';
import { runCli } from '../helpers/cli.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ port: 0, podReadyDelayMs: 0 });
});
afterEach(async () => {
  await sb.close();
});

const requestsDuring = async <T>(fn: () => Promise<T>): Promise<[T, string[]]> => {
  const before = sb.requests.length;
  const result = await fn();
  return [result, sb.requests.slice(before).map((r) => `${r.method} ${r.path}`)];
};

describe('rollout status', () => {
  test('prints the view with exactly four requests while Progressing (GET rollout, workload, BatchRelease, LIST pods)', async () => {
    await seedScenario(sb.url, scenario('canary-step-paused'));
    const [r, requests] = await requestsDuring(() => runCli(['rollout', 'status', 'rollout/rollouts-demo', '--server', sb.url]));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Name:         rollouts-demo',
        'Namespace:    default',
        'Status:       ⚠ Progressing',
        'Message:      Rollout is in step(1/3), and you need manually confirm to enter the next step',
        'Strategy:     Partition',
        'Step:         1/3 StepPaused',
        'Release:      waiting for approval (rollout approve rollouts-demo --step 1 to continue)',
        'Steps:',
        '  →  1  replicas: 1     planned: 1   pause: manual',
        '     2  replicas: 50%   planned: 5   pause: manual',
        '     3  replicas: 100%  planned: 10  pause: none',
        'Batch:        planned 1, updated 1, ready 1',
        'Pods:         none',
        'Revisions:    stable 5b7c9f8d6, canary 6d8f7c9b54',
        'Images:       canary busybox:latest',
        'Workload:     Deployment/workload-demo (generation 1, observed 1, replicas 10)',
        'Paused:       no',
        'Disabled:     no',
        'Conditions:',
        '  TYPE         STATUS  REASON     MESSAGE',
        '  Progressing  True    InRolling  Rollout is in Progressing',
        '',
      ].join('\n'),
    );
    // The seeded release has no BatchRelease (404): none is shown.
    expect(requests).toEqual([
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo',
      'GET /apis/apps/v1/namespaces/default/deployments/workload-demo',
      'GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/batchreleases/rollouts-demo',
      // One LIST of the workload's pods by its selector, never one request per pod.
      'GET /api/v1/namespaces/default/pods',
    ]);
  });

  test('-o json: the view with the derived fields', async () => {
    await seedScenario(sb.url, scenario('release-completed'));
    const r = await runCli(['rollout', 'status', 'rollouts-demo', '-o', 'json', '--server', sb.url]);
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout);
    expect(view).toMatchObject({
      kind: 'RolloutStatusView',
      name: 'rollouts-demo',
      phase: 'Healthy',
      currentStepIndex: 3,
      currentStepState: 'Completed',
      done: true,
      waitingForApproval: false,
      currentRelease: true,
      rolloutId: { observed: '20261127', workload: '20261127' },
      batch: { planned: 10, updated: 10, ready: 10 },
    });
  });

  test('-o yaml', async () => {
    await seedScenario(sb.url, scenario('canary-step-paused'));
    const r = await runCli(['rollout', 'status', 'rollouts-demo', '-o', 'yaml', '--server', sb.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: RolloutStatusView\n');
    expect(r.stdout).toContain('waitingForApproval: true\n');
    expect(r.stdout).toContain('currentStepState: StepPaused\n');
  });

  test('a missing workload is shown, not an error', async () => {
    const { rollout, workload } = await seedScenario(sb.url, scenario('canary-step-paused'));
    await remove(sb.url, workload!);
    const r = await runCli(['rollout', 'status', 'rollouts-demo', '--server', sb.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Workload:     Deployment/workload-demo (not found)\n');
    expect(r.stdout).toContain('Release:      workload not found\n');
    expect(rollout.metadata.name).toBe('rollouts-demo');
  });

  test('a Rollout with no status yet', async () => {
    const { rollout, workload } = scenario('canary-step-paused');
    delete rollout.status;
    await seedScenario(sb.url, { rollout, workload });
    const r = await runCli(['rollout', 'status', 'rollouts-demo', '-o', 'json', '--server', sb.url]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      phase: null,
      currentStepIndex: null,
      subStatus: null,
      done: false,
      currentRelease: false,
    });
  });

  test('several rollouts: text blocks in order, -o json a List', async () => {
    await seedScenario(sb.url, scenario('canary-step-paused'));
    const other = scenario('healthy-first-deploy');
    other.rollout.metadata.name = 'other';
    other.rollout.spec.workloadRef!.name = 'other-workload';
    other.workload!.metadata.name = 'other-workload';
    await seedScenario(sb.url, other);
    const json = await runCli(['rollout', 'status', 'rollouts-demo', 'other', '-o', 'json', '--server', sb.url]);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((v: { name: string; done: boolean }) => [v.name, v.done])).toEqual([
      ['rollouts-demo', false],
      ['other', true],
    ]);
    const text = await runCli(['rollout', 'status', 'rollouts-demo', 'rollout/other', '--server', sb.url]);
    expect(text.stdout.match(/^Name: +.*$/gm)).toEqual(['Name:         rollouts-demo', 'Name:         other']);
    expect(text.stdout).toContain('Rollout is in Progressing\n\nName:         other\n');
  });

  test('not found → exit 1, one line on stderr', async () => {
    const r = await runCli(['rollout', 'status', 'nope', '--server', sb.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error from server (NotFound): rollouts.rollouts.kruise.io "nope" not found in namespace "default"\n');
  });

  test('bad -o → exit 2, no request sent', async () => {
    const [r, requests] = await requestsDuring(() => runCli(['rollout', 'status', 'rollouts-demo', '-o', 'wide', '--server', sb.url]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('allowed formats are: json, yaml');
    expect(requests).toEqual([]);
  });
});
