// `rollout demo`: the user guide's walkthrough, end to end, on an in-process sandbox with the
// embedded rollout controller. Every step prints the command a user would type and its effect.
// The commands run through the CLI it is given (main), not an import of it: main builds the
// program that contains this command.
import type { Command } from 'commander';
import rolloutDocs from '../../examples/rollouts-demo.yaml';
import workloadDocs from '../../examples/workload-demo.yaml';
import type { KubeObject } from '../kube/types.js';
import { commandClock, sleep } from '../runtime/clock.js';
import { type CliRunner, type GlobalOptions, NO_GLOBALS } from './context.js';
import type { Deps } from './deps.js';
import { CliError, ExitCode, type ExitCodeValue, UsageError } from './errors.js';
import { ownHelp } from './help-text.js';

/** The flags of `rollout demo`. */
export interface DemoFlags {
  writeManifests?: string;
  keep?: boolean;
  traffic?: boolean;
  canary?: boolean;
  dashboard?: boolean;
}

/** Validated `rollout demo` options. */
interface DemoOptions {
  /** false with --no-color, passed on to every command the demo runs. */
  color: boolean;
  /** --write-manifests DIR: write the guide's two manifests there and run nothing. */
  writeManifests?: string;
  /** --keep: leave the sandbox running after the walkthrough, with a kubeconfig for it. */
  keep: boolean;
  /** --traffic: the same release with a Service and an nginx Ingress, 20% and 50% of traffic to the canary. */
  traffic: boolean;
  /** --canary: the --traffic release in canary style, an extra canary Deployment next to the paused stable one. */
  canary: boolean;
  /** --dashboard: serve the dashboard for the sandbox, open it, and let the approvals be made there. */
  dashboard: boolean;
}

/** Adds `demo` with its flags and help to `parent`. */
export function addDemoCommand(parent: Command, name: string): Command {
  const cmd = parent
    .command('demo')
    .description("Run the user guide's walkthrough on an in-process sandbox")
    .option('--write-manifests <dir>', "write the guide's manifests (workload-demo.yaml, rollouts-demo.yaml) to DIR and exit")
    .option('--keep', 'leave the sandbox running afterwards (until Ctrl-C) and print its export KUBECONFIG= line')
    .option('--traffic', 'route traffic through a Service and an nginx Ingress: 20%, then 50% to the canary')
    .option('--canary', 'the --traffic release in canary style: an extra canary Deployment, the stable one paused until the end')
    .option('--dashboard', 'open the dashboard of the sandbox in the browser and wait for each approval to be made there')
    .option('--no-color', 'print plain text without colours');
  return ownHelp(cmd, name, [
    ['Watch a canary release go 1 -> 5 -> 10 pods with two approvals', 'rollout demo'],
    ['Then go on by hand on the same sandbox', 'rollout demo --keep'],
    ['The same release with an Ingress carrying 20%, then 50% of the traffic', 'rollout demo --traffic'],
    ['The same with a canary Deployment next to the stable one (canary style)', 'rollout demo --canary'],
    ['Watch it and approve each batch in the browser', 'rollout demo --dashboard'],
    ['Get the two manifests to try it on a sandbox or a cluster yourself', 'rollout demo --write-manifests .'],
  ]);
}

/** The demo's options. */
export function completeDemo(flags: DemoFlags = {}, globals: GlobalOptions = NO_GLOBALS): DemoOptions {
  if (flags.writeManifests === '') throw new UsageError('--write-manifests needs a directory');
  return {
    color: globals.color !== false,
    writeManifests: flags.writeManifests,
    keep: flags.keep === true,
    traffic: flags.traffic === true || flags.canary === true,
    canary: flags.canary === true,
    dashboard: flags.dashboard === true,
  };
}

/** Checks the options together. */
export function validateDemo(o: DemoOptions): void {
  if (o.writeManifests !== undefined && o.keep) throw new UsageError('--write-manifests runs no demo: it takes no --keep');
  if (o.writeManifests !== undefined && o.canary) throw new UsageError('--write-manifests runs no demo: it takes no --canary');
  if (o.writeManifests !== undefined && o.traffic) throw new UsageError('--write-manifests runs no demo: it takes no --traffic');
  if (o.writeManifests !== undefined && o.dashboard) throw new UsageError('--write-manifests runs no demo: it takes no --dashboard');
}

// The guide's two objects: examples/*.yaml is their one copy (embedded at build time, shipped as files).
const DEPLOYMENT = workloadDocs[0] as KubeObject;
const ROLLOUT = rolloutDocs[0] as KubeObject;

/** The file names --write-manifests writes, and the objects in them. */
const MANIFESTS: [string, KubeObject, string][] = [
  ['workload-demo.yaml', DEPLOYMENT, "The user guide's Deployment: 10 pods of version-1."],
  ['rollouts-demo.yaml', ROLLOUT, "The user guide's Rollout: batches of 1, 50% and 100% of the pods, the first two waiting for approval."],
];

/** Writes the guide's manifests into `dir` (created when missing) and says what to run next. */
async function writeManifests(dir: string, deps: Deps): Promise<ExitCodeValue> {
  const [{ mkdir, writeFile }, { resolve, join }, { loadYaml }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../kube/yaml.js'),
  ]);
  const { stringify } = await loadYaml();
  const abs = resolve(dir);
  try {
    await mkdir(abs, { recursive: true });
    for (const [file, obj, what] of MANIFESTS) await writeFile(join(abs, file), `# ${what}\n${stringify(obj)}`);
  } catch (err) {
    throw new CliError(`cannot write the manifests to ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  for (const [file] of MANIFESTS) deps.io.out.write(`${join(abs, file)}\n`);
  return ExitCode.ok;
}

/** --traffic: a Service and an nginx Ingress in front of workload-demo (as upstream's e2e objects, for app=demo). */
const SERVICE: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'demo', namespace: 'default' },
  spec: { selector: { app: 'demo' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
};
const INGRESS: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'demo', namespace: 'default', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
  spec: {
    rules: [
      {
        host: 'demo.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'demo', port: { number: 80 } } } }] },
      },
    ],
  },
};

/** The guide's Rollout routing 20%, then 50% of the traffic to the canary through the Service and Ingress. */
function trafficRollout(): KubeObject {
  const ro = structuredClone(ROLLOUT) as KubeObject & {
    spec: { strategy: { canary: { steps: Record<string, unknown>[]; trafficRoutings?: unknown[] } } };
  };
  const steps = ro.spec.strategy.canary.steps;
  steps[0]!.traffic = '20%';
  steps[1]!.traffic = '50%';
  ro.spec.strategy.canary.trafficRoutings = [{ service: 'demo', ingress: { classType: 'nginx', name: 'demo' } }];
  return ro;
}

/** --canary: the same in canary style (docs/controller.md §18). */
function canaryRollout(): KubeObject {
  const ro = trafficRollout() as KubeObject & { spec: { strategy: { canary: Record<string, unknown> } } };
  ro.spec.strategy.canary.enableExtraWorkloadForCanary = true;
  return ro;
}

const GUIDE_PATCH = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';

/** Runs the walkthrough, typing each command into `cli`; ok when it ends with every pod at version-2. */
export async function runDemo(o: DemoOptions, deps: Deps, cli: CliRunner): Promise<ExitCodeValue> {
  if (o.writeManifests !== undefined) return writeManifests(o.writeManifests, deps);
  const out = (s = '') => deps.io.out.write(`${s}\n`);
  const [
    { createSandbox },
    { rolloutController },
    { admitDeploymentUpdate, admitCloneSetUpdate, admitStatefulSetUpdate, admitDaemonSetUpdate },
  ] = await Promise.all([
    import('../sandbox/server.js'),
    import('../sandbox/wire-rollout-controller.js'),
    import('../reconcile/workload-admission.js'),
  ]);
  const sandbox = await createSandbox({
    port: 0,
    podReadyDelayMs: 200,
    controllers: [rolloutController()],
    workloadAdmission: { admitDeploymentUpdate, admitCloneSetUpdate, admitStatefulSetUpdate, admitDaemonSetUpdate },
  });
  const server = sandbox.url;
  const page = o.dashboard ? await openDashboard(server, deps) : undefined;
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
  /** What the canary Ingress carries, as `kubectl get ingress demo-canary` would show it. */
  const showIngress = async () => {
    const r = await fetch(`${server}/apis/networking.k8s.io/v1/namespaces/default/ingresses/demo-canary`);
    if (r.status === 404) return out('  ingress demo-canary: gone (all traffic to the stable pods)');
    const annotations = ((await r.json()) as KubeObject).metadata.annotations ?? {};
    const canary = Object.entries(annotations)
      .filter(([k]) => k.startsWith('nginx.ingress.kubernetes.io/canary'))
      .map(([k, v]) => `${k}=${v}`);
    out(`  ingress demo-canary: ${canary.join(', ')}`);
  };
  /** The canary Deployment next to the stable one (canary style). */
  const showDeployments = async () => {
    const list = (await (
      await fetch(
        `${server}/apis/apps/v1/namespaces/default/deployments?labelSelector=rollouts.kruise.io%2Fcanary-deployment%3Dworkload-demo`,
      )
    ).json()) as { items: { metadata: { name: string }; spec: { replicas?: number }; status?: { readyReplicas?: number } }[] };
    const stable = (await (await fetch(`${server}/apis/apps/v1/namespaces/default/deployments/workload-demo`)).json()) as {
      spec: { paused?: boolean };
    };
    out(`  deployment workload-demo: ${stable.spec.paused ? 'paused (stable pods untouched)' : 'rolling natively'}`);
    if (list.items.length === 0) return out('  canary deployment: none');
    for (const d of list.items)
      out(`  canary deployment ${d.metadata.name}: ${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 0} ready`);
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
    say('Step 0: the Deployment workload-demo (10 replicas, version-1)', 'kubectl apply -f examples/workload-demo.yaml');
    await api('POST', '/apis/apps/v1/namespaces/default/deployments', DEPLOYMENT);
    await waitForReadyPods(server, 10);
    await showPods();

    if (o.traffic) {
      say('Step 0b: a Service and an nginx Ingress in front of it', 'kubectl apply -f service.yaml -f ingress.yaml');
      await api('POST', '/api/v1/namespaces/default/services', SERVICE);
      await api('POST', '/apis/networking.k8s.io/v1/namespaces/default/ingresses', INGRESS);
    }
    if (o.canary)
      say(
        'Step 1: apply the Rollout in canary style (a canary Deployment of 1, 50%, 100% of the pods; 20%, 50% of the traffic)',
        'kubectl apply -f rollouts-demo.yaml  # with enableExtraWorkloadForCanary: true and trafficRoutings: [{service: demo, ingress: {name: demo}}]',
      );
    else if (o.traffic) {
      say(
        'Step 1: apply the Rollout (batches: 1 with 20% of the traffic, 50% with 50%, 100%)',
        'kubectl apply -f rollouts-demo.yaml  # with trafficRoutings: [{service: demo, ingress: {name: demo}}]',
      );
    } else say('Step 1: apply the Rollout (batches: 1, 50%, 100%)', 'kubectl apply -f examples/rollouts-demo.yaml');
    await api(
      'POST',
      '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts',
      o.canary ? canaryRollout() : o.traffic ? trafficRollout() : ROLLOUT,
    );
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
    if (o.canary) await showDeployments();
    if (o.traffic) await showIngress();

    for (const [step, expected] of [
      [2, 5],
      [3, 10],
    ] as const) {
      say(`Step ${step + 1}: release batch ${step}`, 'kubectl-kruise rollout approve rollout/rollouts-demo -n default');
      if (page) {
        // The approval is the user's, in the page: the demo waits for it (as long as it takes).
        out(`  waiting for you: click "Approve step ${step - 1}/3" in the dashboard (${page.url})`);
        await wait([...(step === 3 ? ['--until', 'completed'] : ['--until', 'paused', '--step', String(step)]), '--timeout', '0']);
      } else {
        const code = await kruise(['rollout', 'approve', 'rollout/rollouts-demo', '-n', 'default', '--step', String(step - 1)]);
        if (code !== ExitCode.ok) throw new CliError(`demo: approve ended with exit code ${code}`);
        await wait(step === 3 ? ['--until', 'completed'] : ['--until', 'paused', '--step', String(step)]);
      }
      // Canary style: the canary pods run next to the 10 stable ones until the end.
      await waitForVersionCount(pods, 'version-2', expected, o.canary && step < 3 ? 10 + expected : 10);
      await kruise(['rollout', 'status', 'rollouts-demo', '-n', 'default']);
      await showPods();
      if (o.canary) await showDeployments();
      if (o.traffic) await showIngress();
    }
    const final = await pods();
    out();
    out(`Done in ${((deps.now().getTime() - started) / 1000).toFixed(1)}s: ${final.get('version-2') ?? 0} of 10 pods run version-2.`);
    const ok = final.get('version-2') === 10 && final.size === 1;
    if (ok && o.keep) return await keepRunning(server, deps);
    return ok ? ExitCode.ok : ExitCode.failure;
  } finally {
    await page?.close();
    await sandbox.close();
  }
}

/** --dashboard: serves the dashboard for the sandbox (any free port), prints its URL and opens it. */
async function openDashboard(server: string, deps: Deps): Promise<{ url: string; close(): Promise<void> }> {
  const [{ clientFromGlobals }, { startDashboard }, { openBrowser }] = await Promise.all([
    import('../kube/from-flags.js'),
    import('../dashboard/server.js'),
    import('./dashboard.js'),
  ]);
  const client = await clientFromGlobals({ server, namespace: 'default' }, deps);
  const dashboard = await startDashboard(client, {
    namespace: 'default',
    host: '127.0.0.1',
    port: 0,
    now: deps.now,
    clock: commandClock,
    cli: 'kubectl-kruise',
  });
  deps.io.out.write(`Dashboard (approve each batch there): ${dashboard.url}\n`);
  openBrowser(dashboard.url, deps);
  return {
    url: dashboard.url,
    async close() {
      await dashboard.close();
      client.close();
    },
  };
}

/** --keep: writes a kubeconfig for the sandbox, says how to use it, and waits for Ctrl-C. */
async function keepRunning(server: string, deps: Deps): Promise<ExitCodeValue> {
  const [{ writeFile }, { tmpdir }, { join }, { sandboxKubeconfig }] = await Promise.all([
    import('node:fs/promises'),
    import('node:os'),
    import('node:path'),
    import('../sandbox/kubeconfig.js'),
  ]);
  const file = join(tmpdir(), `kubectl-kruise-demo-${new URL(server).port}.kubeconfig`);
  await writeFile(file, sandboxKubeconfig(server), { mode: 0o600 });
  const out = (s = '') => deps.io.out.write(`${s}\n`);
  out();
  out(`The sandbox keeps running at ${server} until Ctrl-C. Go on by hand in another terminal:`);
  out(`export KUBECONFIG=${file}`);
  out('kubectl-kruise rollout list');
  out(`kubectl patch deployment workload-demo -p '${GUIDE_PATCH.replace('version-2', 'version-3')}'`);
  out('kubectl-kruise rollout watch rollouts-demo --until paused --step 1');
  await new Promise<void>((done) => {
    if (!deps.signal) return; // without a signal it runs until the process ends
    if (deps.signal.aborted) return done();
    deps.signal.addEventListener('abort', () => done(), { once: true });
  });
  return ExitCode.ok;
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

async function waitForVersionCount(pods: () => Promise<Map<string, number>>, version: string, want: number, total = 10): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const counts = await pods();
    if ((counts.get(version) ?? 0) >= want && [...counts.values()].reduce((a, b) => a + b, 0) === total) return;
    await sleep(commandClock, 50);
  }
  throw new CliError(`demo: ${want} pods did not reach ${version}`);
}
