// Pure string builders for the rollout view: the multi-line summary (`rollout status`) and the
// one-line form (`rollout watch` when not a TTY). Colour comes in as a Chalk instance.
import type { ChalkInstance } from 'chalk';
import type { RolloutView } from '../rollout/view.js';

/** Rendering options: colour is an injected Chalk (level 0 = plain text). */
interface RenderOptions {
  chalk: ChalkInstance;
}

const LABEL_WIDTH = 14;

/** The phase icon; kept without colour too, so plain output still reads at a glance. */
function phaseIcon(phase: string | null, chalk: ChalkInstance): string {
  switch (phase) {
    case 'Healthy':
      return chalk.green('✔');
    case 'Progressing':
    case 'Initial':
      return chalk.yellow('⚠');
    case 'Disabled':
    case 'Disabling':
    case 'Terminating':
      return chalk.red('✘');
    default:
      return '?';
  }
}

function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`.trimEnd();
}

function pauseText(step: RolloutView['steps'][number]): string {
  if (step.pause === 'timed') return `${step.pauseSeconds}s`;
  return step.pause;
}

/** What the release is doing in a few words (the derived fields, for humans). */
function releaseSummary(view: RolloutView): string {
  if (view.deleting) return 'rollout is being deleted';
  if (view.disabled) return 'rollout is disabled';
  if (!view.workload?.found) return 'workload not found';
  if (view.subStatus === null) return 'no release observed yet';
  if (!view.currentRelease) {
    // Either another release (rollout-id) or a workload change the controller has not observed yet
    // (a new template, but also a scale or the unpause at the end of a release).
    if (view.rolloutId.workload !== null && view.rolloutId.workload !== view.rolloutId.observed) {
      return `status is from another release (observed rollout-id ${view.rolloutId.observed ?? '-'}, workload rollout-id ${view.rolloutId.workload})`;
    }
    return `status not yet updated for the workload (observed workload generation ${view.observedWorkloadGeneration ?? '-'}, workload generation ${view.workload.generation ?? '-'})`;
  }
  if (view.done) return 'completed';
  if (view.cancelled) return 'cancelled (rolled back)';
  if (view.paused) return 'paused (rollout resume to continue)';
  if (view.waitingForApproval) return 'waiting for approval (rollout approve to continue)';
  if (view.pauseRemainingSeconds !== null) return `next step in ${view.pauseRemainingSeconds}s`;
  if (view.phase === 'Healthy') return 'idle';
  return 'in progress';
}

function hasStep(view: RolloutView): boolean {
  return view.currentStepIndex !== null && view.currentStepIndex > 0;
}

function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The multi-line human summary of a rollout view (no trailing newline). */
export function renderRolloutText(view: RolloutView, { chalk }: RenderOptions): string {
  const out: string[] = [];
  out.push(line('Name', view.name));
  out.push(line('Namespace', view.namespace));
  // Like kubectl describe, say when the status predates the current spec.
  const unobserved =
    view.generation !== null && view.observedGeneration !== null && view.generation !== view.observedGeneration
      ? ` (status observed generation ${view.observedGeneration}, spec generation ${view.generation})`
      : '';
  out.push(line('Status', view.phase ? `${phaseIcon(view.phase, chalk)} ${view.phase}${unobserved}` : '(no status yet)'));
  if (view.message) out.push(line('Message', view.message));
  out.push(line('Strategy', view.style));
  // currentStepIndex 0 (phase Initial) means no step has started.
  const stepText = hasStep(view) ? `${view.currentStepIndex}/${view.totalSteps} ${view.currentStepState ?? ''}` : `-/${view.totalSteps}`;
  out.push(line('Step', stepText));
  out.push(line('Release', releaseSummary(view)));
  if (view.steps.length > 0) {
    out.push('Steps:');
    const hasTraffic = view.steps.some((s) => s.traffic !== null);
    const rows = view.steps.map((s) => [
      s.current ? '→' : ' ',
      String(s.index),
      `replicas: ${s.replicas ?? '-'}`,
      ...(hasTraffic ? [`traffic: ${s.traffic ?? '-'}`] : []),
      `planned: ${s.planned ?? '-'}`,
      `pause: ${pauseText(s)}`,
    ]);
    for (const [i, row] of table(rows).entries()) out.push(view.steps[i]!.current ? chalk.green(`  ${row}`) : `  ${row}`);
  }
  const b = view.batch;
  out.push(line('Batch', `planned ${b.planned ?? '-'}, updated ${b.updated ?? '-'}, ready ${b.ready ?? '-'}`));
  out.push(line('Revisions', `stable ${view.revisions.stable ?? '-'}, canary ${view.revisions.canary ?? '-'}`));
  out.push(line('Rollout-ID', `observed ${view.rolloutId.observed ?? '-'}, workload ${view.rolloutId.workload ?? '-'}`));
  if (view.workload) {
    const w = view.workload;
    const detail = w.found
      ? `(generation ${w.generation ?? '-'}, observed ${view.observedWorkloadGeneration ?? '-'}, replicas ${w.replicas ?? '-'})`
      : '(not found)';
    out.push(line('Workload', `${w.kind}/${w.name} ${detail}`));
  }
  const br = view.batchRelease;
  if (br) {
    const batch = br.currentBatch === null ? '-' : String(br.currentBatch + 1);
    out.push(line('BatchRelease', `${br.name}, batch ${batch}/${br.batches} ${br.batchState ?? '-'} (${br.phase ?? '-'})`));
  }
  out.push(line('Paused', view.paused ? 'yes' : 'no'));
  out.push(line('Disabled', view.disabled ? 'yes' : 'no'));
  if (view.conditions.length > 0) {
    out.push('Conditions:');
    const rows = [
      ['TYPE', 'STATUS', 'REASON', 'MESSAGE'],
      ...view.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']),
    ];
    for (const row of table(rows)) out.push(`  ${row}`);
  }
  return out.join('\n');
}

/**
 * One line per state, as `rollout watch` prints it when not on a TTY (without the time):
 * `rollouts-demo Progressing step 1/3 StepPaused (planned 1, updated 1, ready 1) — message`.
 */
export function renderRolloutLine(view: RolloutView): string {
  const parts = [view.name, view.phase ?? 'NoStatus'];
  if (hasStep(view)) parts.push(`step ${view.currentStepIndex}/${view.totalSteps} ${view.currentStepState ?? ''}`.trimEnd());
  if (view.subStatus !== null) {
    const b = view.batch;
    parts.push(`(planned ${b.planned ?? '-'}, updated ${b.updated ?? '-'}, ready ${b.ready ?? '-'})`);
  }
  if (view.workload && !view.workload.found) parts.push('[workload not found]');
  else if (view.subStatus !== null && !view.currentRelease) parts.push('[stale]');
  if (view.paused) parts.push('[paused]');
  let text = parts.join(' ');
  if (view.message) text += ` — ${view.message}`;
  return text;
}
