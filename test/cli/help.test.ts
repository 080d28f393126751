// kubectl's help conventions, checked on every visible command of the real tree.
import type { Command } from 'commander';
import { processDeps } from '../../src/cli/deps.js';
import { main } from '../../src/cli/main.js';
import { buildProgram } from '../../src/cli/program.js';
import { captureStream, runCli } from '../helpers/cli.js';

function visible(cmd: Command, path: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .flatMap((c) => [[...path, c.name()], ...visible(c, [...path, c.name()])]);
}

/** The commands that take no connection flags and await no rollout. */
const OWN_HELP = new Set(['sandbox', 'version', 'completion', 'rollout demo']);

const program = buildProgram(processDeps({ env: {} }), { code: 0 });
const commands = [[], ...visible(program)];

describe('help conventions', () => {
  it('covers the whole tree, completion included, __complete hidden', () => {
    const names = commands.map((c) => c.join(' '));
    expect(names).toEqual(
      expect.arrayContaining([
        'rollout approve',
        'rollout watch',
        'rollout plan',
        'rollout list',
        'rollout undo',
        'rollout history',
        'sandbox',
        'version',
        'completion',
      ]),
    );
    expect(names).not.toContain('__complete');
  });

  it.each(commands.map((c) => [c.join(' ') || '(root)', c] as const))('%s', async (_name, path) => {
    const r = await runCli([...path, '--help'], { env: { _: '/usr/bin/kubectl', HOME: '/nonexistent' } });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    // Usage, blank, description: a capitalised verb, no trailing period.
    expect(lines[0]!.startsWith(`Usage: ${['kubectl kruise', ...path].join(' ')} [options]`)).toBe(true);
    const description = lines[2]!;
    expect(description).toMatch(/^[A-Z][a-z]+ /);
    expect(description).not.toMatch(/\.$/);
    expect(description.split(' ')[0]).not.toMatch(/s$/); // imperative (`Show`), not `Shows`
    // Examples: every `#` comment line is followed by a command line with the invoked name.
    const ex = lines.indexOf('Examples:');
    expect(ex).toBeGreaterThan(0);
    const block = lines.slice(
      ex + 1,
      lines.findIndex((l, i) => i > ex && /^\S/.test(l)),
    );
    const comments = block.filter((l) => l.startsWith('  # '));
    expect(comments.length).toBeGreaterThan(0);
    for (const c of comments) expect(block[block.indexOf(c) + 1]).toMatch(/kubectl kruise /);
    if (OWN_HELP.has(path.join(' '))) {
      // Commands that talk to no cluster: only their own options, and no rollout exit codes.
      expect(r.stdout).not.toMatch(/Exit codes:/);
      expect(r.stdout).not.toMatch(/--namespace|--kubeconfig <file>|--server <url>|Global Options/);
      return;
    }
    // The exit-code table ends every other help text.
    expect(r.stdout.trimEnd()).toMatch(
      /Exit codes:\n {2}0 {2}success.*\n(.*\n){3} {2}4 {2}the awaited condition can no longer hold[^\n]*$/,
    );
  });

  it('the commands with their own help are all in the tree', () => {
    expect(commands.map((c) => c.join(' '))).toEqual(expect.arrayContaining([...OWN_HELP]));
  });

  it('uses -n for namespace, -w for watch and -o for output', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/-n, --namespace <namespace>/);
    expect((await runCli(['rollout', 'status', '--help'])).stdout).toMatch(/-w, --watch/);
    expect((await runCli(['rollout', 'list', '--help'])).stdout).toMatch(/-w, --watch/);
    for (const c of [
      ['rollout', 'approve'],
      ['rollout', 'status'],
      ['rollout', 'watch'],
      ['rollout', 'list'],
      ['rollout', 'plan'],
      ['version'],
    ]) {
      expect((await runCli([...c, '--help'])).stdout).toMatch(/-o, --output <format>/);
    }
  });
});

describe('version', () => {
  it.each([
    [[], /^kubectl-kruise version \d+\.\d+\.\d+ \(the Kruise Rollouts plugin\)\nother commands and kinds: .*\n$/],
    [['-o', 'json'], /^\{"version":"\d+\.\d+\.\d+","plugin":"kruise-rollouts","handsOffTo":.*\}\n$/],
    [['-o', 'yaml'], /^version: "\d+\.\d+\.\d+"\nplugin: "kruise-rollouts"\nhandsOffTo: .*\n$/],
  ])('version %j', async (args, expected) => {
    const r = await runCli(['version', ...args]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
  });

  it('rejects another output format with exit 2', async () => {
    const r = await runCli(['version', '-o', 'wide']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('help width', () => {
  it('wraps to the width of the terminal the CLI writes to, not the test process', async () => {
    const out = { ...captureStream(true), columns: 120 };
    const code = await main(['rollout', 'status', '--help'], {
      io: { out, err: captureStream() },
      env: { HOME: '/nonexistent', NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    // One line on a 120-column terminal, two on 80.
    expect(out.text()).toContain(
      '  -w, --watch                   watch until the current release completes (same as `rollout watch --until completed`)\n',
    );
  });
});
