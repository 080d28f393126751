// Scenario 12: races. A sandbox WITHOUT the controller loop; two real `reconcile-once` binaries
// looping and one `approve --step N` binary looping, all at once, over full releases, round after
// round. Every status the Rollout goes through is recorded from the sandbox store's change feed;
// after each round: no step skipped, every manual step paused then approved, and no approval lost.
// Needs bin/kubectl-kruise built (`node scripts/build.mjs`, npm test's pretest).

import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { Pod } from '../../src/workload/types.js';
import { type CliResult, runBinary } from '../helpers/cli.js';
import {
  condition,
  countVersions,
  deploymentOf,
  loadExample,
  podVersionsHttp,
  readyVersions,
  recordStatuses,
  releaseOf,
  releaseProblems,
  rolloutOf,
  send,
  until,
  versionPatch,
} from './helpers.js';

const ROUNDS = Number(process.env.SCENARIO_RACE_ROUNDS ?? 5);
const ROUND_MS = 20_000;

/** The release of `version` is over: Healthy, Completed, Succeeded, status current, 10 ready pods of it and no others. */
function finished(sb: Sandbox, version: string): boolean {
  const ro = rolloutOf(sb);
  const c = ro.status?.canaryStatus;
  const live = countVersions(sb.store.list<Pod>('pods', { namespace: 'default' }));
  return (
    ro.status?.phase === 'Healthy' &&
    c?.currentStepState === 'Completed' &&
    c.observedWorkloadGeneration === deploymentOf(sb).metadata.generation &&
    condition(ro, 'Succeeded')?.status === 'True' &&
    readyVersions(sb)[version] === 10 &&
    Object.keys(live).length === 1
  );
}

const REFUSALS = [/current canary state is not 'StepPaused'/, /does not allow to approve step \d: the rollout is at step \d/, /rollout-id/];

describe('races: two reconcile-once loops and an approve loop over full releases', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
  });
  afterEach(async () => {
    await sb.close();
  });

  test(
    `12. ${ROUNDS} rounds: no step skipped, no approval lost`,
    async () => {
      const reconcile = () => runBinary(['rollout', 'reconcile-once', 'rollouts-demo', '--server', sb.url]);
      await send(sb, 'POST', '/apis/apps/v1/namespaces/default/deployments', loadExample('docs_basic-usage_deployment_workload-demo.yaml'));
      await until(sb, '10 ready v1 pods', () => readyVersions(sb)['version-1'] === 10);
      await send(
        sb,
        'POST',
        '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
        loadExample('docs_basic-usage_rollout_v1beta1.yaml'),
      );
      expect(await reconcile()).toMatchObject({
        code: 0,
        stdout:
          'rollouts-demo: Initial -> Healthy (3 passes; writes: deployments/workload-demo, rollouts/status ×2, rollouts/rollouts-demo)\n',
      });
      const recorder = recordStatuses(sb);

      try {
        for (let round = 1; round <= ROUNDS; round++) {
          const version = `version-${round + 1}`;
          const id = `round-${round}`;
          // The guide's automation recipe: each release carries a rollout-id, and the approver names
          // it — without it, a status left from the previous release (Completed at step 3) makes an
          // early `approve --step 1` answer "already approved" (see the report).
          const patch = JSON.parse(versionPatch(version));
          patch.metadata = { labels: { 'rollouts.kruise.io/rollout-id': id } };
          await send(
            sb,
            'PATCH',
            '/apis/apps/v1/namespaces/default/deployments/workload-demo',
            patch,
            'application/strategic-merge-patch+json',
          );
          const deadline = Date.now() + ROUND_MS;
          const loop = async () => {
            const passes: CliResult[] = [];
            while (!finished(sb, version) && Date.now() < deadline) passes.push(await reconcile());
            return passes;
          };
          const approver = async () => {
            const tries: (CliResult & { step: number })[] = [];
            for (const step of [1, 2]) {
              while (Date.now() < deadline) {
                const r = await runBinary([
                  'rollout',
                  'approve',
                  'rollouts-demo',
                  '--step',
                  String(step),
                  '--rollout-id',
                  id,
                  '--server',
                  sb.url,
                ]);
                tries.push({ ...r, step });
                if (r.code === 0) break;
              }
            }
            return tries;
          };
          const [a, b, approvals] = await Promise.all([loop(), loop(), approver()]);
          const where = `round ${round} (${version})`;
          if (process.env.SCENARIO_RACE_DEBUG)
            console.log(
              where,
              'passes',
              a.length,
              b.length,
              'approve tries',
              approvals.length,
              '409s',
              sb.requests.filter((q) => q.status === 409).map((q) => `${q.method} ${q.path}`),
            );

          if (!finished(sb, version)) {
            // What the racers saw last, to tell a stuck machine from a slow one.
            const tail = (rs: CliResult[]) => rs.slice(-3).map((r) => `${r.code} ${r.stdout}${r.stderr}`);
            throw new Error(
              `${where} did not finish: status ${JSON.stringify(rolloutOf(sb).status)}\ndeployment ${JSON.stringify({ generation: deploymentOf(sb).metadata.generation, paused: deploymentOf(sb).spec.paused, status: deploymentOf(sb).status })}\npods ${JSON.stringify(countVersions(sb.store.list<Pod>('pods', { namespace: 'default' })))}\npasses a ${a.length} b ${b.length}: ${JSON.stringify([...tail(a), ...tail(b)])}\napprovals ${JSON.stringify(approvals.slice(-4))}\nhistory ${JSON.stringify(recorder.history.slice(-12))}`,
            );
          }
          expect(sorted(await podVersionsHttp(sb.url))).toEqual({ [version]: 10 });
          // Every pass succeeded, conflicts included (they re-read and re-plan).
          expect([...a, ...b].filter((r) => r.code !== 0 || r.stderr !== '')).toEqual([]);
          // Exactly one `approved` per manual step; every other try a clean refusal.
          for (const step of [1, 2]) {
            const mine = approvals.filter((x) => x.step === step);
            expect({ where, step, approved: mine.filter((x) => x.code === 0).map((x) => x.stdout) }).toEqual({
              where,
              step,
              approved: [
                `rollout.rollouts.kruise.io/rollouts-demo approved step ${step}/3 (releasing step ${step + 1}: ${step === 1 ? '50%' : '100%'} of the pods)\n`,
              ],
            });
            const odd = mine.filter((x) => x.code !== 0 && (x.code !== 1 || !REFUSALS.some((re) => re.test(x.stderr))));
            expect(odd).toEqual([]);
          }
          const c = rolloutOf(sb).status!.canaryStatus!;
          const release = releaseOf(recorder.history, c.canaryRevision!, c.observedRolloutID);
          expect({ where, steps: [...new Set(release.map((r) => r.index))] }).toEqual({ where, steps: [1, 2, 3] });
          expect({ where, problems: releaseProblems(release, [1, 2]) }).toEqual({ where, problems: [] });
        }
        // The racers did collide (stale resourceVersions refused), so the checks above saw real races.
        expect(sb.requests.filter((q) => q.method === 'PUT' && q.status === 409).length).toBeGreaterThan(0);
      } finally {
        recorder.stop();
      }
    },
    ROUNDS * ROUND_MS + 10_000,
  );
});

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, n]) => n > 0)
      .sort(([x], [y]) => x.localeCompare(y)),
  );
}
