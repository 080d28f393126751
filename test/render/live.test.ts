import { fitLine, HIDE_CURSOR, LiveRegion, redrawFrame, SHOW_CURSOR, visibleLength } from '../../src/render/live.js';

describe('redrawFrame', () => {
  test('first frame: no cursor movement, each line cleared, rest of screen cleared', () => {
    expect(redrawFrame(0, 'a\nb')).toEqual({ bytes: '\x1b[2Ka\n\x1b[2Kb\n\x1b[J', lines: 2 });
  });
  test('next frame: cursor up over the previous frame first', () => {
    expect(redrawFrame(3, 'x')).toEqual({ bytes: '\x1b[3A\r\x1b[2Kx\n\x1b[J', lines: 1 });
  });
  test('long lines are cut to the terminal width so one line stays one row', () => {
    expect(fitLine('abcdefghij', 6)).toBe('abcd…');
    expect(fitLine('abc', 6)).toBe('abc');
    expect(fitLine('\x1b[32mabcdefghij\x1b[39m', 6)).toBe('abcd…');
    expect(visibleLength('\x1b[32m✔\x1b[39m ok')).toBe(4);
  });
});

describe('LiveRegion', () => {
  test('hides the cursor on the first frame, redraws in place, restores the cursor at the end', () => {
    let out = '';
    const region = new LiveRegion({ write: (s: string) => (out += s), columns: 80 });
    region.draw('one\ntwo');
    region.draw('three');
    region.end();
    expect(out).toBe(`${HIDE_CURSOR}\x1b[2Kone\n\x1b[2Ktwo\n\x1b[J\x1b[2A\r\x1b[2Kthree\n\x1b[J${SHOW_CURSOR}`);
  });
});
