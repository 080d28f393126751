// Living next to OpenKruise's own kubectl-kruise (kruise-tools, krew name `kruise`): both are
// called kubectl-kruise, and a user with both on PATH gets whichever comes first. What this CLI
// does not handle — a command it does not have (`expose`, `set image`, `migrate`…), a rollout verb
// it does not have (`rollout undo`, `rollout history`…), or a rollout verb on another kind
// (`rollout status deployment/x`, `rollout pause cloneset x`) — is handed, argv unchanged, to the
// next kubectl-kruise on PATH, and its exit code is ours. README "Living next to kruise-tools".
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import type { Command, Option } from 'commander';
import type { Deps } from './deps.js';
import { CliError } from './errors.js';
import { isOtherType, isRolloutType } from './resource-args.js';
import { isProcessStdio } from './stdio.js';

/** Set in the environment of the executable we hand over to: it never hands over again (no loops). */
export const HANDED_OFF_ENV = 'KUBECTL_KRUISE_HANDED_OFF';

/** The positional words of argv, skipping the flags `known` declares (and their values). */
function positionals(argv: string[], known: readonly Option[]): string[] {
  const takesValue = new Set(known.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter(Boolean) as string[]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      if (!a.includes('=') && takesValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

const find = (parent: Command, word: string | undefined) =>
  word === undefined ? undefined : parent.commands.find((c) => c.name() === word || c.aliases().includes(word));

/** Whether this CLI handles argv: its own commands and verbs, on Rollouts. Pure; `program` is the command tree. */
export function handlesArgs(argv: string[], program: Command): boolean {
  const globals = program.options;
  const [word] = positionals(argv, globals);
  if (word === undefined || word === 'help') return true;
  const cmd = find(program, word);
  if (!cmd) return false;
  if (cmd.name() !== 'rollout') return true;
  const afterRollout = argv.slice(argv.indexOf(word) + 1);
  const [verbWord] = positionals(afterRollout, [...globals, ...cmd.options]);
  if (verbWord === undefined || verbWord === 'help') return true;
  const verb = find(cmd, verbWord);
  if (!verb) return false;
  const args = positionals(afterRollout.slice(afterRollout.indexOf(verbWord) + 1), [...globals, ...cmd.options, ...verb.options]);
  const otherKind = args.some((a) => a.includes('/') && !isRolloutType(a.slice(0, a.indexOf('/'))));
  const otherKindWord = args.length > 1 && isOtherType(args[0]!);
  return !otherKind && !otherKindWord;
}

/** The first executable kubectl-kruise on PATH that is not `self` (compared through symlinks). */
export function findOtherKubectlKruise(env: NodeJS.ProcessEnv, self: string | undefined): string | undefined {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const me = self ? real(self) : undefined;
  const names = process.platform === 'win32' ? ['kubectl-kruise.exe', 'kubectl-kruise.cmd', 'kubectl-kruise'] : ['kubectl-kruise'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = path.join(dir, name);
      const target = real(candidate);
      if (!target || target === me) continue;
      try {
        if (!statSync(target).isFile()) continue;
        accessSync(target, constants.X_OK);
      } catch {
        continue;
      }
      return candidate;
    }
  }
  return undefined;
}

/**
 * Hands argv to the other kubectl-kruise when this CLI does not handle it and one is on PATH;
 * resolves its exit code, or undefined to go on here (ours, nobody to hand to, or we are the
 * other one's delegate already).
 */
export async function handOff(argv: string[], program: Command, deps: Deps): Promise<number | undefined> {
  if (deps.env[HANDED_OFF_ENV] || handlesArgs(argv, program)) return undefined;
  const other = findOtherKubectlKruise(deps.env, deps.self);
  if (!other) return undefined;
  // The real process passes its terminal on (the other tool sees a TTY, colours, its prompts);
  // a caller with its own streams (tests) gets the output through them.
  const inherit = isProcessStdio(deps.io.out) && isProcessStdio(deps.io.err);
  // Loaded only here: node:child_process costs every command's start-up a few milliseconds.
  const { spawn } = await import('node:child_process');
  const child = spawn(other, argv, {
    env: { ...deps.env, [HANDED_OFF_ENV]: deps.self ?? '1' },
    stdio: inherit ? 'inherit' : ['inherit', 'pipe', 'pipe'],
  });
  if (!inherit) {
    child.stdout?.on('data', (d: Buffer) => deps.io.out.write(d.toString()));
    child.stderr?.on('data', (d: Buffer) => deps.io.err.write(d.toString()));
  }
  // A SIGTERM sent to us alone (a CI timeout) reaches the other tool too.
  const forward = () => child.kill(typeof deps.signal?.reason === 'string' ? (deps.signal.reason as NodeJS.Signals) : 'SIGTERM');
  deps.signal?.addEventListener('abort', forward, { once: true });
  try {
    return await new Promise<number>((resolve, reject) => {
      // Cannot be started: main reports it as every other error (one `error:` line, exit 1).
      child.on('error', (err) => reject(new CliError(`cannot run ${other}: ${err.message}`)));
      // Ended by a signal: the shell's code for it (130 for SIGINT), as if the other tool were run directly.
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 1)));
    });
  } finally {
    deps.signal?.removeEventListener('abort', forward);
  }
}
