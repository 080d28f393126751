// The values every command module receives from the program.
import type { Deps } from './deps.js';

/** kubectl-compatible global flags. */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  requestTimeout?: string;
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
