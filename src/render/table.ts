// kubectl's table style, shared by `rollout list`, `history` and `plan`: upper-case headers,
// columns left-aligned and three spaces apart, no trailing blanks.

import { humanDuration } from '../kube/time.js';

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

/** kubectl's AGE column: 45s, 3m20s, 5h, 2d3h, 120d; `<unknown>` without a valid time. */
export function age(from: string | undefined | null, now: Date): string {
  if (!from) return '<unknown>';
  const since = Date.parse(from);
  if (Number.isNaN(since)) return '<unknown>';
  return humanDuration(Math.max(0, now.getTime() - since));
}
