// A block of text redrawn in place on a terminal: cursor up over the previous frame, clear each
// line, write the new one. Pure string building plus a writer; no timers here.

const ESC = '\x1b[';
/** Hides the cursor while a live view is on screen. */
export const HIDE_CURSOR = `${ESC}?25l`;
/** Shows the cursor again (always written on exit, also after Ctrl-C). */
export const SHOW_CURSOR = `${ESC}?25h`;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** The printable width of a string (ANSI codes removed). */
export function visibleLength(s: string): number {
  return [...s.replace(ANSI, '')].length;
}

/** Cuts a line to `columns` visible characters, so that one line stays one screen row (the cursor math needs it). */
export function fitLine(s: string, columns: number | undefined): string {
  if (!columns || columns <= 1 || visibleLength(s) < columns) return s;
  return `${[...s.replace(ANSI, '')].slice(0, columns - 2).join('')}…`;
}

/** Builds the bytes that replace a frame of `previousLines` lines with `text`. */
export function redrawFrame(previousLines: number, text: string, columns?: number): { bytes: string; lines: number } {
  const lines = text.split('\n').map((l) => fitLine(l, columns));
  // Up to the first line of the previous frame, column 0.
  let bytes = previousLines > 0 ? `${ESC}${previousLines}A\r` : '';
  for (const l of lines) bytes += `${ESC}2K${l}\n`;
  // The new frame may be shorter than the old one: clear what is left below.
  bytes += `${ESC}J`;
  return { bytes, lines: lines.length };
}

/** A live region on a TTY stream: `draw(text)` replaces the previous frame. */
export class LiveRegion {
  private lines = 0;
  private started = false;
  constructor(private readonly out: { write(s: string): unknown; columns?: number }) {}

  /** Replaces the frame on screen with `text`. */
  draw(text: string): void {
    if (!this.started) {
      this.out.write(HIDE_CURSOR);
      this.started = true;
    }
    const frame = redrawFrame(this.lines, text, this.out.columns);
    this.out.write(frame.bytes);
    this.lines = frame.lines;
  }

  /** Leaves the last frame on screen and restores the cursor. */
  end(): void {
    if (this.started) this.out.write(SHOW_CURSOR);
    this.started = false;
  }
}
