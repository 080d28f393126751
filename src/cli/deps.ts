// What a command needs from the outside world, injected so tests see exact output.
import { invokedAsFrom } from './invoked-as.js';
import { processStdio } from './stdio.js';

/** A writable text stream (process.stdout or a test buffer). */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  /** Terminal height (a TTY stream); the live view never draws more rows. */
  rows?: number;
  /**
   * The command's exit code is decided (a watch whose condition held): a reader that goes away
   * while it writes its last lines ends the process with this code, not 141 (src/cli/stdio.ts).
   * Only the process' own pipes and files have it.
   */
  settle?(code: number): void;
}

/** A readable terminal (process.stdin): the live view reads keys from it when it is a TTY. */
export interface InStream {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface Deps {
  /** `in` is optional: commands that read no keys never need it (tests pass none). */
  io: { out: OutStream; err: OutStream; in?: InStream };
  env: NodeJS.ProcessEnv;
  /** The wall clock; tests fix it. */
  now: () => Date;
  /** Name the user invoked us by, for help and examples: `kubectl-kruise` or `kubectl kruise`. */
  invokedAs: string;
  /** Aborted on SIGINT/SIGTERM by the shim. */
  signal?: AbortSignal;
  /** The executable running this CLI (bin/kubectl-kruise or the single executable), when it is one. */
  self?: string;
}

/**
 * The real process' streams: stdout and stderr written synchronously unless they are terminals
 * (src/cli/stdio.ts), stdin made on first use: making process.stdin (a pipe or a TTY stream) costs
 * a few ms, and only the live view reads keys.
 */
function processIo(): Deps['io'] {
  return {
    ...processStdio(),
    get in(): InStream {
      return process.stdin;
    },
  };
}

/** The real process' dependencies. */
export function processDeps(overrides: Partial<Deps> = {}): Deps {
  const env = overrides.env ?? process.env;
  return {
    io: overrides.io ?? processIo(),
    env,
    now: () => new Date(),
    invokedAs: invokedAsFrom(env),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}
