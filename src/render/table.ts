// kubectl's table style, shared by `rollout list`, `history` and `plan`: upper-case headers,
// columns left-aligned and three spaces apart, no trailing blanks.

/** Shows control characters of server-provided text as escapes instead of sending them to the terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  });
}

/** Rows (the first is the header) as aligned lines, each ending in a newline. */
export function renderTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return (
    rows.map((row) => `${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ')}`.trimEnd()).join('\n') +
    '\n'
  );
}

/** kubectl's age: 45s, 3m20s, 5h, 2d3h, 120d (duration.HumanDuration, short form). */
export function age(from: string | undefined | null, now: Date): string {
  if (!from) return '<unknown>';
  const since = Date.parse(from);
  if (Number.isNaN(since)) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - since) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}
