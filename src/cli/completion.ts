// Shell completion: `completion bash|zsh|fish` prints a script; the hidden `__complete WORDS…`
// prints candidates one per line and a cobra-style `:DIRECTIVE` line, which is also the
// protocol kubectl (>= 1.26) speaks with `kubectl_complete-kruise` for `kubectl kruise <TAB>`.
import { Argument, type Command } from 'commander';
import type { GlobalOptions } from './context.js';
import type { Deps } from './deps.js';
import { ExitCode, type ExitCodeValue } from './errors.js';
import { ownHelp } from './help-text.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
/** A shell `completion` prints a script for. */
type Shell = (typeof SHELLS)[number];

/** Validated `completion` options. */
interface CompletionOptions {
  shell: Shell;
}

/** Adds `completion SHELL` with its help to `parent`. */
export function addCompletionCommand(parent: Command, name: string): Command {
  const cmd = parent
    .command('completion')
    .description('Print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell to print the script for').choices(SHELLS));
  return ownHelp(
    cmd,
    name,
    [
      ['Load completion into the current bash shell', 'source <({name} completion bash)'],
      ['Install it for zsh (a directory on $fpath, after compinit)', '{name} completion zsh > "${fpath[1]}/_kubectl-kruise"'],
      ['Load it in fish', '{name} completion fish | source'],
    ],
    `\`kubectl kruise <TAB>\` (kubectl >= 1.26) runs kubectl_complete-kruise, shipped next to kubectl-kruise,
through kubectl's own completion: load that first (\`source <(kubectl completion bash)\`), and in bash
it needs the bash-completion package loaded (apt/dnf install bash-completion; macOS: brew install
bash-completion@2). npm i -g links kubectl_complete-kruise; after a krew install put it on PATH yourself:
  ln -s "$(dirname "$(readlink -f "$(command -v kubectl-kruise)")")/kubectl_complete-kruise" ~/bin/
`,
  );
}

/** Adds the hidden `__complete WORDS…` that the scripts and kubectl_complete-kruise call (cobra's protocol). */
export function addCompleteCommand(parent: Command): Command {
  return parent
    .command('__complete', { hidden: true })
    .description('Print completion candidates for WORDS, one per line, then :DIRECTIVE')
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();
}

/** The shell argument (commander has checked it against the choices). */
export function completeCompletion(args: string[]): CompletionOptions {
  return { shell: args[0] as Shell };
}

/** Checks the options; the one argument is checked by commander. */
export function validateCompletion(_o: CompletionOptions): void {}

/** Cobra's ShellCompDirective bits (the subset we emit). */
const Directive = { default: 0, noSpace: 2, noFileComp: 4, filterDirs: 16 } as const;

/** An option as completion sees it. */
interface CompletionOption {
  long?: string;
  short?: string;
  takesValue: boolean;
  choices?: string[];
}

/** A positional argument as completion sees it. */
interface CompletionArgument {
  name: string;
  variadic: boolean;
  choices?: string[];
}

/** One command of the tree, as plain data (taken from commander by treeFromCommander). */
interface CompletionCommand {
  name: string;
  aliases: string[];
  hidden: boolean;
  options: CompletionOption[];
  args: CompletionArgument[];
  subcommands: CompletionCommand[];
}

/** Names to fetch from the server (rollouts of the namespace, or namespaces), and how to turn them into candidates. */
export interface ServerQuery {
  resource: 'rollouts' | 'namespaces';
  /** Connection flags found in the words (`-n`, `--context`, `--kubeconfig`, …), by long name. */
  flags: Record<string, string | true>;
  /** Typed before the name and kept in the candidate: `rollout/` for `rollout/na<TAB>`, else ''. */
  typePrefix: string;
  /** The part of the name typed so far. */
  partial: string;
  /** Names already on the command line. */
  exclude: string[];
}

/** What to print for a completion request; `fetch` asks the caller to add names from the server. */
export interface CompletionPlan {
  candidates: string[];
  directive: number;
  fetch?: ServerQuery;
}

// Flags whose value is a path: let the shell complete files (directive 0) or directories.
const FILE_FLAGS = new Set(['--kubeconfig', '--kubeconfig-out', '--filename']);
const DIR_FLAGS = new Set(['--data-dir']);
// The spellings of the Rollout type a user writes before a name (`rollout/NAME`, `ro NAME`).
const ROLLOUT_TYPES = new Set(['rollout', 'rollouts', 'ro', 'rollout.rollouts.kruise.io', 'rollouts.rollouts.kruise.io']);
const HELP: CompletionOption = { long: '--help', short: '-h', takesValue: false };

/** The commander tree as plain data (commander's own help option is added to every command). */
export function treeFromCommander(cmd: Command): CompletionCommand {
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    // commander keeps `hidden` private; it is set by `.command(name, { hidden: true })`.
    hidden: (cmd as unknown as { _hidden?: boolean })._hidden === true,
    options: [
      ...cmd.options
        .filter((o) => !o.hidden)
        .map((o) => ({ long: o.long, short: o.short, takesValue: o.required || o.optional, choices: o.argChoices })),
      HELP,
    ],
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), variadic: a.variadic, choices: a.argChoices })),
    subcommands: cmd.commands.map(treeFromCommander),
  };
}

/**
 * Plans the candidates for WORDS (the words after the program name; the last one is the word
 * being completed, '' after a space). Program options are accepted anywhere, as commander does.
 */
export function planCompletion(root: CompletionCommand, words: string[]): CompletionPlan {
  const all = words.length ? words : [''];
  const cur = all[all.length - 1]!;
  const done = all.slice(0, -1);
  let cmd = root;
  const scope = () => (cmd === root ? root.options : [...root.options, ...cmd.options]);
  const findLong = (flag: string) => scope().find((o) => o.long === flag);
  const findShort = (flag: string) => scope().find((o) => o.short === flag);
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  let pending: CompletionOption | undefined;
  let literal = false;

  for (const w of done) {
    if (pending) {
      flags[pending.long!.slice(2)] = w;
      pending = undefined;
      continue;
    }
    if (literal) {
      positional.push(w);
    } else if (w === '--') {
      literal = true;
    } else if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const opt = findLong(eq >= 0 ? w.slice(0, eq) : w);
      if (opt?.long && eq >= 0) flags[opt.long.slice(2)] = w.slice(eq + 1);
      else if (opt?.long && opt.takesValue) pending = opt;
      else if (opt?.long) flags[opt.long.slice(2)] = true;
    } else if (w.startsWith('-') && w.length > 1) {
      const opt = findShort(w.slice(0, 2));
      if (opt?.long && opt.takesValue && w.length > 2) flags[opt.long.slice(2)] = w.slice(2);
      else if (opt?.long && opt.takesValue) pending = opt;
      else if (opt?.long) flags[opt.long.slice(2)] = true;
    } else {
      const sub = positional.length === 0 ? cmd.subcommands.find((c) => c.name === w || c.aliases.includes(w)) : undefined;
      if (sub) cmd = sub;
      else positional.push(w);
    }
  }

  // The value of a flag: `-n <TAB>`, `--until=<TAB>` (cobra returns the bare value; the shell
  // scripts put the `--flag=` back where the shell needs it).
  const eq = cur.startsWith('--') && !literal ? cur.indexOf('=') : -1;
  const valueFlag = pending ?? (eq >= 0 ? findLong(cur.slice(0, eq)) : undefined);
  if (valueFlag) {
    const typed = eq >= 0 && !pending ? cur.slice(eq + 1) : cur;
    if (valueFlag.choices) return { candidates: valueFlag.choices.filter((c) => c.startsWith(typed)), directive: Directive.noFileComp };
    if (valueFlag.long && FILE_FLAGS.has(valueFlag.long)) return { candidates: [], directive: Directive.default };
    if (valueFlag.long && DIR_FLAGS.has(valueFlag.long)) return { candidates: [], directive: Directive.filterDirs };
    if (valueFlag.long === '--namespace') {
      return {
        candidates: [],
        directive: Directive.noFileComp,
        fetch: { resource: 'namespaces', flags, typePrefix: '', partial: typed, exclude: [] },
      };
    }
    return { candidates: [], directive: Directive.noFileComp };
  }

  if (cur.startsWith('-') && !literal) {
    const names = scope()
      .flatMap((o) => [o.long, o.short])
      .filter((f): f is string => !!f && f.startsWith(cur));
    return { candidates: [...new Set(names)].sort(), directive: Directive.noFileComp };
  }

  const subs = cmd.subcommands.filter((c) => !c.hidden);
  if (subs.length && positional.length === 0) {
    return { candidates: subs.map((c) => c.name).filter((n) => n.startsWith(cur)), directive: Directive.noFileComp };
  }

  const arg = cmd.args[Math.min(positional.length, cmd.args.length - 1)];
  const overflow = positional.length >= cmd.args.length && !cmd.args[cmd.args.length - 1]?.variadic;
  if (!arg || overflow) return { candidates: [], directive: Directive.noFileComp };
  if (arg.choices) return { candidates: arg.choices.filter((c) => c.startsWith(cur)), directive: Directive.noFileComp };
  if (arg.name !== 'rollout') return { candidates: [], directive: Directive.noFileComp };

  const slash = cur.indexOf('/');
  if (slash >= 0 && !ROLLOUT_TYPES.has(cur.slice(0, slash).toLowerCase())) return { candidates: [], directive: Directive.noFileComp };
  const exclude = positional.map((p) => p.slice(p.indexOf('/') + 1)).filter((p) => !ROLLOUT_TYPES.has(p.toLowerCase()));
  return {
    candidates: [],
    directive: Directive.noFileComp,
    fetch: {
      resource: 'rollouts',
      flags,
      typePrefix: slash >= 0 ? cur.slice(0, slash + 1) : '',
      partial: slash >= 0 ? cur.slice(slash + 1) : cur,
      exclude,
    },
  };
}

/** The connection flags of a ServerQuery over the program's globals; never logs (-v is dropped). */
export function completionGlobals(globals: GlobalOptions, flags: Record<string, string | true>): GlobalOptions {
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  return {
    kubeconfig: str('kubeconfig') ?? globals.kubeconfig,
    context: str('context') ?? globals.context,
    namespace: str('namespace') ?? globals.namespace,
    server: str('server') ?? globals.server,
    token: str('token') ?? globals.token,
    insecureSkipTlsVerify: flags['insecure-skip-tls-verify'] === true || globals.insecureSkipTlsVerify,
    // A completion that hangs is worse than none; kubectl's default is no timeout.
    requestTimeout: str('request-timeout') ?? (globals.requestTimeout && globals.requestTimeout !== '0' ? globals.requestTimeout : '5s'),
    color: false,
  };
}

/** Names from the server as candidates (rollouts of the query's namespace, or namespaces): filtered, sorted. */
async function fetchCandidates(q: ServerQuery, globals: GlobalOptions, deps: Deps): Promise<string[]> {
  const { withKubeClient } = await import('../kube/from-flags.js');
  const { Resources } = await import('../kube/resources.js');
  const { isNotFound } = await import('../kube/errors.js');
  const quiet = { ...deps, io: { ...deps.io, err: { write: () => true } } };
  const list = await withKubeClient(completionGlobals(globals, q.flags), quiet, async (client) => {
    try {
      return q.resource === 'namespaces'
        ? await client.list(Resources.namespaces, undefined)
        : await client.list(Resources.rolloutsV1beta1, client.namespace);
    } catch (err) {
      // A cluster that serves only v1alpha1 answers 404 for v1beta1.
      if (!isNotFound(err) || q.resource !== 'rollouts') throw err;
      return client.list(Resources.rolloutsV1alpha1, client.namespace);
    }
  });
  return list.items
    .map((o) => o.metadata.name ?? '')
    .filter((n) => n?.startsWith(q.partial) && !q.exclude.includes(n))
    .sort()
    .map((n) => `${q.typePrefix}${n}`);
}

/** The words after `__complete` (and after its `--`, which keeps commander from parsing them). */
export function completionWords(rawArgs: string[] | undefined, parsed: string[]): string[] {
  const at = rawArgs?.indexOf('__complete') ?? -1;
  const words = at >= 0 ? rawArgs!.slice(at + 1) : parsed;
  return words[0] === '--' ? words.slice(1) : words;
}

/** `__complete WORDS…`: candidates one per line and `:DIRECTIVE`; on any error prints nothing, exit 0. */
export async function runComplete(program: Command, words: string[], globals: GlobalOptions, deps: Deps): Promise<ExitCodeValue> {
  try {
    const plan = planCompletion(treeFromCommander(program), words);
    const candidates = plan.fetch ? [...plan.candidates, ...(await fetchCandidates(plan.fetch, globals, deps))] : plan.candidates;
    deps.io.out.write(`${candidates.map((c) => `${c}\n`).join('')}:${plan.directive}\n`);
  } catch {
    // Completion must never print errors into the user's command line.
  }
  return ExitCode.ok;
}

/** The completion script for a shell; `cmd` is the executable name it completes. */
function completionScript(shell: Shell, cmd = 'kubectl-kruise'): string {
  const fn = `_${cmd.replace(/[^A-Za-z0-9]/g, '_')}`;
  switch (shell) {
    case 'bash':
      return `# bash completion for ${cmd}. Load it in the current shell with:
#   source <(${cmd} completion bash)
# For \`kubectl kruise <TAB>\` (kubectl >= 1.26), put kubectl_complete-kruise on your PATH.
${fn}() {
  local line="\${COMP_LINE:0:COMP_POINT}" out c directive=0
  local -a words
  # Split the line ourselves: COMP_WORDS breaks --flag=value at '=', the CLI wants whole words.
  read -r -a words <<< "$line"
  [[ "$line" =~ [[:space:]]$ ]] && words+=("")
  out=$("\${words[0]}" __complete -- "\${words[@]:1}" 2>/dev/null) || return 0
  COMPREPLY=()
  while IFS= read -r c; do
    if [[ "$c" =~ ^:([0-9]+)$ ]]; then directive=\${BASH_REMATCH[1]}
    elif [[ -n "$c" ]]; then COMPREPLY+=("$c"); fi
  done <<< "$out"
  if (( \${#COMPREPLY[@]} == 0 )); then
    if (( directive & 16 )); then compopt -o dirnames 2>/dev/null
    elif (( (directive & 4) == 0 )); then compopt -o default 2>/dev/null; fi
  fi
  return 0
}
complete -F ${fn} ${cmd}
`;
    case 'zsh':
      return `#compdef ${cmd}
# zsh completion for ${cmd}. Load it (after \`autoload -U compinit && compinit\`) with:
#   source <(${cmd} completion zsh)
${fn}() {
  local -a candidates
  local out line directive=0 prefix=""
  [[ "\${words[CURRENT]}" == -*=* ]] && prefix="\${words[CURRENT]%%=*}="
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  for line in "\${(@f)out}"; do
    if [[ "$line" == :<-> ]]; then directive=\${line#:}
    elif [[ -n "$line" ]]; then candidates+=("$line"); fi
  done
  if (( \${#candidates} )); then compadd -P "$prefix" -- "\${candidates[@]}"
  elif (( directive & 16 )); then _path_files -/
  elif (( ! (directive & 4) )); then _files
  fi
}
if [[ "\${funcstack[1]}" == "${fn}" ]]; then ${fn} "$@"; else compdef ${fn} ${cmd}; fi
`;
    case 'fish':
      return `# fish completion for ${cmd}. Load it with:
#   ${cmd} completion fish | source
function _${fn}_complete
    set -l args (commandline -opc)
    set -l cur (commandline -ct)
    set -l prefix ''
    if string match -qr -- '^--[^=]+=' $cur
        set prefix (string replace -r -- '=.*' '=' $cur)
    end
    for line in ($args[1] __complete -- $args[2..-1] $cur 2>/dev/null)
        if test -n "$line"; and not string match -qr -- '^:[0-9]+$' $line
            echo $prefix$line
        end
    end
end
complete -c ${cmd} -f -a '(_${fn}_complete)'
`;
  }
}

/** `completion SHELL`: prints the script for bash, zsh or fish. */
export async function runCompletion(o: CompletionOptions, deps: Deps): Promise<ExitCodeValue> {
  deps.io.out.write(completionScript(o.shell));
  return ExitCode.ok;
}
