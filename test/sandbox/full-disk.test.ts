// --data-dir on a full disk (issue 12): a write that cannot be made durable is refused (507), is
// not visible and reaches no watcher; writes after space came back are acknowledged and survive a
// restart. The disk is a real 1 MiB tmpfs; where it cannot be mounted (not root, no tmpfs), the
// test is skipped.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '../../src/sandbox/server.js';
import { call, openWatch } from './http.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-full-disk-'));
const mnt = join(dir, 'mnt');
mkdirSync(mnt);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  // not root, or no tmpfs: skipped below
}

afterAll(() => {
  if (mounted) execFileSync('umount', [mnt], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
});

const CM = '/api/v1/namespaces/default/configmaps';
const configMap = (name: string, size = 10) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data: { blob: 'x'.repeat(size) },
});

/** Writes FILE until the filesystem is full; returns its path. */
function fill(file: string): string {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return file;
}

(mounted ? test : test.skip)(
  'a write that does not fit is answered 507 and kept nowhere; later writes survive a restart',
  async () => {
    const data = join(mnt, 'data');
    const a = await createSandbox({ dataDir: data, builtinControllers: false });
    let filler: string | undefined;
    try {
      expect((await call(a.url, 'POST', CM, configMap('before'))).status).toBe(201);
      const watch = await openWatch(a.url, `${CM}?watch=true&resourceVersion=${a.store.resourceVersion}`);
      filler = fill(join(mnt, 'filler'));
      // Part of it fits in the journal's last page: today that torn write is answered 201.
      const big = await call(a.url, 'POST', CM, configMap('big', 20_000));
      expect(big.status).toBe(507);
      expect(big.body).toMatchObject({ kind: 'Status', status: 'Failure', code: 507 });
      expect(big.body.message).toMatch(/no space left on device/);
      expect((await call(a.url, 'GET', `${CM}/big`)).status).toBe(404);
      // An update that does not fit leaves the object as it was.
      const before = (await call(a.url, 'GET', `${CM}/before`)).body;
      const upd = await call(a.url, 'PUT', `${CM}/before`, { ...before, data: { blob: 'y'.repeat(20_000) } });
      expect(upd.status).toBe(507);
      expect((await call(a.url, 'GET', `${CM}/before`)).body).toEqual(before);

      unlinkSync(filler);
      filler = undefined;
      expect((await call(a.url, 'POST', CM, configMap('after-1'))).status).toBe(201);
      expect((await call(a.url, 'POST', CM, configMap('after-2', 20_000))).status).toBe(201);
      // The watcher saw the acknowledged writes only.
      const events = await watch.waitFor(2);
      watch.close();
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED after-1', 'ADDED after-2']);
    } finally {
      if (filler) unlinkSync(filler);
      await a.close();
    }

    const b = await createSandbox({ dataDir: data, builtinControllers: false });
    try {
      const names = (await call(b.url, 'GET', CM)).body.items.map((i: any) => i.metadata.name);
      expect(names).toEqual(['after-1', 'after-2', 'before']);
      expect((await call(b.url, 'GET', `${CM}/before`)).body.data.blob).toBe('x'.repeat(10));
    } finally {
      await b.close();
    }
  },
  30000,
);
