// A custom resource against its CRD's structural schema (openAPIV3Schema), as kube-apiserver
// treats it: defaults filled in, unknown fields pruned, then validated, with apiextensions'
// field paths and wording ("spec.replicas: Invalid value: 200: spec.replicas in body should be
// less than or equal to 100"). Pure.
//
// Why not a JSON Schema library (ajv): kube-apiserver's answer is three steps ajv does not do
// as Kubernetes does — defaulting only where the parent exists, pruning of unknown fields
// (with x-kubernetes-preserve-unknown-fields, int-or-string and embedded resources), and
// errors worded and pathed as kubectl shows them. The validation keywords a structural schema
// may use are few; walking them here is shorter than translating another library's output.

/** The part of an OpenAPI v3 schema a structural CRD schema uses. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  description?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/** One validation error: the field path and what is wrong, as a StatusCause carries them. */
export interface FieldError {
  field: string;
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueTooMany' | 'FieldValueTooLong';
  message: string;
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's %v-like rendering of a value in a message: strings quoted, numbers bare. */
function show(v: Json): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  return Array.isArray(v) ? `[]interface {}{...}` : `map[string]interface {}{...}`;
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Fills in defaults of absent properties (only where the parent object exists). Returns a new value. */
export function applySchemaDefaults(value: Json, schema: StructuralSchema | undefined): Json {
  if (!schema) return value;
  if (Array.isArray(value)) return schema.items ? value.map((v) => applySchemaDefaults(v, schema.items)) : value;
  if (!isObject(value)) return value;
  const out: Record<string, Json> = { ...value };
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && sub.default !== undefined) out[key] = structuredClone(sub.default);
    if (out[key] !== undefined) out[key] = applySchemaDefaults(out[key], sub);
  }
  if (isObject(schema.additionalProperties)) {
    for (const key of Object.keys(out))
      if (!schema.properties?.[key]) out[key] = applySchemaDefaults(out[key], schema.additionalProperties);
  }
  return out;
}

/** Drops fields the schema does not know (unless it preserves unknown fields). Returns a new value. */
export function pruneUnknown(value: Json, schema: StructuralSchema | undefined, root = false): Json {
  if (!schema) return value;
  if (Array.isArray(value)) return schema.items ? value.map((v) => pruneUnknown(v, schema.items)) : value;
  if (!isObject(value) || schema['x-kubernetes-int-or-string']) return value;
  const keep = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = schema.properties?.[key];
    const meta = (root || schema['x-kubernetes-embedded-resource']) && (key === 'apiVersion' || key === 'kind' || key === 'metadata');
    if (meta) out[key] = v;
    else if (sub) out[key] = pruneUnknown(v, sub);
    else if (isObject(schema.additionalProperties)) out[key] = pruneUnknown(v, schema.additionalProperties);
    else if (keep || schema.additionalProperties === true) out[key] = v;
  }
  return out;
}

/** Every violation of the schema, in document order (metadata is checked elsewhere). */
export function validateAgainstSchema(value: Json, schema: StructuralSchema | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (schema) walk(value, schema, '', errors, true);
  return errors;
}

function walk(value: Json, s: StructuralSchema, path: string, errors: FieldError[], root = false): void {
  const at = path || '<root>';
  const invalid = (message: string): void => {
    errors.push({ field: at, reason: 'FieldValueInvalid', message: `Invalid value: ${show(value)}: ${message}` });
  };
  if (value === null) {
    if (!s.nullable && s.type) invalid(`${at} in body must be of type ${s.type}: "null"`);
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
      invalid(`${at} in body must be of type integer,string: ${JSON.stringify(typeOf(value))}`);
    }
    return;
  }
  const actual = typeOf(value);
  if (s.type && !(s.type === actual || (s.type === 'number' && actual === 'integer'))) {
    invalid(`${at} in body must be of type ${s.type}: ${JSON.stringify(actual)}`);
    return;
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push({
      field: at,
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${show(value)}: supported values: ${s.enum.map((e) => show(e)).join(', ')}`,
    });
  }
  if (typeof value === 'number') {
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum)) {
      invalid(`${at} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}`);
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum)) {
      invalid(`${at} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}`);
    }
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (s.maxLength !== undefined && length > s.maxLength) {
      errors.push({ field: at, reason: 'FieldValueTooLong', message: `Too long: may not be longer than ${s.maxLength}` });
    }
    if (s.minLength !== undefined && length < s.minLength) invalid(`${at} in body should be at least ${s.minLength} chars long`);
    if (s.pattern !== undefined && safeRegExp(s.pattern)?.test(value) === false) invalid(`${at} in body should match '${s.pattern}'`);
  }
  if (Array.isArray(value)) {
    if (s.maxItems !== undefined && value.length > s.maxItems) {
      errors.push({ field: at, reason: 'FieldValueTooMany', message: `Too many: ${value.length}: must have at most ${s.maxItems} items` });
    }
    if (s.minItems !== undefined && value.length < s.minItems) invalid(`${at} in body should have at least ${s.minItems} items`);
    if (s.items) for (const [i, v] of value.entries()) walk(v, s.items, `${path}[${i}]`, errors);
    return;
  }
  if (!isObject(value)) return;
  const count = Object.keys(value).length;
  if (s.maxProperties !== undefined && count > s.maxProperties) {
    errors.push({ field: at, reason: 'FieldValueTooMany', message: `Too many: ${count}: must have at most ${s.maxProperties} items` });
  }
  if (s.minProperties !== undefined && count < s.minProperties) invalid(`${at} in body should have at least ${s.minProperties} properties`);
  for (const req of s.required ?? []) {
    if (value[req] === undefined) errors.push({ field: join(path, req), reason: 'FieldValueRequired', message: 'Required value' });
  }
  for (const [key, v] of Object.entries(value)) {
    if (root && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    const sub = s.properties?.[key] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub) walk(v, sub, join(path, key), errors);
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const patterns = new Map<string, RegExp | undefined>();

/** The pattern as a RegExp (ECMA 262, as the OpenAPI spec says), or undefined when it does not compile. */
function safeRegExp(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) {
    try {
      patterns.set(pattern, new RegExp(pattern, 'u'));
    } catch {
      patterns.set(pattern, undefined);
    }
  }
  return patterns.get(pattern);
}
