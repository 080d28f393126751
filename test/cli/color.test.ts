import { chalkFor, colorEnabled } from '../../src/cli/color.js';
import type { OutStream } from '../../src/cli/deps.js';

const write = (): boolean => true;
const tty: OutStream = { isTTY: true, write };
const pipe: OutStream = { isTTY: false, write };
const noTTY: OutStream = { write };

describe('colorEnabled', () => {
  it.each([
    ['a TTY, nothing set', true, {}, tty, true],
    ['--no-color', false, {}, tty, false],
    ['NO_COLOR=1', true, { NO_COLOR: '1' }, tty, false],
    ['NO_COLOR set but empty (no-color.org: any value)', true, { NO_COLOR: '' }, tty, false],
    ['TERM=dumb', true, { TERM: 'dumb' }, tty, false],
    ['TERM=xterm-256color', true, { TERM: 'xterm-256color' }, tty, true],
    ['stdout is a pipe', true, {}, pipe, false],
    ['stdout without isTTY', true, {}, noTTY, false],
    ['FORCE_COLOR does not override --no-color', false, { FORCE_COLOR: '1' }, tty, false],
  ] as const)('%s', (_what, color, env, out, expected) => {
    expect(colorEnabled({ color }, { env: { ...env }, io: { out, err: pipe } })).toBe(expected);
  });
});

describe('chalkFor', () => {
  it('colours at level 1 when enabled and not at all otherwise', () => {
    const on = chalkFor({ color: true }, { env: {}, io: { out: tty, err: pipe } });
    const off = chalkFor({ color: true }, { env: { NO_COLOR: '1' }, io: { out: tty, err: pipe } });
    expect(on.level).toBe(1);
    expect(on.red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(off.level).toBe(0);
    expect(off.red('x')).toBe('x');
  });
});
