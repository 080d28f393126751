// Label and field selectors as the API server parses them from ?labelSelector= / ?fieldSelector=.
import type { KubeObject } from '../kube/types.js';
import { type LabelRequirement, matchesLabels } from '../workload/label-selector.js';

/** A parsed field selector term: a dotted path compared with = or !=. */
export interface FieldRequirement {
  path: string[];
  op: 'eq' | 'neq';
  value: string;
}

/** A selector that could not be parsed (answered with 400). */
export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, all: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${all}"`);
  return key;
}
function checkValue(value: string, all: string): string {
  if (!VALUE.test(value)) throw new SelectorError(`unable to parse requirement: invalid label value "${value}" in "${all}"`);
  return value;
}

/** Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k`. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const term of splitTerms(text)) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3]!.split(',').map((v) => checkValue(v.trim(), text));
      reqs.push({ key: checkKey(m[1]!, text), op: m[2] as 'in' | 'notin', values });
    } else if ((m = term.match(/^([^=!\s]+)\s*!=\s*(\S*)$/))) {
      reqs.push({ key: checkKey(m[1]!, text), op: 'neq', value: checkValue(m[2]!, text) });
    } else if ((m = term.match(/^([^=!\s]+)\s*==?\s*(\S*)$/))) {
      reqs.push({ key: checkKey(m[1]!, text), op: 'eq', value: checkValue(m[2]!, text) });
    } else if ((m = term.match(/^!\s*(\S+)$/))) {
      reqs.push({ key: checkKey(m[1]!, text), op: 'notexists' });
    } else if ((m = term.match(/^(\S+)$/))) {
      reqs.push({ key: checkKey(m[1]!, text), op: 'exists' });
    } else {
      throw new SelectorError(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return reqs;
}

/** Parses `metadata.name=x,metadata.namespace!=y` (any dotted path; checkFieldLabels narrows it per resource). */
export function parseFieldSelector(text: string): FieldRequirement[] {
  return splitTerms(text).map((term) => {
    const m = term.match(/^([A-Za-z0-9_.-]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    return { path: m[1]!.split('.'), op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]! };
  });
}

/** The field labels every kind supports (apimachinery's DefaultMetaV1FieldSelectorConversion). */
const META_FIELDS = ['metadata.name', 'metadata.namespace'];

/** The API server's field label conversion functions, by resource (group/plural; '' is core). */
const FIELD_LABELS: Record<string, string[]> = {
  '/pods': [
    ...META_FIELDS,
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/events': [
    ...META_FIELDS,
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  // A Namespace's conversion function has no metadata.namespace.
  '/namespaces': ['metadata.name', 'status.phase'],
  '/secrets': [...META_FIELDS, 'type'],
  '/services': [...META_FIELDS, 'spec.clusterIP', 'spec.type'],
  'apps/replicasets': [...META_FIELDS, 'status.replicas'],
};

/** Field labels whose value lives elsewhere in the object. */
const FIELD_PATHS: Record<string, string[]> = { source: ['source', 'component'] };

/**
 * Checks each requirement against the field labels the API server supports for the resource
 * (`field label not supported: X`, a 400, for the rest).
 */
export function checkFieldLabels(group: string, plural: string, reqs: FieldRequirement[]): FieldRequirement[] {
  const allowed = FIELD_LABELS[`${group}/${plural}`] ?? META_FIELDS;
  return reqs.map((r) => {
    const label = r.path.join('.');
    if (!allowed.includes(label)) throw new SelectorError(`field label not supported: ${label}`);
    return FIELD_PATHS[label] ? { ...r, path: FIELD_PATHS[label] } : r;
  });
}

/** Whether obj satisfies every field requirement (absent fields compare as ""). */
function matchesFields(obj: KubeObject, reqs: FieldRequirement[]): boolean {
  for (const r of reqs) {
    let cur: unknown = obj;
    for (const p of r.path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
    const actual = cur === undefined || cur === null ? '' : String(cur);
    if ((actual === r.value) !== (r.op === 'eq')) return false;
  }
  return true;
}

/** A compiled list/watch filter. */
export interface ObjectFilter {
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

/** Whether obj passes the filter. */
export function matchesFilter(obj: KubeObject, f: ObjectFilter): boolean {
  if (f.namespace !== undefined && obj.metadata.namespace !== f.namespace) return false;
  if (f.labels.length && !matchesLabels(obj.metadata.labels, f.labels)) return false;
  if (f.fields.length && !matchesFields(obj, f.fields)) return false;
  return true;
}
