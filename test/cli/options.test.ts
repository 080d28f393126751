// Each command's flags parsed alone (complete + validate, no server), and the same mistakes
// through the whole CLI: one message each, exit 2, and no request reaches the server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitCode, UsageError } from '../../src/cli/errors.js';
import { FlagError } from '../../src/cli/flags.js';
import { completeApprove, validateApprove } from '../../src/cli/rollout-approve-options.js';
import { completeSetPaused, validateSetPaused } from '../../src/cli/rollout-pause-options.js';
import { completeStatus, StatusError, validateStatus } from '../../src/cli/rollout-status-options.js';
import { completeWatch, validateWatch, WatchError } from '../../src/cli/rollout-watch-options.js';
import { completeVersion } from '../../src/cli/version.js';
import { runCli } from '../helpers/cli.js';

describe('shared flags, parsed alone', () => {
  const approve = (flags: Record<string, string>) => validateApprove(completeApprove(['a'], flags));
  const watch = (flags: Record<string, string>) => validateWatch(completeWatch(['a'], { until: 'paused', ...flags }));

  it.each(['0', 'x', '-1', '1.5', ''])('--step %p is one message for approve and watch', (step) => {
    for (const parse of [approve, watch]) {
      expect(() => parse({ step })).toThrow(new UsageError(FlagError.step(step)));
    }
  });

  it('--rollout-id "" is one message for approve and watch', () => {
    for (const parse of [approve, watch]) expect(() => parse({ rolloutId: '' })).toThrow(new UsageError(FlagError.rolloutIdEmpty));
  });

  it('-o is checked against what each command can print', () => {
    expect(() => approve({ output: 'bogus' })).toThrow(new UsageError(FlagError.output('bogus', ['json', 'yaml', 'name'])));
    expect(() => validateSetPaused(completeSetPaused(['a'], { output: 'wide' }, true))).toThrow(
      new UsageError(FlagError.output('wide', ['json', 'yaml', 'name'])),
    );
    expect(() => watch({ output: 'yaml' })).toThrow(new UsageError(FlagError.output('yaml', ['json'])));
    expect(() => completeVersion({ output: 'wide' })).toThrow(new UsageError(FlagError.output('wide', ['json', 'yaml'])));
  });

  it('--follow, --wait-for-release, --no-live, --detail and --pods: watch and status -w agree', () => {
    const w = completeWatch(['a', 'b'], { follow: true, live: false, detail: 'rollout/b', pods: true });
    validateWatch(w);
    expect(w).toMatchObject({ follow: true, noLive: true, detail: 'b', pods: true, waitForRelease: false });
    const s = completeStatus(['a'], { watch: true, follow: true, live: false, pods: true });
    validateStatus(s);
    expect(s.watch).toMatchObject({ until: 'completed', follow: true, noLive: true, pods: true });
    expect(completeWatch(['a'], { until: 'paused', step: '1', waitForRelease: true })).toMatchObject({
      waitForRelease: true,
      follow: false,
    });
    expect(() => validateStatus(completeStatus(['a'], { follow: true }))).toThrow(new UsageError(StatusError.followWithoutWatch));
    for (const flags of [{ until: 'paused' }, { rolloutId: 'x' }, { waitForRelease: true }, { until: 'ready', step: '2' }]) {
      expect(() => validateWatch(completeWatch(['a'], { follow: true, ...flags }))).toThrow(new UsageError(WatchError.followWithCondition));
    }
    expect(() => validateWatch(completeWatch(['a', 'b'], { detail: 'c' }))).toThrow(new UsageError(WatchError.detailNotWatched('c')));
  });

  it('a usage error has exit code 2', () => {
    expect(new UsageError('x').exitCode).toBe(ExitCode.usage);
  });

  it('valid values become typed options', () => {
    expect(completeApprove(['ro/a', 'b'], { step: ' 2 ', rolloutId: 'r1', dryRun: true, output: 'name' })).toMatchObject({
      names: ['a', 'b'],
      guards: { step: 2, rolloutId: 'r1' },
      dryRun: true,
      output: 'name',
    });
    expect(completeApprove(['a'], { output: '' }).output).toBeUndefined();
  });
});

describe('flag mistakes through the CLI', () => {
  let server: Server;
  let url: string;
  let requests: string[];
  beforeAll(async () => {
    requests = [];
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (requests = []));

  it.each([
    [['rollout', 'approve', 'a', '--step', '0'], FlagError.step('0')],
    [['rollout', 'approve', 'a', '--step', 'x'], FlagError.step('x')],
    [['rollout', 'watch', 'a', '--until', 'ready', '--step', '0'], FlagError.step('0')],
    [['rollout', 'approve', 'a', '-o', 'bogus'], FlagError.output('bogus', ['json', 'yaml', 'name'])],
    [['rollout', 'pause', 'a', '-o', 'bogus'], FlagError.output('bogus', ['json', 'yaml', 'name'])],
    [['rollout', 'status', 'a', '-o', 'bogus'], FlagError.output('bogus', ['json', 'yaml'])],
    [['rollout', 'watch', 'a', '-o', 'bogus'], FlagError.output('bogus', ['json'])],
    [['rollout', 'reconcile-once', 'a', '-o', 'bogus'], FlagError.output('bogus', ['json'])],
    [['version', '-o', 'bogus'], FlagError.output('bogus', ['json', 'yaml'])],
    [['rollout', 'watch', 'a', '--rollout-id', ''], FlagError.rolloutIdEmpty],
    [['rollout', 'status', 'a', '-w', '--timeout', 'soon'], FlagError.duration('--timeout', 'soon')],
  ])('%j', async (argv, message) => {
    const r = await runCli([...argv, '--server', url]);
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: ExitCode.usage,
      stdout: '',
      stderr: `error: ${message}\n`,
    });
    expect(requests).toEqual([]);
  });

  it('a valid command does reach the server (the check above can fail)', async () => {
    const r = await runCli(['rollout', 'approve', 'a', '--step', '1', '--server', url]);
    expect(r.code).toBe(ExitCode.failure);
    expect(requests.length).toBeGreaterThan(0);
  });
});
