// `rollout list [-A] [-w] [-o json|yaml|wide]` through the real binary against the sandbox: one
// LIST, kubectl's table, the approval marker, -w following changes, and bad inputs.
import type { Sandbox } from '../../src/sandbox/server.js';
import { startBinary } from '../helpers/cli.js';
import { loadExample, send } from '../scenarios/helpers.js';
import { controllerSandbox, guide, kruise, quiet, releaseTo, requests, rolloutOf, until } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await controllerSandbox();
  await guide(sb);
  // A second rollout in another namespace (its workload does not exist: it stays without a release).
  await send(sb, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
  const other = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
  other.metadata = { name: 'checkout', namespace: 'team-b' };
  other.spec.workloadRef.name = 'checkout';
  await send(sb, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/team-b/rollouts', other);
  await releaseTo(sb, 'version-2', 1);
});
afterAll(() => sb.close());
/** Binaries a test started: killed after it, whatever its outcome (a failed expectation must not leave one running). */
const started: { kill(signal?: NodeJS.Signals): unknown }[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** The table with the AGE column's values replaced, so the rows compare exactly. */
const noAge = (text: string) => text.replace(/ {3}(\d+[smhd])+( {3}|$)/gm, '   AGE$2').replace(/ +$/gm, '');

describe('rollout list (real binary, sandbox)', () => {
  it('one LIST of the namespace; the rollout waiting for approval says so', async () => {
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'list');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME {12}PHASE {9}STEP {3}STATE {8}APPROVAL {3}AGE$/);
    expect(noAge(r.stdout)).toBe(
      [
        'NAME            PHASE         STEP   STATE        APPROVAL   AGE',
        'rollouts-demo   Progressing   1/3    StepPaused   waiting    AGE',
        '',
      ].join('\n'),
    );
    expect(requests(sb, from)).toEqual(['GET /apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts']);
  });

  it('-A lists every namespace, sorted, with a NAMESPACE column; -o wide adds style, workload, revisions, message', async () => {
    const r = await kruise(sb, 'rollout', 'list', '-A', '-o', 'wide');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE +NAME +PHASE +STEP +STATE +APPROVAL +AGE +STYLE +WORKLOAD +STABLE +CANARY +MESSAGE$/);
    expect(lines[1]).toMatch(
      /^default +rollouts-demo +Progressing +1\/3 +StepPaused +waiting +\S+ +Partition +Deployment\/workload-demo +\w+ +\w+ +Rollout is in step\(1\/3\), and you need manually confirm to enter the next step$/,
    );
    expect(lines[2]).toMatch(/^team-b +checkout +Initial +- +- +- +\S+ +Partition +Deployment\/checkout +- +- +Workload Not Found$/);
    expect(lines).toHaveLength(3);
  });

  it('-o json and -o yaml give the rows as data', async () => {
    const r = await kruise(sb, 'rollout', 'list', '-o', 'json');
    const data = JSON.parse(r.stdout);
    expect(data.kind).toBe('List');
    expect(data.items).toEqual([
      expect.objectContaining({
        kind: 'RolloutListRow',
        name: 'rollouts-demo',
        namespace: 'default',
        currentStepIndex: 1,
        totalSteps: 3,
        currentStepState: 'StepPaused',
        waitingForApproval: true,
      }),
    ]);
    const y = await kruise(sb, 'rollout', 'list', '-A', '-o', 'yaml');
    expect(y.stdout).toMatch(/^kind: List\napiVersion: v1\nitems:\n {2}- kind: RolloutListRow\n/);
    expect(y.stdout).toMatch(/name: checkout/);
  });

  it('an empty namespace: kubectl\'s "No resources found" on stderr, exit 0', async () => {
    const r = await kruise(sb, 'rollout', 'list', '-n', 'nothing-here');
    expect(r).toEqual({ code: 0, stdout: '', stderr: 'No resources found in nothing-here namespace.\n' });
  });

  it.each([
    [['rollouts-demo'], /^error: rollout list takes no rollout names \(got "rollouts-demo"\); use rollout status NAME for one rollout\n$/],
    [['-o', 'name'], /^error: unable to match a printer suitable for the output format "name", allowed formats are: json, yaml, wide\n$/],
    [['-w', '-o', 'yaml'], /^error: --watch prints one JSON object per change: use -o json \(or no -o\)\n$/],
  ])('%j: exit 2, one error line, nothing sent', async (args, stderr) => {
    const from = await quiet(sb);
    const r = await kruise(sb, 'rollout', 'list', ...args);
    expect(r).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(stderr) });
    expect(requests(sb, from)).toEqual([]);
  });

  it('-w prints the table, then a row for each change (one LIST and one WATCH); Ctrl-C ends it with 130', async () => {
    const from = await quiet(sb);
    const run = startBinary(['rollout', 'list', '-w', '--server', sb.url], { env: { NO_COLOR: '1' } });
    started.push(run.child);
    let stdout = '';
    run.child.stdout!.on('data', (d) => (stdout += d));
    const lines = () => stdout.split('\n').filter(Boolean);
    const waitFor = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!ok()) throw new Error(`no ${what} in: ${stdout} ${run.stderr()}`);
    };
    await waitFor('first row', () => lines().length >= 2);
    // Wait until the watch is open, so the change below is seen as an event.
    await waitFor('watch request', () => sb.requests.slice(from).some((r) => r.query.watch !== undefined));
    const r = await kruise(sb, 'rollout', 'approve', 'rollouts-demo');
    expect(r.code).toBe(0);
    await until(
      sb,
      'step 2 paused',
      () =>
        rolloutOf(sb).status?.canaryStatus?.currentStepIndex === 2 && rolloutOf(sb).status?.canaryStatus?.currentStepState === 'StepPaused',
    );
    await waitFor('step 2 row', () => /2\/3 +StepPaused +waiting/.test(stdout));
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const rows = lines();
    expect(rows[0]).toMatch(/^NAME +PHASE +STEP +STATE +APPROVAL +AGE$/);
    expect(rows[1]).toMatch(/^rollouts-demo +Progressing +1\/3 +StepPaused +waiting/);
    expect(rows.some((l) => /^rollouts-demo +Progressing +1\/3 +StepReady +- /.test(l))).toBe(true);
    // Every row is a change: no two consecutive rows alike.
    for (let i = 2; i < rows.length; i++) expect(rows[i]!.replace(/\s+\S+$/, '')).not.toBe(rows[i - 1]!.replace(/\s+\S+$/, ''));
    const mine = sb.requests.slice(from).filter((q) => q.path.endsWith('/namespaces/default/rollouts'));
    expect(mine.map((q) => (q.query.watch ? 'WATCH' : q.method))).toEqual(['GET', 'WATCH']);
  });

  it('-w rides out a dropped watch (resumes from the last resourceVersion) and a 410 Gone (lists again), printing only changes', async () => {
    const path = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
    const from = await quiet(sb);
    const run = startBinary(['rollout', 'list', '-w', '-o', 'json', '--server', sb.url], { env: { NO_COLOR: '1' } });
    started.push(run.child);
    let stdout = '';
    run.child.stdout!.on('data', (d) => (stdout += d));
    const mine = () => sb.requests.slice(from).filter((q) => q.path === path);
    const waitFor = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!ok()) throw new Error(`no ${what}: ${JSON.stringify(mine())} ${stdout} ${run.stderr()}`);
    };
    await waitFor('watch', () => mine().some((q) => q.query.watch));
    const firstRow = stdout ? JSON.parse(stdout.split('\n')[0]!).name : undefined;
    expect(firstRow).toBe('rollouts-demo');
    // Drop: the watch is resumed from the resourceVersion it had.
    sb.dropWatches();
    await waitFor('resumed watch', () => mine().filter((q) => q.query.watch).length === 2);
    const [first, second] = mine().filter((q) => q.query.watch);
    expect(second!.query.resourceVersion).toBe(first!.query.resourceVersion);
    // 410 on the next resume: a new LIST, then a watch from it.
    sb.faults.failNext('GET', path, 410);
    sb.dropWatches();
    await waitFor('re-list and watch', () => mine().filter((q) => q.query.watch).length === 4);
    expect(mine().map((q) => `${q.query.watch ? 'WATCH' : 'LIST'} ${q.status}`)).toEqual([
      'LIST 200',
      'WATCH 200',
      'WATCH 200',
      'WATCH 410',
      'LIST 200',
      'WATCH 0',
    ]);
    // Nothing changed meanwhile: the re-list printed nothing new.
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const r = await kruise(sb, 'rollout', 'pause', 'rollouts-demo');
    expect(r.code).toBe(0);
    await waitFor('paused row', () => stdout.trim().split('\n').length === 2);
    expect(JSON.parse(stdout.trim().split('\n')[1]!)).toMatchObject({ name: 'rollouts-demo', paused: true });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    await kruise(sb, 'rollout', 'resume', 'rollouts-demo');
  });
});
