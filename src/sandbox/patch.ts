// PATCH semantics of the embedded API server: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902) and Kubernetes' strategic merge patch for the built-in kinds the sandbox serves.
// Pure: every function returns a new value and never mutates its inputs.

import jsonpatch from 'fast-json-patch';
import { BUILTIN_KINDS } from './builtin-kinds.js';

/** Which Content-Type the PATCH came with. */
export type PatchType = 'merge' | 'json' | 'strategic';

/** A patch that cannot be applied: 400 for a malformed patch, 422 for one that does not fit the object. */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

// Built-in kinds carry patchStrategy/patchMergeKey struct tags upstream; custom resources do not,
// and the API server refuses strategic merge patch for them (the Kruise kinds are custom resources).
const STRATEGIC_KINDS = new Set([...BUILTIN_KINDS.filter((r) => r.group !== 'rollouts.kruise.io').map((r) => r.kind), 'Scale']);

/** Whether strategic merge patch is defined for the kind (false for Rollout and other custom resources). */
export function supportsStrategicMerge(kind: string): boolean {
  return STRATEGIC_KINDS.has(kind);
}

/**
 * Returns a new object; never mutates its inputs. kind selects strategic merge keys; a custom
 * resource (served from a CRD) has none, whatever its kind is called.
 */
export function applyPatch(doc: unknown, patch: unknown, type: PatchType, kind: string, custom = false): unknown {
  switch (type) {
    case 'merge':
      requireObject(patch);
      return mergePatch(doc, patch);
    case 'json':
      return jsonPatch(doc, patch);
    case 'strategic':
      if (custom || !supportsStrategicMerge(kind)) {
        throw new PatchError(`strategic merge patch is not supported for ${kind}: use a merge patch or a JSON patch`, 422);
      }
      requireObject(patch);
      return mergeMap(isObject(doc) ? doc : {}, patch, []);
    default:
      throw new PatchError(`unsupported patch type: ${String(type)}`, 400);
  }
}

type Json = unknown;
type JsonMap = Record<string, Json>;

function isObject(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireObject(patch: unknown): asserts patch is JsonMap {
  if (!isObject(patch)) {
    const got = Array.isArray(patch) ? 'array' : patch === null ? 'null' : typeof patch;
    throw new PatchError(`json: cannot unmarshal ${got} into Go value of type map[string]interface {}`, 400);
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

// ---------------------------------------------------------------------------------------------
// RFC 7386

function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonMap = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return clone(out);
}

// ---------------------------------------------------------------------------------------------
// RFC 6902

// Errors raised by fast-json-patch before it looks at the document: the patch itself is malformed.
const MALFORMED = new Set([
  'SEQUENCE_NOT_AN_ARRAY',
  'OPERATION_NOT_AN_OBJECT',
  'OPERATION_OP_INVALID',
  'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED',
  'OPERATION_VALUE_REQUIRED',
  'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
]);

function jsonPatch(doc: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 400);
  // Validate the operations alone first: a malformed patch is the client's fault (400)
  // whatever the object; an operation that does not fit the object is 422, as the API server does.
  const malformed = jsonpatch.validate(patch as never);
  if (malformed) throw new PatchError(`invalid JSON patch: ${describeJsonPatchError(malformed)}`, 400);
  try {
    return jsonpatch.applyPatch(clone(doc), patch as never, true, true).newDocument;
  } catch (err) {
    const e = err as { name?: string; message?: string; operation?: { op?: string; path?: string; value?: unknown } };
    if (e.name === 'TEST_OPERATION_FAILED') {
      throw new PatchError(
        `the JSON patch test operation failed: the value at "${e.operation?.path ?? ''}" is not ${JSON.stringify(e.operation?.value)}`,
        422,
      );
    }
    if (e.name && MALFORMED.has(e.name)) throw new PatchError(`invalid JSON patch: ${describeJsonPatchError(e)}`, 400);
    throw new PatchError(`the JSON patch cannot be applied: ${describeJsonPatchError(e)}`, 422);
  }
}

function describeJsonPatchError(e: { message?: string; operation?: { op?: string; path?: string } }): string {
  // fast-json-patch messages carry a multi-line dump of the operation and tree: keep the first line.
  const first = String(e.message ?? 'error')
    .split('\n')[0]!
    .trim();
  const op = e.operation?.op ? ` (op "${e.operation.op}" at "${e.operation.path ?? ''}")` : '';
  return `${first}${op}`;
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch

type ListStrategy = { kind: 'replace' } | { kind: 'mergeKey'; key: string } | { kind: 'primitiveSet' };

const REPLACE: ListStrategy = { kind: 'replace' };

// patchStrategy:"merge" lists of the built-in types the sandbox serves, by field name; `path` is
// the chain of field names from the root (list indexes omitted) for the names that are ambiguous.
function listStrategy(path: string[]): ListStrategy {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return { kind: 'mergeKey', key: 'name' };
    case 'ports':
      if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers')
        return { kind: 'mergeKey', key: 'containerPort' };
      if (parent === 'spec') return { kind: 'mergeKey', key: 'port' }; // Service
      return REPLACE;
    case 'volumeMounts':
      return { kind: 'mergeKey', key: 'mountPath' };
    case 'volumeDevices':
      return { kind: 'mergeKey', key: 'devicePath' };
    case 'conditions':
      return { kind: 'mergeKey', key: 'type' };
    case 'ownerReferences':
      return { kind: 'mergeKey', key: 'uid' };
    case 'hostAliases':
    case 'podIPs':
    case 'hostIPs':
      return { kind: 'mergeKey', key: 'ip' };
    case 'topologySpreadConstraints':
      return { kind: 'mergeKey', key: 'topologyKey' };
    case 'finalizers':
      return parent === 'metadata' ? { kind: 'primitiveSet' } : REPLACE;
    default:
      // tolerations, command, args, envFrom, matchExpressions…: atomic lists, replaced whole.
      return REPLACE;
  }
}

const PATCH_DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

function isDirective(key: string): boolean {
  return key.startsWith('$');
}

/** Merges a patch map into an original map; undefined means "delete this map". */
function mergeMap(original: JsonMap, patch: JsonMap, path: string[]): JsonMap | undefined {
  const directive = patch[PATCH_DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return stripDirectives(patch, path) as JsonMap;
    if (directive !== 'merge') throw new PatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`, 422);
  }
  let out: JsonMap = { ...original };

  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain) || retain.some((k) => typeof k !== 'string')) {
      throw new PatchError(`invalid $retainKeys: ${JSON.stringify(retain)}`, 422);
    }
    for (const [key, value] of Object.entries(patch)) {
      // kubectl sends `field: null` next to $retainKeys for a field it drops: only set fields must be listed.
      if (!isDirective(key) && value !== null && !retain.includes(key)) {
        throw new PatchError(`each key in the patch must be listed in $retainKeys: ${key} is not in ${JSON.stringify(retain)}`, 422);
      }
    }
    // Fields the patch does not retain are cleared from the original (used for unions such as
    // Deployment.spec.strategy: switching to Recreate must drop rollingUpdate).
    out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  }

  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE)) continue;
    const field = key.slice(DELETE_FROM_PRIMITIVE.length);
    if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`, 422);
    const current = out[field];
    if (Array.isArray(current)) out[field] = current.filter((item) => !value.some((v) => deepEqual(v, item)));
  }

  for (const [key, value] of Object.entries(patch)) {
    if (isDirective(key)) continue;
    const childPath = [...path, key];
    if (value === null) {
      delete out[key];
    } else if (isObject(value)) {
      const merged = mergeMap(isObject(out[key]) ? (out[key] as JsonMap) : {}, value, childPath);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      out[key] = mergeList(Array.isArray(out[key]) ? (out[key] as Json[]) : [], value, childPath);
    } else {
      out[key] = value;
    }
  }

  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(order)) throw new PatchError(`${key} must be a list`, 422);
    const current = out[field];
    if (Array.isArray(current)) out[field] = applyElementOrder(current, order, listStrategy([...path, field]));
  }
  return clone(out);
}

/** Merges a patch list into an original list according to the field's strategy. */
function mergeList(original: Json[], patch: Json[], path: string[]): Json[] {
  const strategy = listStrategy(path);
  if (strategy.kind === 'replace') {
    return patch
      .filter((item) => !(isObject(item) && item[PATCH_DIRECTIVE] !== undefined && Object.keys(item).length === 1))
      .map((item) => stripDirectives(item, path));
  }
  if (strategy.kind === 'primitiveSet') {
    if (patch.some((item) => isObject(item) && item[PATCH_DIRECTIVE] === 'replace')) {
      return patch.filter((item) => !isObject(item));
    }
    const out = [...original];
    for (const item of patch) if (!isObject(item) && !out.some((o) => deepEqual(o, item))) out.push(item);
    return out;
  }
  const { key } = strategy;
  // `{"$patch": "replace"}` as a list element: the rest of the patch list replaces the original.
  if (patch.some((item) => isObject(item) && item[PATCH_DIRECTIVE] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item[PATCH_DIRECTIVE] === 'replace')).map((item) => stripDirectives(item, path));
  }
  let out: Json[] = [...original];
  for (const item of patch) {
    if (!isObject(item)) {
      throw new PatchError(
        `strategic merge patch: the list ${path.join('.')} is merged by "${key}" and cannot hold ${JSON.stringify(item)}`,
        422,
      );
    }
    if (!(key in item)) {
      throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`, 422);
    }
    const index = out.findIndex((o) => isObject(o) && deepEqual(o[key], item[key]));
    if (item[PATCH_DIRECTIVE] === 'delete') {
      if (index >= 0) out = out.filter((_, i) => i !== index);
      continue;
    }
    if (index >= 0) {
      const merged = mergeMap(out[index] as JsonMap, item, path);
      out = merged === undefined ? out.filter((_, i) => i !== index) : out.map((o, i) => (i === index ? merged : o));
    } else {
      const created = mergeMap({}, item, path);
      if (created !== undefined) out.push(created);
    }
  }
  return out;
}

/**
 * Orders a merged list as `$setElementOrder` says: listed elements in the given order, in the
 * positions the listed elements occupy; elements only the server knows keep their relative place.
 */
function applyElementOrder(list: Json[], order: Json[], strategy: ListStrategy): Json[] {
  const identity = (item: Json): Json => (strategy.kind === 'mergeKey' && isObject(item) ? item[strategy.key] : item);
  const wanted = order.map(identity);
  const rank = (item: Json): number => wanted.findIndex((w) => deepEqual(w, identity(item)));
  const listed = list.filter((item) => rank(item) >= 0).sort((a, b) => rank(a) - rank(b));
  let next = 0;
  return list.map((item) => (rank(item) >= 0 ? listed[next++]! : item));
}

/** A patch value with its directives removed, for values that do not merge into anything. */
function stripDirectives(value: Json, path: string[]): Json {
  if (Array.isArray(value)) {
    return value
      .filter((item) => !(isObject(item) && item[PATCH_DIRECTIVE] !== undefined && Object.keys(item).length === 1))
      .map((item) => stripDirectives(item, path));
  }
  if (!isObject(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (isDirective(k) || v === null) continue;
    out[k] = stripDirectives(v, [...path, k]);
  }
  return out;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a as JsonMap);
  const kb = Object.keys(b as JsonMap);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as JsonMap)[k], (b as JsonMap)[k]));
}
