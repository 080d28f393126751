// Whether to colour output: --no-color, NO_COLOR, TERM=dumb and non-TTY streams give plain text.
import { Chalk, type ChalkInstance } from 'chalk';

/** A Chalk instance for a stream: colour only on a TTY, and never with --no-color, NO_COLOR or TERM=dumb. */
export function chalkFor(color: boolean, env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): ChalkInstance {
  const off = !color || env.NO_COLOR !== undefined || env.TERM === 'dumb' || !stream.isTTY;
  return new Chalk({ level: off ? 0 : 1 });
}
