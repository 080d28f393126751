// Standard output and error of the real process. A pipe, a socket or a file is written with
// fs.writeSync: making process.stdout for a pipe loads node's net and stream modules, a few ms of
// every run's start-up for each stream, and kubectl's writes are blocking too. A character device
// (a terminal: colours, size, resize events; /dev/null; /dev/full) goes through process.stdout/err.
// Either way, one error policy: see onWriteError.
import { fstatSync, writeSync } from 'node:fs';
import type { OutStream } from './deps.js';

// A reader that goes away (`watch … | head -1`) ends the process as SIGPIPE ends kubectl: 141, the
// shell's code, so a pipeline under `set -o pipefail` never reads it as "the condition holds".
const SIGPIPE_EXIT = 141;

/** The exit code a command settled on before its last writes (OutStream.settle). */
let settledCode: number | undefined;

/** The streams processStdio made: the real process' own (a hand-off passes the terminal on to them). */
const own = new WeakSet<object>();

/** Whether `s` is this process' own standard output or error (not a caller's buffer). */
export function isProcessStdio(s: object): boolean {
  return own.has(s);
}

/**
 * Only a command that had already finished, or settled its code before its last writes (a watch
 * whose condition held, then `| head -1`), keeps its own code on EPIPE. Any other write error
 * (a full disk, /dev/full) is one error line and exit 1, never a stack trace.
 */
function onWriteError(fd: 1 | 2, err: NodeJS.ErrnoException): never {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? settledCode ?? SIGPIPE_EXIT);
  if (fd === 1) process.stderr.write(`error: cannot write to standard output: ${err.code ?? err.message}\n`);
  process.exit(1);
}

/** process.stdout or process.stderr, made now, with the error policy. */
function nodeStream(fd: 1 | 2): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (!own.has(stream)) {
    own.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => onWriteError(fd, err));
  }
  return stream;
}

/** fd 1 or 2 as an OutStream: synchronous writes unless it is a character device (then node's stream). */
function stdioOut(fd: 1 | 2): OutStream {
  let kind: 'device' | 'other';
  try {
    kind = fstatSync(fd).isCharacterDevice() ? 'device' : 'other';
  } catch {
    kind = 'device'; // closed or odd: let node decide
  }
  if (kind === 'device') return nodeStream(fd);
  // Node's stream after a non-blocking descriptor said EAGAIN (another process made it so): it
  // queues what is left, in order, and every later write goes there too.
  let queued: NodeJS.WriteStream | undefined;
  const out: OutStream = {
    isTTY: false,
    settle(code: number) {
      settledCode = code;
    },
    write(chunk: string) {
      if (queued) return queued.write(chunk);
      const buf = Buffer.from(chunk, 'utf8');
      let done = 0;
      while (done < buf.length) {
        try {
          done += writeSync(fd, buf, done);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') onWriteError(fd, err as NodeJS.ErrnoException);
          queued = nodeStream(fd);
          return queued.write(buf.subarray(done));
        }
      }
      return true;
    },
  };
  own.add(out);
  return out;
}

/** This process' standard output and error. */
export function processStdio(): { out: OutStream; err: OutStream } {
  return { out: stdioOut(1), err: stdioOut(2) };
}
