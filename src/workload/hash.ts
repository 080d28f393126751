// Pod template hashing, shared by the sandbox's Deployment controller and the rollout
// controller so that both name the same ReplicaSet for the same template.
import type { PodTemplate } from './types.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

// Kubernetes' rand.SafeEncodeString alphabet: no vowels, no confusable characters.
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so equal objects give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The template without its pod-template-hash label: what "same template" compares. */
function templateWithoutHash(template: PodTemplate): PodTemplate {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * This project's pod-template-hash of a template: what the sandbox's Deployment controller and the
 * rollout controller label a ReplicaSet they create with. It is NOT Kubernetes' ComputeHash (fnv32a
 * over Go's struct dump of the defaulted PodTemplateSpec, which depends on the Kubernetes version):
 * a revision is therefore always read from a ReplicaSet's label, never compared with this
 * (docs/controller.md §7). `salt` makes a different hash function (a test's "other cluster").
 */
export function podTemplateHash(template: PodTemplate, salt = ''): string {
  const digits = String(fnv1a32(salt + canonicalJson(templateWithoutHash(template))));
  let out = '';
  for (const ch of digits) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/** Drops nulls and empty lists, which Go's semantic equality does not tell from absent fields. */
function semantic(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(semantic);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = semantic(v);
    }
    return out;
  }
  return value;
}

/**
 * Whether two templates are the same, ignoring the pod-template-hash label (upstream's
 * EqualIgnoreHash, a semantic equality: a null or empty list equals an absent one).
 */
export function sameTemplate(a: PodTemplate, b: PodTemplate): boolean {
  return canonicalJson(semantic(templateWithoutHash(a))) === canonicalJson(semantic(templateWithoutHash(b)));
}
