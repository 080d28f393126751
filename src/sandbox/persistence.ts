// --data-dir: every committed change is appended to a journal (synchronously, before the
// client gets its answer) and replayed at start-up, then compacted into a snapshot.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../kube/types.js';
import type { SandboxStore } from './store.js';

interface JournalEntry {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: KubeObject;
}

interface Snapshot {
  rv: number;
  objects: Record<string, KubeObject[]>;
}

/** An open journal; close() releases its file. */
export interface Journal {
  close(): void;
}

/** Loads DIR into the store (snapshot + journal), compacts, and journals every later change. */
export function openJournal(dir: string, store: SandboxStore): Journal {
  mkdirSync(dir, { recursive: true });
  const snapshotPath = join(dir, 'snapshot.json');
  const journalPath = join(dir, 'journal.jsonl');
  let rv = 0;
  if (existsSync(snapshotPath)) {
    const snap = JSON.parse(readFileSync(snapshotPath, 'utf8')) as Snapshot;
    rv = snap.rv;
    for (const [resource, objs] of Object.entries(snap.objects)) {
      for (const o of objs) store.restore(resource, o, { namespace: o.metadata.namespace, name: o.metadata.name! }, rv);
    }
  }
  if (existsSync(journalPath)) {
    for (const line of readFileSync(journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let e: JournalEntry;
      try {
        e = JSON.parse(line) as JournalEntry;
      } catch {
        // A torn last line: that write was never acknowledged.
        break;
      }
      const key = { namespace: e.object.metadata.namespace, name: e.object.metadata.name! };
      store.restore(e.resource, e.type === 'DELETED' ? undefined : e.object, key, e.rv);
    }
  }
  // Compact: snapshot first (atomically), then start an empty journal.
  const snap: Snapshot = { rv: store.resourceVersion, objects: store.dump() };
  const tmp = `${snapshotPath}.tmp`;
  const sfd = openSync(tmp, 'w');
  writeSync(sfd, JSON.stringify(snap));
  fsyncSync(sfd);
  closeSync(sfd);
  renameSync(tmp, snapshotPath);
  writeFileSync(journalPath, '');
  const fd = openSync(journalPath, 'a');
  let open = true;
  store.addWriter((e) => {
    if (!open) return;
    const entry: JournalEntry = { rv: e.rv, type: e.type, resource: e.resource, object: e.object };
    // writeSync before the answer: a kill -9 after the response cannot lose the write.
    writeSync(fd, `${JSON.stringify(entry)}\n`);
  });
  return {
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
