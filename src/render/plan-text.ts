// `rollout plan` as text: one line per batch (pure).
import type { RolloutPlanView } from '../rollout/plan.js';
import { escapeTerminal } from './escape.js';
import { renderTable } from './table.js';

function pauseText(b: RolloutPlanView['batches'][number], last: boolean): string {
  if (b.pause === 'manual') return 'wait for approval';
  if (b.pause === 'timed') return `${b.pauseSeconds}s, then next step`;
  return last ? 'none (release completes)' : 'none';
}

/** The plan as a heading and a table of batches. */
export function renderPlanText(plan: RolloutPlanView): string {
  const workload = plan.workload ? `${plan.workload.kind}/${escapeTerminal(plan.workload.name)}` : 'no workload';
  const head = `Rollout ${escapeTerminal(plan.name)} (${plan.style}): ${workload}, ${plan.replicas} replicas${plan.replicasFrom === 'flag' ? ' (--replicas)' : ''}\n`;
  if (plan.batches.length === 0) return `${head}No steps: the Rollout has no canary or blue-green steps.\n`;
  const rows = [['STEP', 'REPLICAS', 'UPDATED', 'STABLE', ...(plan.trafficRouting ? ['TRAFFIC'] : []), 'PAUSE']];
  plan.batches.forEach((b, i) => {
    rows.push([
      String(b.step),
      escapeTerminal(b.replicas ?? '-'),
      b.pods === null ? 'invalid' : String(b.pods),
      b.stablePods === null ? '-' : String(b.stablePods),
      ...(plan.trafficRouting ? [escapeTerminal(b.traffic ?? '-')] : []),
      pauseText(b, i === plan.batches.length - 1),
    ]);
  });
  return head + renderTable(rows);
}
