// What a command needs from the outside world, injected so tests see exact output.
import { invokedAsFrom } from './invoked-as.js';

/** A writable text stream (process.stdout or a test buffer). */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  /** Terminal height (a TTY stream); the live view never draws more rows. */
  rows?: number;
}

export interface Deps {
  io: { out: OutStream; err: OutStream };
  env: NodeJS.ProcessEnv;
  /** The wall clock; tests fix it. */
  now: () => Date;
  /** Name the user invoked us by, for help and examples: `kubectl-kruise` or `kubectl kruise`. */
  invokedAs: string;
  /** Aborted on SIGINT/SIGTERM by the shim. */
  signal?: AbortSignal;
}

/** The real process' dependencies. */
export function processDeps(overrides: Partial<Deps> = {}): Deps {
  const env = overrides.env ?? process.env;
  return {
    io: { out: process.stdout, err: process.stderr },
    env,
    now: () => new Date(),
    invokedAs: invokedAsFrom(env),
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  };
}
