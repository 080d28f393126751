// The live view in a real terminal: the real binary inside tmux at 60x20 and 80x24, with one and
// three rollouts. The screen is read with `tmux capture-pane`; the scroll-back (`history_size`)
// must not grow across redraws, a resize must give a clean frame of the new size, server text is
// shown escaped, the timed-pause countdown ticks, and a lost connection is shown.
import { execFileSync, spawnSync } from 'node:child_process';
import type { KubeObject } from '../../src/kube/types.js';
import type { Rollout } from '../../src/rollout/types.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { scenario } from '../fixtures/load.js';
import { putStatus, read, seedScenario } from '../fixtures/seed.js';
import { BIN } from '../helpers/cli.js';
import { waitFor } from '../watch/harness.js';

const haveTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `kk-live-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

/** The visible screen of the pane, one string per row (trailing blanks removed). */
const screen = (joined = false) =>
  tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', 'live')
    .replace(/\n+$/, '')
    .split('\n');
const history = () => Number(tmux('display-message', '-p', '-t', 'live', '#{history_size}').trim());
const screenHas = (re: RegExp) => screen().some((l) => re.test(l));

/** Starts the real binary in a detached tmux session of the given size. */
function startInTmux(cols: number, rows: number, argv: string[], term = 'xterm-256color'): void {
  const cmd = [process.execPath, BIN, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'live',
    '-x',
    String(cols),
    '-y',
    String(rows),
    `env HOME=/nonexistent TERM=${term} ${cmd}; echo "exit $?"; sleep 30`,
  );
}

/** A copy of the canary-step-paused scenario under another name (its own Deployment). */
function named(name: string): { rollout: KubeObject; workload: KubeObject } {
  const c = scenario('canary-step-paused');
  c.rollout.metadata.name = name;
  (c.rollout as Rollout).spec.workloadRef!.name = `${name}-workload`;
  c.workload!.metadata.name = `${name}-workload`;
  return c as { rollout: KubeObject; workload: KubeObject };
}

const maybe = haveTmux ? describe : describe.skip;
if (!haveTmux) console.log('live view: no tmux on PATH (apt-get install tmux); skipping the terminal tests');

maybe('the live view in a real terminal (tmux)', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, builtinControllers: false });
  });
  afterEach(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    await sb.close();
  });

  test('one rollout at 60x20: fits, header and footer stay, no scroll-back on redraws, resize, escaped text, ticking countdown, reconnecting', async () => {
    const { rollout } = await seedScenario(sb.url, named('rollouts-demo'));
    // A timed pause that started now: the countdown must tick in the view.
    const ro = await read<Rollout>(sb.url, rollout);
    const status = ro.status!;
    status.canaryStatus!.lastUpdateTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await fetch(`${sb.url}/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...ro,
        spec: {
          ...ro.spec,
          strategy: { canary: { steps: [{ replicas: 1, pause: { duration: 60 } }, { replicas: '50%' }, { replicas: '100%' }] } },
        },
      }),
    });
    await putStatus(sb.url, rollout, { ...status, message: 'evil \x1b]0;pwned\x07\x1b[2J\x1b[32m✔ completed' });

    startInTmux(60, 20, ['rollout', 'watch', 'rollouts-demo', '--server', sb.url]);
    await waitFor(() => screenHas(/^Elapsed: \d+s/), 'the first frame', 10000);
    let rows = screen();
    expect(rows.length).toBeLessThanOrEqual(20);
    expect(rows[0]).toBe('Name:         rollouts-demo');
    expect(rows.some((l) => l.startsWith('Waiting for completed:'))).toBe(true);
    // The message is shown, not obeyed: no fake green line, the escape visible as ^[.
    expect(rows.find((l) => l.startsWith('Message:'))).toBe('Message:      evil ^[]0;pwned\\x07^[[2J^[[32m✔ completed');
    const countdown = () => Number(/next step in (\d+)s/.exec(screen().join('\n'))?.[1]);
    const first = countdown();
    expect(first).toBeGreaterThan(0);
    await waitFor(() => countdown() < first, 'the countdown to tick', 5000);

    // Redraws (status changes and ticks) never push lines into the scroll-back.
    const before = history();
    for (let i = 0; i < 5; i++) {
      await putStatus(sb.url, rollout, { ...(await read<Rollout>(sb.url, rollout)).status, message: `change ${i}` });
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor(() => screenHas(/^Message: +change 4$/), 'the last change');
    expect(history()).toBe(before);
    expect(screen()[0]).toBe('Name:         rollouts-demo');

    // A resize is a clean frame of the new size: the header is on top, nothing stale below.
    tmux('resize-window', '-t', 'live', '-x', '80', '-y', '24');
    await waitFor(() => screen().length > 20 || screenHas(/^Conditions:/), 'a frame at 80x24');
    rows = screen();
    expect(rows[0]).toBe('Name:         rollouts-demo');
    expect(rows.filter((l) => l.startsWith('Name:'))).toHaveLength(1);
    tmux('resize-window', '-t', 'live', '-x', '50', '-y', '12');
    await waitFor(
      () => screen().length <= 12 && screen()[0] === 'Name:         rollouts-demo' && screenHas(/^Elapsed:/),
      'a frame at 50x12',
    );
    expect(screen().every((l) => l.length < 50)).toBe(true);
    expect(history()).toBe(before);

    // The server goes away: the view says so instead of freezing.
    await sb.close();
    await waitFor(() => screenHas(/⚠ reconnecting \(\d+s\)/), 'the reconnecting notice', 10000);
    sb = await createSandbox({ port: 0, builtinControllers: false });
  }, 60000);

  test('a frame that fills 60x20 exactly keeps its first row on top across redraws', async () => {
    const { rollout } = await seedScenario(sb.url, named('rollouts-demo'));
    startInTmux(60, 20, ['rollout', 'watch', 'rollouts-demo', '--server', sb.url]);
    await waitFor(() => screenHas(/^Elapsed: \d+s/), 'the first frame', 10000);
    for (let i = 0; i < 3; i++) {
      await putStatus(sb.url, rollout, { ...(await read<Rollout>(sb.url, rollout)).status, message: `change ${i}` });
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitFor(() => screenHas(/^Message: +change 2$/), 'the last change');
    const rows = screen();
    expect(rows[0]).toBe('Name:         rollouts-demo');
    expect(rows.at(-1)).toMatch(/^Elapsed: \d+s$/);
    expect(rows.some((l) => /^… \d+ more /.test(l))).toBe(true);
  }, 30000);

  test('three rollouts at 80x24: one line each, all visible; --detail shows one in full; no scroll-back', async () => {
    for (const name of ['alpha', 'bravo', 'charlie']) await seedScenario(sb.url, named(name));
    startInTmux(80, 24, ['rollout', 'watch', 'alpha', 'bravo', 'charlie', '--server', sb.url]);
    await waitFor(() => screenHas(/^Waiting for completed: 3 rollouts/), 'the summary frame', 10000);
    let rows = screen();
    expect(rows[0]).toMatch(/^ {2}alpha Progressing step 1\/3 StepPaused/);
    expect(rows[1]).toMatch(/^ {2}bravo /);
    expect(rows[2]).toMatch(/^ {2}charlie /);
    expect(rows.length).toBeLessThanOrEqual(24);
    const before = history();
    await new Promise((r) => setTimeout(r, 2500)); // a few ticks
    expect(history()).toBe(before);
    // Keys: 2 shows bravo in full, 0 the summary again, q quits (as Ctrl-C: 130).
    expect(rows.at(-1)).toMatch(/\(keys: 1-3 show one, 0 all, q quit\)$/);
    tmux('send-keys', '-t', 'live', '2');
    await waitFor(() => screen().includes('Name:         bravo'), 'bravo in full');
    expect(screen()[1]).toMatch(/^▸ bravo /);
    tmux('send-keys', '-t', 'live', '0');
    await waitFor(() => !screen().includes('Name:         bravo'), 'the summary again');
    tmux('send-keys', '-t', 'live', 'q');
    await waitFor(() => screenHas(/^exit \d+$/), 'the exit', 10000);
    expect(screen()).toContain('exit 130');
    expect(history()).toBeLessThanOrEqual(before + 24); // only the last frame, printed once on exit
    spawnSync('tmux', ['-L', socket, 'kill-server']);

    startInTmux(60, 20, ['rollout', 'watch', 'alpha', 'bravo', 'charlie', '--detail', 'bravo', '--server', sb.url]);
    await waitFor(() => screen().includes('Name:         bravo') && screenHas(/^ {2}charlie .*Progressing/), 'the detail frame', 10000);
    rows = screen();
    expect(rows.length).toBeLessThanOrEqual(20);
    expect(rows[0]).toMatch(/^ {2}alpha /);
    expect(rows[1]).toMatch(/^▸ bravo /);
    expect(rows).toContain('Name:         bravo');
    expect(rows.at(-1)).toMatch(/^Elapsed: \d+s {2}\(keys: 1-3 show one, 0 all, q quit\)$/);
  }, 60000);

  test.each([
    ['--no-live', 'xterm-256color', ['--no-live']],
    ['TERM=dumb', 'dumb', []],
  ])(
    '%s: line mode (no alternate screen), and a timeout says where the rollout was stuck',
    async (_label, term, extra) => {
      await seedScenario(sb.url, named('rollouts-demo'));
      startInTmux(60, 20, ['rollout', 'watch', 'rollouts-demo', ...extra, '--timeout', '1s', '--server', sb.url], term);
      await waitFor(() => screen(true).some((l) => l.includes('timed out after 1s')), 'the timeout', 10000);
      const lines = screen(true);
      expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z rollouts-demo Progressing step 1\/3 StepPaused/);
      expect(lines).toContain(
        'error: timed out after 1s waiting for rollout/rollouts-demo to be completed: at step 1/3 StepPaused — waiting for approval',
      );
      expect(tmux('display-message', '-p', '-t', 'live', '#{alternate_on}').trim()).toBe('0');
    },
    30000,
  );
});
