// `rollout demo` is the first thing a newcomer runs (`npm run demo`): the guide's walkthrough,
// through the real binary, must end with every pod at version-2 and show each step on the way.
import { runBinary } from '../helpers/cli.js';

test('rollout demo walks the guide to 10 version-2 pods', async () => {
  const r = await runBinary(['rollout', 'demo'], { env: { NO_COLOR: '1' }, timeoutMs: 60000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = r.stdout;
  // Each step of the guide, in order, with the command a user would type.
  const marks = [
    '## Step 0: the Deployment workload-demo (10 replicas, version-1)',
    '  pods: 10 × version-1',
    '## Step 1: apply the Rollout (batches: 1, 50%, 100%)',
    '## Step 2: upgrade the Deployment to version-2; batch 1 is released',
    '$ kubectl patch deployment workload-demo -p \'{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}\'',
    'Step:         1/3 StepPaused',
    '  pods: 9 × version-1, 1 × version-2',
    '$ kubectl-kruise rollout approve rollout/rollouts-demo -n default',
    'rollout.rollouts.kruise.io/rollouts-demo approved',
    'Step:         2/3 StepPaused',
    '  pods: 5 × version-1, 5 × version-2',
    'Step:         3/3 Completed',
    '  pods: 10 × version-2',
  ];
  let at = 0;
  for (const mark of marks) {
    const i = out.indexOf(mark, at);
    expect({ mark, found: i >= 0 }).toEqual({ mark, found: true });
    at = i + mark.length;
  }
  expect(out).toMatch(/Done in \d+\.\ds: 10 of 10 pods run version-2\.\n$/);
});
