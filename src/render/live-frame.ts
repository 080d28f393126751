// PURE: the live view of `rollout watch` as lines that fit a terminal of `rows` x `columns`. The
// header (who, state, what to do) and the footer (what we wait for, elapsed, connection) always
// stay; the middle folds (`… 12 more pods`). Several rollouts: one summary line each, and the one
// named by `detail` in full.
import type { ChalkInstance } from 'chalk';
import type { RolloutView } from '../rollout/view.js';
import { escapeTerminal as esc } from './escape.js';
import { type RolloutTextParts, renderRolloutLine, rolloutTextParts } from './rollout-text.js';

/** One watched rollout: its view (null: not seen yet, or deleted) and what the watch says of it. */
export interface LiveEntry {
  name: string;
  view: RolloutView | null;
  reason: string;
}

/** Everything one frame shows. */
export interface LiveFrameInput {
  entries: LiveEntry[];
  /** `Waiting for completed:` or, following, `Following:`. */
  waitingLabel: string;
  elapsedSeconds: number;
  /** Seconds since the connection was lost, null while connected. */
  reconnectingSeconds: number | null;
  /** With several rollouts: the one shown in full. */
  detail?: string;
  /** Keys work (several rollouts on a terminal): the footer says which. */
  keys?: boolean;
  allPods?: boolean;
  rows: number;
  columns: number;
  chalk: ChalkInstance;
}

/** Fits header + folded body + footer into `max` lines. */
export function foldToRows(header: string[], body: RolloutTextParts['body'], footer: string[], max: number): string[] {
  if (max <= footer.length) return footer.slice(footer.length - Math.max(0, max));
  const budget = max - footer.length;
  if (header.length >= budget) return [...header.slice(0, budget), ...footer];
  let remaining = budget - header.length;
  const middle: string[] = [];
  for (const [i, block] of body.entries()) {
    if (block.lines.length <= remaining) {
      middle.push(...block.lines);
      remaining -= block.lines.length;
      continue;
    }
    const rest = body.slice(i + 1).reduce((n, b) => n + b.lines.length, 0);
    if (remaining === 0) {
      // The blocks above filled the space exactly: their last line gives way to the note.
      const dropped = middle.pop();
      if (dropped !== undefined) middle.push(`… ${1 + block.lines.length + rest} more lines`);
      break;
    }
    // Keep what fits of this block, then one line for what was left out (of it, and after it).
    const keep = remaining - 1;
    middle.push(...block.lines.slice(0, keep));
    const cut = block.lines.length - keep;
    middle.push(rest > 0 ? `… ${cut} more ${block.noun}, ${rest} more lines` : `… ${cut} more ${block.noun}`);
    break;
  }
  return [...header, ...middle, ...footer];
}

/** The frame's lines: never more than `rows`, each cut to the width by the writer. */
export function renderLiveFrame(input: LiveFrameInput): string[] {
  const { chalk } = input;
  const connection = input.reconnectingSeconds === null ? '' : `  ${chalk.yellow(`⚠ reconnecting (${input.reconnectingSeconds}s)`)}`;
  const elapsed = `Elapsed: ${input.elapsedSeconds}s${connection}`;
  const rows = Math.max(1, input.rows);
  if (input.entries.length === 1) {
    const e = input.entries[0]!;
    const parts = e.view
      ? rolloutTextParts(e.view, { chalk, allPods: input.allPods })
      : { header: [`Name:         ${esc(e.name)}`], body: [] };
    const footer = [`${chalk.bold(input.waitingLabel)} ${esc(e.reason)}`, elapsed];
    return foldToRows(parts.header, parts.body, footer, rows);
  }
  // Several rollouts: one line each; the one asked for in full below them.
  const summary = input.entries.map((e) => {
    const marker = e.name === input.detail ? '▸' : ' ';
    const line = e.view ? renderRolloutLine(e.view) : `${esc(e.name)} (${esc(e.reason)})`;
    return `${marker} ${e.view?.waitingForApproval ? chalk.bold.yellow(line) : line}`;
  });
  const waiting = input.entries.filter((e) => e.view?.waitingForApproval).length;
  const keys = input.keys ? `  (keys: 1-${Math.min(9, input.entries.length)} show one, 0 all, q quit)` : '';
  const footer = [
    `${chalk.bold(input.waitingLabel)} ${input.entries.length} rollouts${waiting ? `, ${waiting} waiting for approval` : ''}`,
    `${elapsed}${keys}`,
  ];
  const detail = input.entries.find((e) => e.name === input.detail);
  if (!detail?.view) return foldToRows(summary, [], footer, rows);
  const parts = rolloutTextParts(detail.view, { chalk, allPods: input.allPods });
  const body = [
    { lines: ['', ...parts.header], noun: 'lines' },
    ...parts.body,
    { lines: [`${chalk.bold('Waiting:')} ${esc(detail.reason)}`], noun: 'lines' },
  ];
  return foldToRows(summary, body, footer, rows);
}
