// `rollout demo`: the user guide's walkthrough, end to end, on an in-process sandbox with the
// embedded rollout controller. Every step prints the command a user would type and its effect.
// The commands run through the CLI it is given (main), not an import of it: main builds the
// program that contains this command.
import type { Command } from 'commander';
import { commandClock, sleep } from '../runtime/clock.js';
import { type CliRunner, type GlobalOptions, NO_GLOBALS } from './context.js';
import type { Deps } from './deps.js';
import { CliError, ExitCode, type ExitCodeValue } from './errors.js';
import { help } from './help-text.js';

/** Validated `rollout demo` options. */
interface DemoOptions {
  /** false with --no-color, passed on to every command the demo runs. */
  color: boolean;
}

/** Adds `demo` with its help to `parent`. */
export function addDemoCommand(parent: Command, name: string): Command {
  return parent
    .command('demo')
    .description("Run the user guide's walkthrough on an in-process sandbox")
    .addHelpText('after', help(name, [['Watch a canary release go 1 -> 5 -> 10 pods with two approvals', 'rollout demo']]));
}

/** The demo's options: it has no flags of its own. */
export function completeDemo(globals: GlobalOptions = NO_GLOBALS): DemoOptions {
  return { color: globals.color !== false };
}

/** Checks the options; there are none to refuse. */
export function validateDemo(_o: DemoOptions): void {}

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'workload-demo', namespace: 'default' },
  spec: {
    replicas: 10,
    selector: { matchLabels: { app: 'demo' } },
    template: {
      metadata: { labels: { app: 'demo' } },
      spec: {
        containers: [
          {
            name: 'busybox',
            image: 'busybox:latest',
            command: ['/bin/sh', '-c', 'sleep 100d'],
            env: [{ name: 'VERSION', value: 'version-1' }],
          },
        ],
      },
    },
  },
};

const ROLLOUT = {
  apiVersion: 'rollouts.kruise.io/v1beta1',
  kind: 'Rollout',
  metadata: { name: 'rollouts-demo', namespace: 'default' },
  spec: {
    workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'workload-demo' },
    strategy: { canary: { enableExtraWorkloadForCanary: false, steps: [{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }] } },
  },
};

const GUIDE_PATCH = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';

/** Runs the walkthrough, typing each command into `cli`; ok when it ends with every pod at version-2. */
export async function runDemo(o: DemoOptions, deps: Deps, cli: CliRunner): Promise<ExitCodeValue> {
  const out = (s = '') => deps.io.out.write(`${s}\n`);
  const [{ createSandbox }, { rolloutController }, { admitDeploymentUpdate }] = await Promise.all([
    import('../sandbox/server.js'),
    import('../sandbox/wire-rollout-controller.js'),
    import('../reconcile/workload-admission.js'),
  ]);
  const sandbox = await createSandbox({
    port: 0,
    podReadyDelayMs: 200,
    controllers: [rolloutController()],
    workloadAdmission: { admitDeploymentUpdate },
  });
  const server = sandbox.url;
  const kruise = (argv: string[], io: Deps['io'] = deps.io) =>
    cli([...argv, '--server', server, ...(o.color ? [] : ['--no-color'])], { ...deps, io, invokedAs: 'kubectl-kruise' });
  const quiet: Deps['io'] = { out: { write: () => true }, err: deps.io.err };
  const started = deps.now().getTime();
  const api = (method: string, path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${server}${path}`, { method, headers: { 'content-type': contentType }, body: JSON.stringify(body) }).then(async (r) => {
      if (!r.ok) throw new CliError(`demo: ${method} ${path} failed: HTTP ${r.status} ${await r.text()}`);
      return r.json();
    });
  const pods = async () => {
    const list = (await (await fetch(`${server}/api/v1/namespaces/default/pods?labelSelector=app%3Ddemo`)).json()) as {
      items: { metadata: { deletionTimestamp?: string }; spec: { containers: { env?: { name: string; value?: string }[] }[] } }[];
    };
    const byVersion = new Map<string, number>();
    for (const p of list.items.filter((i) => !i.metadata.deletionTimestamp)) {
      const v = p.spec.containers[0]?.env?.find((e) => e.name === 'VERSION')?.value ?? '?';
      byVersion.set(v, (byVersion.get(v) ?? 0) + 1);
    }
    return byVersion;
  };
  const showPods = async () => {
    const counts = await pods();
    out(
      `  pods: ${[...counts]
        .sort()
        .map(([v, n]) => `${n} × ${v}`)
        .join(', ')}`,
    );
    return counts;
  };
  const wait = async (args: string[]) => {
    const code = await kruise(['rollout', 'watch', 'rollouts-demo', '-n', 'default', '--timeout', '60s', ...args], quiet);
    if (code !== ExitCode.ok) throw new CliError(`demo: waiting for ${args.join(' ')} ended with exit code ${code}`);
  };
  const say = (title: string, command?: string) => {
    out();
    out(`## ${title}`);
    if (command) out(`$ ${command}`);
  };

  try {
    out(`Kruise Rollout basic usage, on an embedded sandbox at ${server}`);
    say('Step 0: the Deployment workload-demo (10 replicas, version-1)', 'kubectl apply -f workload-demo.yaml');
    await api('POST', '/apis/apps/v1/namespaces/default/deployments', DEPLOYMENT);
    await waitForReadyPods(server, 10);
    await showPods();

    say('Step 1: apply the Rollout (batches: 1, 50%, 100%)', 'kubectl apply -f rollouts-demo.yaml');
    await api('POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', ROLLOUT);
    await wait(['--until', 'completed']);
    await kruise(['rollout', 'status', 'rollouts-demo', '-n', 'default']);

    say('Step 2: upgrade the Deployment to version-2; batch 1 is released', `kubectl patch deployment workload-demo -p '${GUIDE_PATCH}'`);
    await api(
      'PATCH',
      '/apis/apps/v1/namespaces/default/deployments/workload-demo',
      JSON.parse(GUIDE_PATCH),
      'application/strategic-merge-patch+json',
    );
    await wait(['--until', 'paused', '--step', '1']);
    await kruise(['rollout', 'status', 'rollouts-demo', '-n', 'default']);
    await showPods();

    for (const [step, expected] of [
      [2, 5],
      [3, 10],
    ] as const) {
      say(`Step ${step + 1}: release batch ${step}`, 'kubectl-kruise rollout approve rollout/rollouts-demo -n default');
      const code = await kruise(['rollout', 'approve', 'rollout/rollouts-demo', '-n', 'default', '--step', String(step - 1)]);
      if (code !== ExitCode.ok) throw new CliError(`demo: approve ended with exit code ${code}`);
      await wait(step === 3 ? ['--until', 'completed'] : ['--until', 'paused', '--step', String(step)]);
      await waitForVersionCount(pods, 'version-2', expected);
      await kruise(['rollout', 'status', 'rollouts-demo', '-n', 'default']);
      await showPods();
    }
    const final = await pods();
    out();
    out(`Done in ${((deps.now().getTime() - started) / 1000).toFixed(1)}s: ${final.get('version-2') ?? 0} of 10 pods run version-2.`);
    return final.get('version-2') === 10 && final.size === 1 ? ExitCode.ok : ExitCode.failure;
  } finally {
    await sandbox.close();
  }
}

async function waitForReadyPods(server: string, want: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const d = (await (await fetch(`${server}/apis/apps/v1/namespaces/default/deployments/workload-demo`)).json()) as {
      status?: { readyReplicas?: number; updatedReplicas?: number };
    };
    if ((d.status?.readyReplicas ?? 0) >= want) return;
    await sleep(commandClock, 50);
  }
  throw new CliError('demo: the Deployment did not become ready');
}

async function waitForVersionCount(pods: () => Promise<Map<string, number>>, version: string, want: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const counts = await pods();
    if ((counts.get(version) ?? 0) >= want && [...counts.values()].reduce((a, b) => a + b, 0) === 10) return;
    await sleep(commandClock, 50);
  }
  throw new CliError(`demo: ${want} pods did not reach ${version}`);
}
