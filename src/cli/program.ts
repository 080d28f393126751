// The command tree. Each command's implementation is imported only when it runs, so
// `--help` and every command pay only for what they use.
import { Argument, Command, Option } from 'commander';
import type { CommandContext, CommandRun, GlobalOptions } from './context.js';
import type { Deps } from './deps.js';

type Loader = () => Promise<{ run: CommandRun<any> }>;

const EXIT_CODES_HELP = `
Exit codes:
  0  success; the awaited condition holds
  1  failure: API error, not found, or a refused action (e.g. approve when not paused)
  2  usage error: bad flags or arguments (nothing was sent to the server)
  3  timeout: --timeout passed before the condition held
  4  the awaited condition can no longer hold (rolled back, disabled, deleted, superseded)`;

/** Builds the commander program; `result.code` receives the exit code of the action that ran. */
export function buildProgram(deps: Deps, result: { code: number }): Command {
  const name = deps.invokedAs;
  const program = new Command(name).name(name);

  const contextOf = (cmd: Command): CommandContext => ({
    args: cmd.args,
    opts: cmd.opts(),
    globals: cmd.optsWithGlobals() as GlobalOptions,
    deps,
  });
  const action =
    (load: Loader) =>
    async (...received: unknown[]) => {
      const ctx = contextOf(received[received.length - 1] as Command);
      const mod = await load();
      result.code = await mod.run(ctx);
    };

  program
    .description('Drive Kruise Rollouts from the command line: approve, pause, resume, status, watch')
    .addHelpText('after', help(name, [
      ['Approve the batch of rollouts-demo that waits for confirmation', 'rollout approve rollouts-demo -n default'],
      ['Try everything without a cluster', 'rollout demo'],
    ]))
    .option('--kubeconfig <file>', 'path to the kubeconfig file to use for CLI requests')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'if present, the namespace scope for this CLI request')
    .option('-s, --server <url>', 'the address and port of the Kubernetes API server')
    .option('--token <token>', 'bearer token for authentication to the API server')
    .option('--insecure-skip-tls-verify', "don't check the server's certificate (insecure)")
    .option('--request-timeout <duration>', 'how long to wait for a single server request (e.g. 1s, 2m); 0 means no timeout', '0')
    .option('--no-color', 'print plain text without colours')
    .addOption(new Option('-v, --v <level>', 'log level: 6 logs each request, 8 adds bodies (secrets are always redacted)'))
    .showHelpAfterError(false)
    .allowExcessArguments(false)
    // Subcommand help lists the global flags too (kubectl points at `kubectl options`).
    .configureHelp({ showGlobalOptions: true });

  const rollout = program
    .command('rollout')
    .description('Manage Kruise Rollouts (rollouts.rollouts.kruise.io)')
    .addHelpText('after', help(name, [
      ['Approve the batch that waits for confirmation', 'rollout approve rollouts-demo'],
      ['Wait in CI until batch 1 is released and paused', 'rollout watch rollouts-demo --until paused --step 1 --timeout 10m'],
    ]));

  rollout
    .command('approve')
    .description('Approve the current step of a rollout that is paused for manual confirmation')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('--step <n>', 'approve only if the current step is N; already past N is reported as already approved')
    .option('--rollout-id <id>', 'approve only if the status belongs to this rollout-id')
    .option('--dry-run', 'show what would be written, write nothing')
    .option('-o, --output <format>', 'print the written object instead: json|yaml|name')
    .addHelpText('after', help(name, [
      ['Approve the current batch of rollouts-demo', 'rollout approve rollout/rollouts-demo -n default'],
      ['Approve step 1 only (a retried CI job is harmless)', 'rollout approve rollouts-demo --step 1'],
    ]))
    .action(action(() => import('./rollout-approve.js')));

  rollout
    .command('pause')
    .description('Pause a rollout: freeze its step machine (spec.strategy.paused)')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('-o, --output <format>', 'print the written object instead: json|yaml|name')
    .addHelpText('after', help(name, [['Pause rollouts-demo', 'rollout pause rollout/rollouts-demo']]))
    .action(action(() => import('./rollout-pause.js')));

  rollout
    .command('resume')
    .description('Resume a paused rollout (does not approve a step waiting for confirmation)')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('-o, --output <format>', 'print the written object instead: json|yaml|name')
    .addHelpText('after', help(name, [['Resume rollouts-demo', 'rollout resume rollout/rollouts-demo']]))
    .action(action(() => import('./rollout-resume.js')));

  rollout
    .command('status')
    .description('Show what a rollout is doing: phase, step, batch replicas, revisions')
    .argument('<rollout...>', ROLLOUT_ARG)
    .option('-w, --watch', 'watch until the current release completes (same as `rollout watch --until completed`)')
    .option('--timeout <duration>', 'with --watch: give up after this long (exit 3)')
    .option('-o, --output <format>', 'print the status as data: json|yaml')
    .addHelpText('after', help(name, [
      ['Show the status of rollouts-demo', 'rollout status rollout/rollouts-demo -n default'],
      ['Wait for the current release to complete', 'rollout status rollouts-demo -w --timeout 10m'],
    ]))
    .action(action(() => import('./rollout-status.js')));

  rollout
    .command('watch')
    .description('Follow a rollout live and exit when a condition holds (for CI gates)')
    .argument('<rollout...>', ROLLOUT_ARG)
    .addOption(new Option('--until <condition>', 'the condition to wait for').choices(['completed', 'paused', 'ready']).default('completed'))
    .option('--step <n>', 'with --until paused|ready: the step index to wait for')
    .option('--rollout-id <id>', 'wait for the release with this rollout-id')
    .option('--timeout <duration>', 'give up after this long (exit 3)')
    .option('-o, --output <format>', 'print one JSON object per change instead of the live view: json')
    .addHelpText('after', help(name, [
      ['Wait until batch 1 waits for approval', 'rollout watch rollouts-demo --until paused --step 1 --timeout 10m'],
      ['Wait until the release completes', 'rollout watch rollouts-demo --until completed'],
    ]))
    .action(action(() => import('./rollout-watch.js')));

  rollout
    .command('reconcile-once')
    .description('Run one pass of the embedded Kruise Rollout controller, then exit')
    .argument('[rollout...]', ROLLOUT_ARG)
    .option('--all', 'every rollout in the namespace')
    .option('-A, --all-namespaces', 'every rollout in every namespace')
    .option('--dry-run', 'show the transitions and writes, write nothing')
    .option('-o, --output <format>', 'output format: json')
    .addHelpText('after', help(name, [
      ['Advance rollouts-demo by one controller pass', 'rollout reconcile-once rollouts-demo'],
      ['One pass over every rollout in the cluster', 'rollout reconcile-once -A'],
    ]))
    .action(action(() => import('./rollout-reconcile-once.js')));

  rollout
    .command('demo')
    .description("Run the user guide's walkthrough on an in-process sandbox")
    .addHelpText('after', help(name, [['Watch a canary release go 1 -> 5 -> 10 pods with two approvals', 'rollout demo']]))
    .action(action(() => import('./rollout-demo.js')));

  program
    .command('sandbox')
    .description('Run an embedded Kubernetes API server on 127.0.0.1 for trying and testing without a cluster')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '0')
    .option('--kubeconfig-out <file>', 'where to write the kubeconfig', './kubeconfig.sandbox')
    .option('--data-dir <dir>', 'keep state in DIR so it survives a restart')
    .option('--no-rollout-controller', 'do not run the embedded Kruise Rollout controller')
    .option('--pod-ready-delay <duration>', 'how long a new pod takes to become Ready', '0.5s')
    .option('--tls', 'serve HTTPS with a self-signed CA written next to the kubeconfig')
    .addHelpText('after', help(name, [
      ['Start a sandbox on port 6443 (runs until Ctrl-C)', 'sandbox --port 6443 --kubeconfig-out /tmp/kc'],
      ['Then, in another terminal, use it', 'rollout status rollouts-demo --kubeconfig /tmp/kc'],
    ]))
    .action(action(() => import('./sandbox.js')));

  program
    .command('version')
    .description('Print the version of kubectl-kruise')
    .addOption(new Option('-o, --output <format>', 'print the version as data: json|yaml').choices(['json', 'yaml']))
    .addHelpText('after', help(name, [
      ['Print the version', 'version'],
      ['Print the version as JSON', 'version -o json'],
    ]))
    .action(action(() => import('./version.js')));

  program
    .command('completion')
    .description('Print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell to print the script for').choices(['bash', 'zsh', 'fish']))
    .addHelpText('after', help(name, [
      ['Load completion into the current bash shell', 'source <({name} completion bash)'],
      ['Install it for zsh (a directory on $fpath, after compinit)', '{name} completion zsh > "${fpath[1]}/_kubectl-kruise"'],
      ['Load it in fish', '{name} completion fish | source'],
    ], `\`kubectl kruise <TAB>\` (kubectl >= 1.26) runs kubectl_complete-kruise, shipped next to kubectl-kruise;
npm i -g links it; after a krew install put it on PATH yourself:
  ln -s "$(dirname "$(readlink -f "$(command -v kubectl-kruise)")")/kubectl_complete-kruise" ~/bin/
`))
    .action(action(() => import('./completion.js')));

  // Hidden: the shell scripts and kubectl_complete-kruise call `__complete -- WORDS…` (cobra's protocol).
  program
    .command('__complete', { hidden: true })
    .description('Print completion candidates for WORDS, one per line, then :DIRECTIVE')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (...received: unknown[]) => {
      const cmd = received[received.length - 1] as Command;
      const { runComplete, completionWords } = await import('./completion.js');
      // The raw words: commander would otherwise have taken `-n NS` etc. out of them.
      const raw = (program as unknown as { rawArgs?: string[] }).rawArgs;
      result.code = await runComplete(contextOf(cmd), program, completionWords(raw, cmd.args));
    });

  return program;
}

const ROLLOUT_ARG = 'rollout/NAME, ro/NAME, NAME, or `rollout NAME`';

function examples(name: string, items: [string, string][]): string {
  // {name} marks where the invoked name goes when it is not the first word (`source <({name} …)`).
  const line = (cmd: string) => (cmd.includes('{name}') ? cmd.replace('{name}', name) : `${name} ${cmd}`);
  return `\nExamples:\n${items.map(([what, cmd]) => `  # ${what}\n  ${line(cmd)}`).join('\n\n')}\n`;
}

// kubectl style: examples (each with a `#` comment line), then the exit codes, on every command.
function help(name: string, items: [string, string][], note = ''): string {
  return examples(name, items) + (note ? `\n${note}` : '') + EXIT_CODES_HELP;
}
