// Reads a child's NDJSON stdout line by line and lets the runner wait for a line that matches.
import { StringDecoder } from 'node:string_decoder';

/** Follows `stream` (NDJSON); `waitFor(pred, ms)` resolves { obj, t } for the first matching line from now on. */
export function ndjsonReader(stream, onLine) {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let waiters = [];
  let count = 0;
  stream.on('data', (chunk) => {
    const t = performance.now();
    buf += decoder.write(chunk);
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!line.trim()) continue;
      let obj;
      try {
        obj = JSON.parse(line);
      } catch {
        continue;
      }
      count++;
      onLine?.(obj, t);
      waiters = waiters.filter((w) => {
        if (!w.pred(obj)) return true;
        clearTimeout(w.timer);
        w.resolve({ obj, t });
        return false;
      });
    }
  });
  return {
    get count() {
      return count;
    },
    waitFor(pred, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve,
          timer: setTimeout(() => {
            waiters = waiters.filter((x) => x !== w);
            reject(new Error(`no matching line within ${ms} ms`));
          }, ms),
        };
        waiters.push(w);
      });
    },
  };
}
