// A live view on a terminal: drawn on the alternate screen (as `watch`, `top` and `less` do), from
// the top-left corner, never more rows than the terminal has — so redraws never push stale copies
// into the scroll-back, and a resize is a plain redraw. On exit the normal screen comes back and
// the last frame is printed there once. Pure string building plus a writer; no timers here.

const ESC = '\x1b[';
/** Hides the cursor while a live view is on screen. */
export const HIDE_CURSOR = `${ESC}?25l`;
/** Shows the cursor again (always written on exit, also after Ctrl-C). */
export const SHOW_CURSOR = `${ESC}?25h`;
/** Switches to the alternate screen (no scroll-back) and back. */
export const ENTER_ALT_SCREEN = `${ESC}?1049h`;
export const LEAVE_ALT_SCREEN = `${ESC}?1049l`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** The printable width of a string (ANSI codes removed). */
export function visibleLength(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

/** Cuts a line to fewer than `columns` visible characters, so that one line stays one screen row. */
export function fitLine(s: string, columns: number | undefined): string {
  if (!columns || columns <= 1 || visibleLength(s) < columns) return s;
  return `${[...s.replace(ANSI, '')].slice(0, columns - 2).join('')}…`;
}

/** The bytes of one frame on the alternate screen: home, each line cleared to its end, the rest cleared. */
export function screenFrame(lines: string[], columns?: number): string {
  return `${ESC}H${lines.map((l) => `${fitLine(l, columns)}${ESC}K`).join('\r\n')}${ESC}J`;
}

/** What a live region writes to: a TTY stream (its size read at each draw). */
export interface LiveStream {
  write(s: string): unknown;
  columns?: number;
  rows?: number;
}

/** A live region on a TTY stream: `draw(lines)` replaces the frame on the alternate screen. */
export class LiveRegion {
  private started = false;
  constructor(private readonly out: LiveStream) {}

  /** Replaces the frame on screen with `lines` (the caller fits them to the rows). */
  draw(lines: string[]): void {
    if (!this.started) {
      this.out.write(`${ENTER_ALT_SCREEN}${HIDE_CURSOR}`);
      this.started = true;
    }
    this.out.write(screenFrame(lines, this.out.columns));
  }

  /** Back to the normal screen, where `lines` (the last frame) are printed once; the cursor is restored. */
  end(lines: string[]): void {
    if (this.started) this.out.write(`${LEAVE_ALT_SCREEN}${SHOW_CURSOR}`);
    this.started = false;
    if (lines.length > 0) this.out.write(`${lines.map((l) => fitLine(l, this.out.columns)).join('\n')}\n`);
  }
}
