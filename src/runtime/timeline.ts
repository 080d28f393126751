// A run's timeline, for the README's start-up figures (bench/run.mjs, section 1): with
// KUBECTL_KRUISE_TIMELINE=1 the process marks its phases (performance.mark) and prints them to
// stderr as one JSON line at exit. Off (the default), mark() does nothing and loads nothing.
const on = Boolean(process.env.KUBECTL_KRUISE_TIMELINE);

/** Marks a phase of the run (`kk:NAME`) when the timeline is on. */
export const mark: (name: string) => void = on ? (name) => performance.mark(`kk:${name}`) : () => undefined;

/** At exit, prints Node's own start-up phases and the marks, in ms since the process started. */
export function printTimelineAtExit(): void {
  if (!on) return;
  process.on('exit', () => {
    const t = performance.nodeTiming;
    const node = { nodeStart: t.nodeStart, v8Start: t.v8Start, environment: t.environment, bootstrapComplete: t.bootstrapComplete };
    const marks = performance.getEntriesByType('mark').map((m) => [m.name.replace(/^kk:/, ''), Math.round(m.startTime * 100) / 100]);
    process.stderr.write(`${JSON.stringify({ timeline: { node, marks, exit: performance.now() } })}\n`);
  });
}
