// Server-provided text (status messages, condition messages, rollout-ids, pod names, images) is
// shown, never obeyed: control characters are printed in an escaped form, as kubectl's printers do
// (a Rollout message must not set the window title, clear the screen or fake a green "completed").

/** Escapes C0 controls (ESC as `^[`, CR/LF/TAB as `\r` `\n` `\t`), DEL and C1 controls in `s`. */
export function escapeTerminal(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c === 0x1b) out += '^[';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c <= 0x9f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
