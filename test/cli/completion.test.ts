// Completion: the planner (pure, over the real command tree), `__complete` against the sandbox
// over HTTP, and the shell scripts in a real bash.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CompletionPlan, completionGlobals, completionWords, planCompletion, treeFromCommander } from '../../src/cli/completion.js';
import { processDeps } from '../../src/cli/deps.js';
import { buildProgram } from '../../src/cli/program.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { BIN, runCli } from '../helpers/cli.js';
import { simpleKubeconfig, tempDir, writeFile } from '../kube/helpers.js';

const tree = treeFromCommander(buildProgram(processDeps({ env: {} }), { code: 0 }));
const plan = (line: string): CompletionPlan => planCompletion(tree, line.split(' '));

describe('planCompletion', () => {
  it.each([
    ['', ['rollout', 'sandbox', 'dashboard', 'version', 'completion']],
    ['ro', ['rollout']],
    ['rollout ', ['approve', 'pause', 'resume', 'status', 'watch', 'reconcile-once', 'plan', 'list', 'history', 'undo', 'demo']],
    ['rollout re', ['resume', 'reconcile-once']],
    // Program options are accepted before the subcommand and skip their value.
    ['-n prod rollout ap', ['approve']],
    ['--context=kind rollout pa', ['pause']],
    ['rollout watch --until ', ['completed', 'paused', 'ready']],
    ['rollout watch --until p', ['paused']],
    // cobra's convention: the bare value; the shell scripts keep the `--until=` on the line.
    ['rollout watch --until=r', ['ready']],
    ['rollout approve --st', ['--step']],
    ['rollout approve --n', ['--namespace', '--no-color']],
    ['rollout status -', expect.arrayContaining(['-w', '--watch', '-o', '--output', '-n', '--namespace', '-h', '--help', '--timeout'])],
    ['completion ', ['bash', 'zsh', 'fish']],
    ['completion z', ['zsh']],
    ['completion bash ', []],
    ['version -o ', ['json', 'yaml']],
    ['rollout demo ', []],
    ['rollout list ', []],
    ['rollout list -o ', ['json', 'yaml', 'wide']],
    ['rollout history x -o y', ['yaml']],
    ['rollout list -', expect.arrayContaining(['-A', '--all-namespaces', '-w', '--watch', '-o', '--output'])],
    ['rollout undo --', expect.arrayContaining(['--to-revision', '--fast'])],
    // The hidden command is not offered.
    ['__', []],
  ])('%j', (line, expected) => {
    const p = plan(line);
    expect(p.candidates).toEqual(expected);
    expect(p.directive).toBe(4);
    expect(p.fetch).toBeUndefined();
  });

  it('never offers a flag twice or flags that are not in scope', () => {
    const flags = plan('rollout approve --').candidates;
    expect(new Set(flags).size).toBe(flags.length);
    expect(flags).not.toContain('--until');
    expect(flags).toContain('--kubeconfig');
  });

  it.each([
    ['--kubeconfig ', 0],
    ['--kubeconfig=', 0],
    ['sandbox --kubeconfig-out ', 0],
    ['sandbox --data-dir ', 16],
    ['rollout approve x --step ', 4],
    ['rollout plan -f ', 0],
    ['rollout plan --filename ', 0],
  ])('%j: flag value, directive %d', (line, directive) => {
    expect(plan(line)).toEqual({ candidates: [], directive });
  });

  it.each([
    ['-n ', { resource: 'namespaces', typePrefix: '', partial: '', exclude: [], flags: {} }],
    [
      'rollout approve --context kind --namespace=te',
      { resource: 'namespaces', typePrefix: '', partial: 'te', exclude: [], flags: { context: 'kind' } },
    ],
  ])('%j asks the server for namespaces', (line, fetch) => {
    expect(plan(line)).toEqual({ candidates: [], directive: 4, fetch });
  });

  it.each([
    ['rollout approve ', { typePrefix: '', partial: '', exclude: [], flags: {} }],
    ['rollout approve rollouts-d', { typePrefix: '', partial: 'rollouts-d', exclude: [], flags: {} }],
    ['rollout approve rollout/rollouts-d', { typePrefix: 'rollout/', partial: 'rollouts-d', exclude: [], flags: {} }],
    ['rollout pause ro/', { typePrefix: 'ro/', partial: '', exclude: [], flags: {} }],
    ['rollout approve rollout a ', { typePrefix: '', partial: '', exclude: ['a'], flags: {} }],
    ['rollout resume ro/a b ', { typePrefix: '', partial: '', exclude: ['a', 'b'], flags: {} }],
    ['rollout status -n prod --context kind ', { typePrefix: '', partial: '', exclude: [], flags: { namespace: 'prod', context: 'kind' } }],
    [
      '-nprod --kubeconfig=/k rollout watch --insecure-skip-tls-verify x',
      { typePrefix: '', partial: 'x', exclude: [], flags: { namespace: 'prod', kubeconfig: '/k', 'insecure-skip-tls-verify': true } },
    ],
    ['rollout reconcile-once ', { typePrefix: '', partial: '', exclude: [], flags: {} }],
    ['rollout undo ro', { typePrefix: '', partial: 'ro', exclude: [], flags: {} }],
    ['rollout history ', { typePrefix: '', partial: '', exclude: [], flags: {} }],
    ['rollout plan --replicas 3 ', { typePrefix: '', partial: '', exclude: [], flags: { replicas: '3' } }],
  ])('%j asks the server for rollout names', (line, fetch) => {
    expect(plan(line)).toEqual({ candidates: [], directive: 4, fetch: { resource: 'rollouts', ...fetch } });
  });

  it('offers no names for another type', () => {
    expect(plan('rollout approve deployment/x')).toEqual({ candidates: [], directive: 4 });
  });

  it('treats words after -- as arguments, not flags', () => {
    expect(plan('rollout approve -- -x').fetch?.partial).toBe('-x');
  });
});

describe('completionWords and completionGlobals', () => {
  it('takes the raw words after __complete and its --', () => {
    expect(completionWords(['__complete', '--', 'rollout', '-n', ''], ['rollout', ''])).toEqual(['rollout', '-n', '']);
    expect(completionWords(['__complete', 'rollout', ''], ['rollout', ''])).toEqual(['rollout', '']);
    expect(completionWords(undefined, ['x'])).toEqual(['x']);
  });

  it('bounds the request time and drops -v', () => {
    const g = completionGlobals({ color: true, v: '9', namespace: 'a' }, { namespace: 'b' });
    expect(g).toEqual(expect.objectContaining({ namespace: 'b', requestTimeout: '5s', color: false }));
    expect(g.v).toBeUndefined();
    expect(completionGlobals({ color: true }, { 'request-timeout': '1s' }).requestTimeout).toBe('1s');
  });
});

function rollout(name: string, namespace = 'default') {
  return {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name, namespace },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `${name}-w` },
      strategy: { canary: { steps: [{ replicas: 1 }] } },
    },
  };
}

async function post(base: string, obj: ReturnType<typeof rollout>): Promise<void> {
  const res = await fetch(`${base}/apis/rollouts.kruise.io/v1beta1/namespaces/${obj.metadata.namespace}/rollouts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(obj),
  });
  if (!res.ok) throw new Error(`POST ${obj.metadata.name}: ${res.status} ${await res.text()}`);
}

describe('__complete against the sandbox', () => {
  let sb: Sandbox;
  let kubeconfig: string;
  const complete = (words: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['__complete', '--', ...words], { env: { HOME: '/nonexistent', KUBECONFIG: kubeconfig, ...env } });

  beforeAll(async () => {
    sb = await createSandbox({ port: 0, builtinControllers: false });
    for (const ns of ['team-a']) {
      const res = await fetch(`${sb.url}/api/v1/namespaces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
      });
      if (!res.ok) throw new Error(`namespace ${ns}: ${res.status}`);
    }
    for (const ro of [rollout('rollouts-demo'), rollout('rollouts-api'), rollout('web'), rollout('team-a-only', 'team-a')])
      await post(sb.url, ro);
    kubeconfig = writeFile(tempDir('kk-complete-'), 'config', simpleKubeconfig(sb.url));
  });
  afterAll(async () => {
    await sb.close();
    rmSync(path.dirname(kubeconfig), { recursive: true, force: true });
  });

  it('lists the rollouts of the context namespace', async () => {
    const r = await complete(['rollout', 'approve', '']);
    expect(r).toEqual({ code: 0, stdout: 'rollouts-api\nrollouts-demo\nweb\n:4\n', stderr: '' });
  });

  it('filters by the typed prefix, keeps TYPE/, and leaves out names already given', async () => {
    expect((await complete(['rollout', 'status', 'rollouts-'])).stdout).toBe('rollouts-api\nrollouts-demo\n:4\n');
    expect((await complete(['rollout', 'pause', 'ro/w'])).stdout).toBe('ro/web\n:4\n');
    expect((await complete(['rollout', 'approve', 'rollout/web', 'rollouts-demo', ''])).stdout).toBe('rollouts-api\n:4\n');
  });

  it('uses -n / --namespace from the words', async () => {
    expect((await complete(['-n', 'team-a', 'rollout', 'approve', ''])).stdout).toBe('team-a-only\n:4\n');
    expect((await complete(['rollout', 'watch', '--namespace=team-a', ''])).stdout).toBe('team-a-only\n:4\n');
    expect((await complete(['rollout', 'watch', '-n', 'empty', ''])).stdout).toBe(':4\n');
  });

  it('completes -n with the namespaces on the server', async () => {
    expect((await complete(['-n', ''])).stdout).toBe('default\nkube-node-lease\nkube-public\nkube-system\nteam-a\n:4\n');
    expect((await complete(['rollout', 'approve', '--namespace=t'])).stdout).toBe('team-a\n:4\n');
  });

  it('uses --server from the words when there is no kubeconfig', async () => {
    const r = await runCli(['__complete', '--', '--server', sb.url, 'rollout', 'approve', 'w'], { env: { HOME: '/nonexistent' } });
    expect(r).toEqual({ code: 0, stdout: 'web\n:4\n', stderr: '' });
  });

  it('prints nothing and exits 0 on any error', async () => {
    const cases: [string[], NodeJS.ProcessEnv][] = [
      [['rollout', 'approve', ''], { KUBECONFIG: '/nonexistent/config' }],
      [['--server', 'http://127.0.0.1:1', '--request-timeout', '1s', 'rollout', 'approve', ''], {}],
      [['--request-timeout', 'bogus', 'rollout', 'approve', ''], {}],
      [['-v', '9', '--context', 'missing', 'rollout', 'approve', ''], {}],
    ];
    for (const [words, env] of cases) {
      expect(await complete(words, env)).toEqual({ code: 0, stdout: '', stderr: '' });
    }
  });

  it('works without `--` too (commander must not eat -n or --help)', async () => {
    const r = await runCli(['__complete', '-n', 'team-a', 'rollout', 'approve', '--help', ''], {
      env: { HOME: '/nonexistent', KUBECONFIG: kubeconfig },
    });
    expect(r).toEqual({ code: 0, stdout: 'team-a-only\n:4\n', stderr: '' });
  });
});

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('shell integration (real binary; run `node scripts/build.mjs` first)', () => {
  const dir = tempDir('kk-complete-bin-');
  const binDir = path.join(dir, 'bin');
  mkdirSync(binDir);
  symlinkSync(BIN, path.join(binDir, 'kubectl-kruise'));
  symlinkSync(fileURLToPath(new URL('../../bin/kubectl_complete-kruise', import.meta.url)), path.join(binDir, 'kubectl_complete-kruise'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { HOME: dir, PATH: `${binDir}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };

  it('bash: the script loads and registers the function', async () => {
    const r = await sh('bash', ['-c', 'source <(kubectl-kruise completion bash) && complete -p kubectl-kruise'], env);
    expect(r).toEqual({ code: 0, stdout: 'complete -F _kubectl_kruise kubectl-kruise\n', stderr: '' });
  });

  it.each([
    ['kubectl-kruise rollout ap', 'approve'],
    ['kubectl-kruise completion ', 'bash zsh fish'],
    ['kubectl-kruise rollout watch --until=pa', 'paused'],
    ['kubectl-kruise -n x rollout st', 'status'],
  ])('bash: %j completes to %j', async (line, expected) => {
    const script = [
      'source <(kubectl-kruise completion bash)',
      `COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}`,
      'read -r -a COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
      '_kubectl_kruise kubectl-kruise',
      'echo "${COMPREPLY[*]}"',
    ].join('\n');
    const r = await sh('bash', ['-c', script], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${expected}\n`);
  });

  it.each(['zsh', 'fish'])('%s: the script is printed for the right command', async (shell) => {
    const r = await sh('kubectl-kruise', ['completion', shell], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' __complete -- ');
    expect(r.stdout).toMatch(shell === 'zsh' ? /compdef _kubectl_kruise kubectl-kruise/ : /complete -c kubectl-kruise -f/);
  });

  it('rejects an unknown shell with exit 2', async () => {
    const r = await runCli(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: command-argument value 'powershell' is invalid/);
  });

  it('kubectl_complete-kruise speaks kubectl plugin completion', async () => {
    const r = await sh(path.join(binDir, 'kubectl_complete-kruise'), ['rollout', 'watch', '--until', ''], env);
    expect(r).toEqual({ code: 0, stdout: 'completed\npaused\nready\n:4\n', stderr: '' });
  });

  const kubectl = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((d) => path.join(d, 'kubectl'))
    .find((p) => existsSync(p) && statSync(p).isFile());
  (kubectl ? it : it.skip)('kubectl __complete kruise … goes through kubectl_complete-kruise', async () => {
    const r = await sh(kubectl!, ['__complete', 'kruise', 'rollout', 're'], env);
    expect(r.stdout).toBe('resume\nreconcile-once\n:4\n');
  });
});
