// The values every command module receives from the program.
import type { Deps } from './deps.js';
import type { ConfigFlags } from '../kube/kubeconfig.js';

/** kubectl-compatible global flags: the connection flags plus output and logging. */
export interface GlobalOptions extends ConfigFlags {
  /** false with --no-color. */
  color: boolean;
  v?: string;
}

/** Parsed arguments of one command invocation. */
export interface CommandContext<O = Record<string, unknown>> {
  args: string[];
  opts: O;
  globals: GlobalOptions;
  deps: Deps;
}

/** A command module's entry: returns the exit code, throws typed errors. */
export type CommandRun<O = Record<string, unknown>> = (ctx: CommandContext<O>) => Promise<number>;
