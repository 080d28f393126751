// kubectl-style durations: "0", "500ms", "5s", "1m30s", "2h"; a bare number means seconds
// (kubectl's --request-timeout accepts that).

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a kubectl duration, or undefined when the text is not one. Whole ms; a duration
 * above zero is at least 1 ms, so that `--timeout 0.0001ms` never reads as 0 ("no timeout").
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return wholeMs(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === s.length && end > 0 ? wholeMs(total) : undefined;
}

function wholeMs(ms: number): number {
  return ms > 0 ? Math.max(1, Math.round(ms)) : 0;
}
