// `rollout history` as kubectl tables (pure): the workload's revisions, then RolloutHistory records.
import type { RolloutHistoryView } from '../rollout/history.js';
import { escapeTerminal } from './escape.js';
import { age, renderTable } from './table.js';

/** The revisions table (and the records table when there are records) at time `now`. */
export function renderHistoryText(view: RolloutHistoryView, now: Date): string {
  const head = `rollout.rollouts.kruise.io/${escapeTerminal(view.name)}: ${view.workload.kind.toLowerCase()}.apps/${escapeTerminal(view.workload.name)}\n`;
  let text = head + (view.revisions.length === 0 ? 'No revisions: the workload has no ReplicaSets yet.\n' : revisionsTable(view, now));
  if (view.records.length > 0) {
    const rec = [['RECORD', 'ROLLOUT-ID', 'PHASE', 'STEPS', 'AGE']];
    for (const r of view.records) {
      rec.push([
        escapeTerminal(r.name),
        escapeTerminal(r.rolloutId ?? '-'),
        escapeTerminal(r.phase ?? '-'),
        String(r.steps),
        age(r.created, now),
      ]);
    }
    text += `\nRolloutHistory records:\n${renderTable(rec)}`;
  }
  return text;
}

function revisionsTable(view: RolloutHistoryView, now: Date): string {
  const rows = [['REVISION', 'HASH', 'IMAGES', 'RELEASED', 'PODS', 'ROLE']];
  for (const r of view.revisions) {
    const role = [r.current ? 'current' : '', r.stable ? 'stable' : '', r.canary ? 'canary' : ''].filter(Boolean).join(',');
    rows.push([
      String(r.revision),
      escapeTerminal(r.hash ?? '-'),
      escapeTerminal(r.images.join(',') || '-'),
      r.created ? `${r.created} (${age(r.created, now)} ago)` : '<unknown>',
      `${r.readyPods}/${r.pods}`,
      role || '-',
    ]);
  }
  return renderTable(rows);
}
