// A fast path for reading kubeconfig files without loading the `yaml` package (a good part of
// the start-up of a one-shot command). It understands the block YAML that kubectl, kind, k3d,
// cloud CLIs and the sandbox write — mappings, sequences, plain and quoted one-line scalars,
// `{}` / `[]`, comments. Anything else (JSON, anchors, tags, block scalars, flow collections with
// content, multi-line scalars, duplicate keys…) returns undefined, and the caller parses with
// `yaml`, which then also produces the error messages. For what it accepts it gives
// exactly what `yaml`'s `parse` gives (YAML 1.2 core schema); test/kube/simple-yaml.test.ts
// compares the two.

/** Thrown inside the parser for input it does not handle; never escapes. */
class Unsupported extends Error {}

interface Line {
  indent: number;
  text: string;
}

const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

function unsupported(): never {
  throw new Unsupported();
}

/** Parses `text` as a kubeconfig-shaped block YAML mapping; undefined when it needs the full parser. */
export function parseSimpleYaml(text: string): Record<string, unknown> | undefined {
  try {
    const lines = toLines(text);
    if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
    const p = new Parser(lines);
    const doc = p.node(0);
    if (!p.done() || doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
    return doc as Record<string, unknown>;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

function toLines(text: string): Line[] {
  if (text.charCodeAt(0) === 0xfeff) unsupported();
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const rest = line.slice(indent).trimEnd();
    if (rest === '' || rest.startsWith('#')) continue;
    if (rest.startsWith('\t') || /[\t]/.test(line.slice(0, indent + 1))) unsupported();
    if (indent === 0 && (rest.startsWith('---') || rest.startsWith('...') || rest.startsWith('%'))) unsupported();
    out.push({ indent, text: rest });
  }
  return out;
}

function isSeqItem(t: string): boolean {
  return t === '-' || t.startsWith('- ');
}

/** `key: rest` / `key:` → [key, rest]; undefined when the line is not a simple mapping entry. */
function splitEntry(t: string): [string, string] | undefined {
  let key: string;
  let after: string;
  if (t.startsWith('"') || t.startsWith("'")) {
    const [k, end] = quoted(t);
    key = k;
    after = t.slice(end);
    if (!after.startsWith(':')) return undefined;
    after = after.slice(1);
  } else {
    const colon = t.indexOf(':');
    if (colon <= 0) return undefined;
    key = t.slice(0, colon);
    after = t.slice(colon + 1);
    if (!KEY.test(key)) return undefined;
  }
  if (after !== '' && !after.startsWith(' ')) return undefined;
  if (key === '__proto__') unsupported();
  return [key, after.trim()];
}

/** A quoted scalar at the start of `t`: [value, index after the closing quote]. */
function quoted(t: string): [string, number] {
  const q = t[0];
  let out = '';
  for (let i = 1; i < t.length; i++) {
    const ch = t[i]!;
    if (q === "'") {
      if (ch !== "'") out += ch;
      else if (t[i + 1] === "'") {
        out += "'";
        i++;
      } else return [out, i + 1];
      continue;
    }
    if (ch === '"') return [out, i + 1];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const e = t[++i];
    if (e === '\\' || e === '"' || e === '/') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 't') out += '\t';
    else if (e === 'r') out += '\r';
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(t.slice(i + 1, i + 5), 16));
      i += 4;
    } else unsupported();
  }
  return unsupported(); // unterminated: a multi-line quoted scalar
}

/** A one-line scalar (the part after `key: ` or `- `). */
function scalar(s: string): unknown {
  if (s.startsWith('"') || s.startsWith("'")) {
    const [v, end] = quoted(s);
    const rest = s.slice(end);
    if (rest !== '' && !/^\s+#/.test(rest)) unsupported();
    return v;
  }
  if (s === '{}') return {};
  if (s === '[]') return [];
  // A plain scalar may start with `-` (`--region`, `-1`), not with other indicators.
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(s) || s === '-') unsupported();
  const hash = s.search(/\s#/);
  const v = (hash >= 0 ? s.slice(0, hash) : s).trimEnd();
  if (v.includes(': ') || v.endsWith(':') || v.includes('\t')) unsupported();
  if (v === '~' || v === 'null' || v === 'Null' || v === 'NULL') return null;
  if (v === 'true' || v === 'True' || v === 'TRUE') return true;
  if (v === 'false' || v === 'False' || v === 'FALSE') return false;
  if (INT.test(v)) {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) unsupported();
    return n;
  }
  if (FLOAT.test(v)) return Number(v);
  // Other numbers of the core schema (0x1F, 0o17, .inf, .nan) are left to the full parser.
  if (/^[-+]?(?:0[xo]|\.(?:inf|Inf|INF|nan|NaN|NAN)$)/.test(v)) unsupported();
  return v;
}

class Parser {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  done(): boolean {
    return this.i >= this.lines.length;
  }

  private peek(): Line | undefined {
    return this.lines[this.i];
  }

  /** The block that starts at the current line, whose indentation is `indent`. */
  node(indent: number): unknown {
    return isSeqItem(this.peek()!.text) ? this.seq(indent) : this.map(indent);
  }

  private map(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let l = this.peek(); l && l.indent === indent && !isSeqItem(l.text); l = this.peek()) {
      const entry = splitEntry(l.text);
      if (!entry) unsupported();
      const [key, rest] = entry;
      if (Object.hasOwn(out, key)) unsupported(); // `yaml` rejects duplicate keys
      this.i++;
      out[key] = this.value(rest, indent, true);
    }
    const l = this.peek();
    if (l && l.indent >= indent) unsupported();
    return out;
  }

  private seq(indent: number): unknown[] {
    const out: unknown[] = [];
    for (let l = this.peek(); l && l.indent === indent && isSeqItem(l.text); l = this.peek()) {
      const after = l.text === '-' ? '' : l.text.slice(2);
      const content = after.trimStart();
      if (content === '') {
        this.i++;
        out.push(this.value('', indent, false));
        continue;
      }
      if (isSeqItem(content)) unsupported();
      if (splitEntry(content)) {
        // `- key: v` opens a mapping indented at the key's column.
        const col = indent + 2 + (after.length - content.length);
        this.lines[this.i] = { indent: col, text: content };
        out.push(this.map(col));
        continue;
      }
      this.i++;
      out.push(this.value(content, indent, false));
    }
    const l = this.peek();
    if (l && l.indent > indent) unsupported();
    return out;
  }

  /** The value after `key:` or `-`: a scalar on the line, a nested block, or null. */
  private value(rest: string, owner: number, inMap: boolean): unknown {
    const next = this.peek();
    if (rest !== '') {
      if (next && next.indent > owner) unsupported(); // a multi-line scalar
      return scalar(rest);
    }
    if (next && next.indent > owner) return this.node(next.indent);
    // kubectl writes `clusters:` with its items at the same indentation.
    if (inMap && next && next.indent === owner && isSeqItem(next.text)) return this.seq(owner);
    return null;
  }
}
