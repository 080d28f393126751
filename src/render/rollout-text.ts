// Pure string builders for the rollout view: the multi-line summary (`rollout status`) and the
// one-line form (`rollout watch` when not a TTY). Colour comes in as a Chalk instance.
import type { ChalkInstance } from 'chalk';
import { humanDuration } from '../kube/time.js';
import type { PodView } from '../rollout/pods.js';
import type { RolloutView } from '../rollout/view.js';
import { escapeTerminal as esc } from './escape.js';

/** Rendering options: colour is an injected Chalk (level 0 = plain text); `allPods` lists every pod (`--pods`). */
export interface RenderOptions {
  chalk: ChalkInstance;
  allPods?: boolean;
}

/**
 * The summary in parts, so a live view can fold it to the terminal: `header` (who, state, what to
 * do) is always shown; `body` blocks may be cut, the last line then saying how many `noun`s were left out.
 */
export interface RolloutTextParts {
  header: string[];
  body: { lines: string[]; noun: string }[];
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

/** `Label:       value`; an empty label continues the line above. */
function line(label: string, value: string): string {
  return `${(label ? `${label}:` : '').padEnd(LABEL_WIDTH)}${value}`.trimEnd();
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
      return `the status is from the previous release (rollout-id ${esc(view.rolloutId.observed ?? 'none')}; the workload is at rollout-id ${esc(view.rolloutId.workload)})`;
    }
    return `the controller has not seen the new template yet (the status is for workload generation ${view.observedWorkloadGeneration ?? '-'}, the workload is at ${view.workload.generation ?? '-'})`;
  }
  if (view.done) return 'completed';
  if (view.cancelled) return 'cancelled (rolled back)';
  // rollback-in-batch (docs/controller.md §16.2): a release toward the stable revision itself.
  const back =
    view.phase === 'Progressing' && view.revisions.stable !== null && view.revisions.stable === view.revisions.canary
      ? 'rolling back in batches, '
      : '';
  if (view.paused) return `${back}paused (rollout resume to continue)`;
  if (view.waitingForApproval)
    return `${back}waiting for approval (rollout approve ${esc(view.name)} --step ${view.currentStepIndex} to continue)`;
  if (view.pauseRemainingSeconds !== null) return `${back}next step in ${view.pauseRemainingSeconds}s`;
  if (view.phase === 'Healthy') return 'idle';
  return `${back}in progress`;
}

/** kubectl's HumanDuration, for pod ages: 45s, 3m20s, 15m, 5h10m, 2d3h, 40d. */
export function humanAge(seconds: number | null): string {
  if (seconds === null) return '<unknown>';
  return humanDuration(Math.max(0, Math.floor(seconds)) * 1000);
}

/** The pods' table rows (kubectl's columns plus the batch and revision). */
function podRows(pods: PodView[]): string[][] {
  return [
    ['NAME', 'READY', 'BATCH', 'REVISION', 'AGE', 'RESTARTS', 'STATUS'],
    ...pods.map((p) => [
      esc(p.name),
      p.ready,
      esc(p.batch ?? '-'),
      p.revision ?? '-',
      humanAge(p.ageSeconds),
      String(p.restarts),
      esc(p.status),
    ]),
  ];
}

/** `Pods:` — ready/total per revision (and batch), then the pods not ready (all with `allPods`). */
function podLines(view: RolloutView, allPods: boolean, chalk: ChalkInstance): string[] {
  if (!view.pods || !view.podGroups) return [];
  if (view.pods.length === 0) return [line('Pods', 'none')];
  const byRevision = new Map<string, { ready: number; total: number; batches: string[] }>();
  for (const g of view.podGroups) {
    const key = g.revision ?? 'other';
    const r = byRevision.get(key) ?? { ready: 0, total: 0, batches: [] };
    r.ready += g.ready;
    r.total += g.total;
    if (g.batch !== null) r.batches.push(`batch ${esc(g.batch)}: ${g.ready}/${g.total}`);
    byRevision.set(key, r);
  }
  const out: string[] = [];
  for (const [revision, r] of byRevision) {
    const batches = r.batches.length > 0 ? ` (${r.batches.join(', ')})` : '';
    out.push(line(out.length === 0 ? 'Pods' : '', `${revision}: ${r.ready}/${r.total} ready${batches}`));
  }
  const shown = allPods ? view.pods : view.pods.filter((p) => !p.isReady);
  if (shown.length > 0) {
    for (const [i, row] of table(podRows(shown)).entries()) {
      const pod = shown[i - 1];
      out.push(pod && !pod.isReady ? chalk.red(`  ${row}`) : `  ${row}`);
    }
  }
  return out;
}

/** `Blue:` / `Green:` — both sides of a blue-green release: revision, ready/total pods, traffic. */
function blueGreenLines(view: RolloutView): string[] {
  const bg = view.blueGreen;
  if (!bg) return [];
  const text = (s: NonNullable<RolloutView['blueGreen']>['blue']) =>
    `${esc(s.revision ?? '-')}: ${s.ready}/${s.total} ready${s.traffic !== null ? `, traffic ${esc(s.traffic)}` : ''}`;
  return [line('Blue', text(bg.blue)), line('Green', text(bg.green))];
}

/** `Traffic:` — the current step's weight / matches and where traffic is routed. */
function trafficLines(view: RolloutView): string[] {
  const t = view.traffic;
  if (!t) return [];
  const weight = t.current ?? '-';
  const matches = t.matches ? `, matches ${esc(JSON.stringify(t.matches))}` : '';
  const via = t.routings
    .map((r) =>
      [`service ${esc(r.service)}`, r.ingress ? `ingress ${esc(r.ingress)}` : '', r.gateway ? esc(r.gateway) : '']
        .filter(Boolean)
        .join(', '),
    )
    .join('; ');
  const cluster = (t.cluster ?? []).map((o) => {
    if (o.kind === 'HTTPRoute') {
      if (!o.found) return `HTTPRoute ${esc(o.name)} absent`;
      return `HTTPRoute ${esc(o.name)} ${Object.entries(o.canary)
        .map(([k, v]) => (k === 'matches' ? `matches -> ${esc(v)}` : `${esc(k)} ${esc(v)}`))
        .join(', ')}`;
    }
    if (!o.found) return `${esc(o.name)} absent (all traffic to stable)`;
    const carried = Object.entries(o.canary)
      .filter(([k]) => k !== 'canary')
      .map(([k, v]) => `${esc(k)} ${esc(v)}`);
    return `${esc(o.name)} ${carried.length > 0 ? carried.join(', ') : 'no canary rule'}`;
  });
  return [
    line('Traffic', `canary ${weight}${matches}${via ? ` (via ${via})` : ''}`),
    ...(cluster.length > 0 ? [line('Gateway', cluster.join('; '))] : []),
  ];
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

/** The summary split into the header (always shown) and foldable blocks. */
export function rolloutTextParts(view: RolloutView, { chalk, allPods = false }: RenderOptions): RolloutTextParts {
  const header: string[] = [];
  header.push(line('Name', esc(view.name)));
  header.push(line('Namespace', esc(view.namespace)));
  // Like kubectl describe, say when the status predates the current spec.
  const unobserved =
    view.generation !== null && view.observedGeneration !== null && view.generation !== view.observedGeneration
      ? ` (status observed generation ${view.observedGeneration}, spec generation ${view.generation})`
      : '';
  header.push(line('Status', view.phase ? `${phaseIcon(view.phase, chalk)} ${esc(view.phase)}${unobserved}` : '(no status yet)'));
  if (view.message) header.push(line('Message', esc(view.message)));
  header.push(line('Strategy', view.style));
  // currentStepIndex 0 (phase Initial) means no step has started.
  const stepText = hasStep(view)
    ? `${view.currentStepIndex}/${view.totalSteps} ${esc(view.currentStepState ?? '')}`
    : `-/${view.totalSteps}`;
  header.push(line('Step', stepText));
  // The line that asks for action stands out.
  const release = line('Release', releaseSummary(view));
  header.push(view.waitingForApproval || view.paused ? chalk.bold.yellow(release) : release);

  const body: RolloutTextParts['body'] = [];
  if (view.steps.length > 0) {
    const steps = ['Steps:'];
    const hasTraffic = view.steps.some((s) => s.traffic !== null);
    const rows = view.steps.map((s) => [
      s.current ? '→' : ' ',
      String(s.index),
      `replicas: ${esc(s.replicas ?? '-')}`,
      ...(hasTraffic ? [`traffic: ${esc(s.traffic ?? '-')}`] : []),
      `planned: ${s.planned ?? '-'}`,
      `pause: ${pauseText(s)}`,
    ]);
    for (const [i, row] of table(rows).entries()) steps.push(view.steps[i]!.current ? chalk.green(`  ${row}`) : `  ${row}`);
    body.push({ lines: steps, noun: 'steps' });
  }
  const b = view.batch;
  body.push({
    lines: [line('Batch', `planned ${b.planned ?? '-'}, updated ${b.updated ?? '-'}, ready ${b.ready ?? '-'}`), ...trafficLines(view)],
    noun: 'lines',
  });
  const sides = blueGreenLines(view);
  if (sides.length > 0) body.push({ lines: sides, noun: 'lines' });
  const pods = podLines(view, allPods, chalk);
  if (pods.length > 0) body.push({ lines: pods, noun: 'pods' });
  const details: string[] = [];
  details.push(line('Revisions', `stable ${esc(view.revisions.stable ?? '-')}, canary ${esc(view.revisions.canary ?? '-')}`));
  const images = view.images;
  if (images.canary) details.push(line('Images', `canary ${esc(images.canary.join(', ') || '-')}`));
  if (images.stable) details.push(line(images.canary ? '' : 'Images', `stable ${esc(images.stable.join(', ') || '-')}`));
  // Rollout-ids only when the user set one on the workload (the controller otherwise names the
  // release by its revision, already shown).
  if (view.rolloutId.workload !== null) {
    details.push(
      line('Rollout-ID', `${esc(view.rolloutId.observed ?? 'none')} (the workload's: ${esc(view.rolloutId.workload ?? 'none')})`),
    );
  }
  if (view.workload) {
    const w = view.workload;
    const detail = w.found
      ? `(generation ${w.generation ?? '-'}, observed ${view.observedWorkloadGeneration ?? '-'}, replicas ${w.replicas ?? '-'})`
      : '(not found)';
    details.push(line('Workload', `${esc(w.kind)}/${esc(w.name)} ${detail}`));
  }
  const br = view.batchRelease;
  if (br) {
    const batch = br.currentBatch === null ? '-' : String(br.currentBatch + 1);
    details.push(
      line('BatchRelease', `${esc(br.name)}, batch ${batch}/${br.batches} ${esc(br.batchState ?? '-')} (${esc(br.phase ?? '-')})`),
    );
  }
  details.push(line('Paused', view.paused ? 'yes' : 'no'));
  details.push(line('Disabled', view.disabled ? 'yes' : 'no'));
  body.push({ lines: details, noun: 'lines' });
  if (view.conditions.length > 0) {
    const rows = [
      ['TYPE', 'STATUS', 'REASON', 'MESSAGE'],
      ...view.conditions.map((c) => [esc(c.type), esc(c.status), esc(c.reason ?? ''), esc(c.message ?? '')]),
    ];
    body.push({ lines: ['Conditions:', ...table(rows).map((row) => `  ${row}`)], noun: 'conditions' });
  }
  return { header, body };
}

/** The multi-line human summary of a rollout view (no trailing newline). */
export function renderRolloutText(view: RolloutView, options: RenderOptions): string {
  const { header, body } = rolloutTextParts(view, options);
  return [...header, ...body.flatMap((b) => b.lines)].join('\n');
}

/**
 * One line per state, as `rollout watch` prints it when not on a TTY (without the time):
 * `rollouts-demo Progressing step 1/3 StepPaused (planned 1, updated 1, ready 1) — message`.
 */
export function renderRolloutLine(view: RolloutView): string {
  const parts = [esc(view.name), esc(view.phase ?? 'NoStatus')];
  if (hasStep(view)) parts.push(`step ${view.currentStepIndex}/${view.totalSteps} ${esc(view.currentStepState ?? '')}`.trimEnd());
  if (view.subStatus !== null) {
    const b = view.batch;
    parts.push(`(planned ${b.planned ?? '-'}, updated ${b.updated ?? '-'}, ready ${b.ready ?? '-'})`);
  }
  if (view.blueGreen) {
    const side = (name: string, s: NonNullable<RolloutView['blueGreen']>['blue']) =>
      `${name} ${s.ready}/${s.total}${s.traffic !== null ? ` ${esc(s.traffic)}` : ''}`;
    parts.push(`[${side('blue', view.blueGreen.blue)}, ${side('green', view.blueGreen.green)}]`);
  }
  if (view.workload && !view.workload.found) parts.push('[workload not found]');
  else if (view.subStatus !== null && !view.currentRelease) {
    const otherId = view.rolloutId.workload !== null && view.rolloutId.workload !== view.rolloutId.observed;
    parts.push(otherId ? '(the status is from the previous release)' : '(the controller has not seen the new template yet)');
  }
  if (view.paused) parts.push('[paused]');
  const notReady = view.pods?.filter((p) => !p.isReady) ?? [];
  if (notReady.length > 0) {
    const first = notReady[0]!;
    const more = notReady.length > 1 ? ` and ${notReady.length - 1} more` : '';
    parts.push(
      `[${notReady.length} not ready: ${esc(first.name)} ${esc(first.status)}${first.restarts ? ` (${first.restarts} restarts)` : ''}${more}]`,
    );
  }
  let text = parts.join(' ');
  if (view.message) text += ` — ${esc(view.message)}`;
  return text;
}
