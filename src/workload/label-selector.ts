// Label selectors, one matcher for both forms: the LabelSelector object of a workload's spec and
// the ?labelSelector= text the API server parses (src/sandbox/selectors.ts) become requirements.
import type { LabelSelector } from './types.js';

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** Whether labels satisfy every requirement. */
export function matchesLabels(labels: Record<string, string> | undefined, reqs: LabelRequirement[]): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        if (!has || v !== r.value) return false;
        break;
      case 'neq':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
    }
  }
  return true;
}

const OPERATORS: Record<string, 'in' | 'notin' | 'exists' | 'notexists'> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: 'notexists',
};

/** The requirements of a LabelSelector; undefined when an operator is unknown (such a selector matches nothing). */
function requirementsOf(selector: LabelSelector): LabelRequirement[] | undefined {
  const reqs: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, op: 'eq', value }));
  for (const e of selector.matchExpressions ?? []) {
    const op = OPERATORS[e.operator];
    if (!op) return undefined;
    reqs.push(op === 'in' || op === 'notin' ? { key: e.key, op, values: e.values ?? [] } : { key: e.key, op });
  }
  return reqs;
}

/** Whether labels satisfy a LabelSelector; no selector selects nothing, an empty one everything (as LabelSelectorAsSelector). */
export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector | undefined): boolean {
  const reqs = selector ? requirementsOf(selector) : undefined;
  return reqs !== undefined && matchesLabels(labels, reqs);
}

/** A LabelSelector as text (`app=web,tier in (a,b),!legacy`), as metav1.FormatLabelSelector; "" when empty. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn') parts.push(`${e.key} ${op.toLowerCase()} (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
