// The values every command receives from the program.

import type { ConfigFlags } from '../kube/kubeconfig.js';
import type { Deps } from './deps.js';

/** kubectl-compatible global flags: the connection flags plus output and logging. */
export interface GlobalOptions extends ConfigFlags {
  /** false with --no-color. */
  color: boolean;
  v?: string;
}

/** The global flags when none were given (a command's options built outside the program, in tests). */
export const NO_GLOBALS: GlobalOptions = { color: true };

/** Runs the whole CLI on argv and returns its exit code (main); the demo types commands through it. */
export type CliRunner = (argv: string[], overrides?: Partial<Deps>) => Promise<number>;
