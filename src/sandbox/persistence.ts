// --data-dir: every change is appended to a journal before it is applied (so before the client
// gets its answer and before any watcher sees it) and replayed at start-up, then compacted into a
// snapshot. A change whose record cannot be written in full (a full disk) is refused: the record
// is cut off again and the store does not change.
//
// Journal format: one record per line, `RS LENGTH SP CRC32 SP JSON LF`, RS being 0x1E (which
// JSON.stringify never emits), LENGTH the JSON's size in bytes and CRC32 its checksum in 8 hex
// digits. A torn or damaged record is skipped on replay, every complete one around it is kept,
// and one stderr line says what was skipped. Journals of older versions (plain JSON lines) are
// read the same way; the compaction at start-up rewrites them in this format.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../kube/types.js';
import { StatusError, statusFailure } from './errors.js';
import type { SandboxStore } from './store.js';

/** One journal record. */
export interface JournalEntry {
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

/** How the journal writes. */
export interface JournalOptions {
  /** fdatasync after every record: acknowledged writes survive a power loss, not only a crash. */
  fsync?: boolean;
  /** Where the one line about skipped records goes (default stderr). */
  warn?: (line: string) => void;
}

const RS = 0x1e;
const LF = 0x0a;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE, as zlib and gzip). */
function crc32(buf: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** One framed journal record, as written to the file. */
export function journalRecord(entry: JournalEntry): Buffer {
  const json = Buffer.from(JSON.stringify(entry), 'utf8');
  const head = Buffer.from(`\x1e${json.length} ${crc32(json).toString(16).padStart(8, '0')} `, 'latin1');
  return Buffer.concat([head, json, Buffer.from('\n')]);
}

/** Parses one framed record (the bytes after RS up to the next RS); undefined when damaged. */
function parseFramed(chunk: Buffer): JournalEntry | undefined {
  const m = /^(\d{1,10}) ([0-9a-f]{8}) /.exec(chunk.subarray(0, 21).toString('latin1'));
  if (!m) return undefined;
  const start = m[0].length;
  const len = Number(m[1]);
  if (chunk.length !== start + len + 1 || chunk[start + len] !== LF) return undefined;
  const json = chunk.subarray(start, start + len);
  if (crc32(json) !== Number.parseInt(m[2]!, 16)) return undefined;
  return parseEntry(json.toString('utf8'));
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const e = JSON.parse(text) as JournalEntry;
    return e && typeof e.rv === 'number' && typeof e.resource === 'string' && e.object?.metadata?.name ? e : undefined;
  } catch {
    return undefined;
  }
}

/** The old writer started every record with `{"rv":`: the last whole one after a torn start. */
function legacyTail(line: string): JournalEntry | undefined {
  for (let i = line.indexOf('{"rv":', 1); i > 0; i = line.indexOf('{"rv":', i + 1)) {
    const e = parseEntry(line.slice(i));
    if (e) return e;
  }
  return undefined;
}

/** Every complete record of a journal, and the byte offsets of the damaged ones. */
export function readJournal(buf: Buffer): { entries: JournalEntry[]; skipped: number[] } {
  const entries: JournalEntry[] = [];
  const skipped: number[] = [];
  let pos = 0;
  // Before the first RS: records of the old format, plain JSON lines.
  const firstRs = buf.indexOf(RS);
  const legacyEnd = firstRs < 0 ? buf.length : firstRs;
  while (pos < legacyEnd) {
    let nl = buf.indexOf(LF, pos);
    if (nl < 0 || nl > legacyEnd) nl = legacyEnd;
    const line = buf.subarray(pos, nl).toString('utf8');
    if (line.trim()) {
      const e = parseEntry(line);
      if (e) entries.push(e);
      else {
        skipped.push(pos);
        // A torn line had no newline: the next record may follow on the same line.
        const rest = legacyTail(line);
        if (rest) entries.push(rest);
      }
    }
    pos = nl + 1;
  }
  pos = legacyEnd;
  while (pos < buf.length) {
    let next = buf.indexOf(RS, pos + 1);
    if (next < 0) next = buf.length;
    const e = parseFramed(buf.subarray(pos + 1, next));
    if (e) entries.push(e);
    else skipped.push(pos);
    pos = next;
  }
  return { entries, skipped };
}

/** The Status for a change whose record could not be written: 507 when the disk is full. */
function notDurable(err: unknown): StatusError {
  const e = err as NodeJS.ErrnoException;
  const full = e?.code === 'ENOSPC' || e?.code === 'EDQUOT';
  const code = full ? 507 : 500;
  return new StatusError(
    statusFailure(
      code,
      `Internal error occurred: the change could not be written to the data directory (${e?.message ?? String(err)}); nothing was changed`,
      'InternalError', // Kubernetes has no reason of its own for a full disk
    ),
  );
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can open a directory for fsync.
  }
}

/** Loads DIR into the store (snapshot + journal), compacts, and journals every later change. */
export function openJournal(dir: string, store: SandboxStore, opts: JournalOptions = {}): Journal {
  const warn = opts.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
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
    const { entries, skipped } = readJournal(readFileSync(journalPath));
    for (const e of entries) {
      const key = { namespace: e.object.metadata.namespace, name: e.object.metadata.name! };
      store.restore(e.resource, e.type === 'DELETED' ? undefined : e.object, key, e.rv);
    }
    if (skipped.length) {
      const n = skipped.length;
      warn(
        `sandbox: ${journalPath}: skipped ${n} damaged record${n === 1 ? '' : 's'} (at byte${n === 1 ? '' : 's'} ${skipped.join(', ')}); replayed ${entries.length}`,
      );
    }
  }
  // Compact: snapshot first (atomically), then start an empty journal.
  const snap: Snapshot = { rv: store.resourceVersion, objects: store.dump() };
  const tmp = `${snapshotPath}.tmp`;
  const sfd = openSync(tmp, 'w');
  try {
    writeSync(sfd, JSON.stringify(snap));
    fsyncSync(sfd);
  } finally {
    closeSync(sfd);
  }
  renameSync(tmp, snapshotPath);
  fsyncDir(dir);
  writeFileSync(journalPath, '');
  const fd = openSync(journalPath, 'a');
  let size = fstatSync(fd).size;
  let open = true;
  store.addWriter((e) => {
    if (!open) return;
    const rec = journalRecord({ rv: e.rv, type: e.type, resource: e.resource, object: e.object });
    // Written in full before the change is applied: a kill -9 after the answer cannot lose it,
    // and a write that does not fit throws, so the store does not change and the client gets 507.
    try {
      for (let off = 0; off < rec.length; ) off += writeSync(fd, rec, off);
      if (opts.fsync) fdatasyncSync(fd);
    } catch (err) {
      try {
        ftruncateSync(fd, size); // cut the torn record off again (replay would skip it anyway)
      } catch {
        // The framing still lets replay step over it; later appends go after it.
        try {
          size = fstatSync(fd).size;
        } catch {
          // keep the old size: the next failure cuts back to the last record known good
        }
      }
      throw notDurable(err);
    }
    size += rec.length;
  });
  return {
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
