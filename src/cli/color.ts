// Whether output is coloured, decided once from flags, environment and the stdout stream.
import { Chalk, type ChalkInstance } from 'chalk';
import type { GlobalOptions } from './context.js';
import type { Deps } from './deps.js';

/** True unless --no-color, NO_COLOR (any value, even empty: no-color.org), TERM=dumb or stdout is not a TTY. */
export function colorEnabled(globals: Pick<GlobalOptions, 'color'>, deps: Pick<Deps, 'env' | 'io'>): boolean {
  if (globals.color === false) return false;
  if (deps.env.NO_COLOR !== undefined) return false;
  if (deps.env.TERM === 'dumb') return false;
  return deps.io.out.isTTY === true;
}

/** A Chalk that colours (16 colours, level 1) exactly when colorEnabled says so. */
export function chalkFor(globals: Pick<GlobalOptions, 'color'>, deps: Pick<Deps, 'env' | 'io'>): ChalkInstance {
  return new Chalk({ level: colorEnabled(globals, deps) ? 1 : 0 });
}
