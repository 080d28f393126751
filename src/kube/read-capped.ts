// Reads a local file the CLI was pointed at (kubeconfig, token, certificate) with a size cap: a
// path like /dev/zero or a runaway file must give an error, not memory without bound.
import { open } from 'node:fs/promises';

/** Thrown when a file holds more than the cap. */
export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit >= 1 << 20 ? `${limit / (1 << 20)} MiB` : `${limit} bytes`}`);
  }
}

/** The whole file, or FileTooLargeError once more than `limit` bytes were read. */
export async function readCapped(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw new FileTooLargeError(limit);
    }
  } finally {
    await handle.close();
  }
}
