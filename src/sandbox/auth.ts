// `sandbox --require-token`: one bearer token, checked the way kube-apiserver's authentication filter
// checks one (docs/sandbox-token.md).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { StatusObject } from '../kube/types.js';
import { statusFailure } from './errors.js';

/** A new token: 32 random bytes, base64url (43 characters), as a kubeconfig carries it. */
export function newSandboxToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The paths kube-apiserver's default RBAC (ClusterRole system:public-info-viewer, bound to
 * system:unauthenticated) lets a request without credentials GET.
 */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

/** kube-apiserver's answer to a request it cannot authenticate. */
export const UNAUTHORIZED: StatusObject = statusFailure(401, 'Unauthorized', 'Unauthorized');

/** The token of an `Authorization: Bearer <token>` header, or undefined (no bearer credentials). */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // As kube-apiserver's bearer-token authenticator: scheme case-insensitive, one space, non-empty token.
  const parts = header.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') return undefined;
  return parts[1];
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Checks each request against `token`: the right bearer token is served; a wrong one is 401
 * everywhere (invalid credentials never fall back to anonymous); no bearer token is served only
 * on the public paths (GET/HEAD), else 401.
 */
export class TokenGate {
  private readonly want: Buffer;
  constructor(token: string) {
    this.want = digest(token);
  }

  /** The 401 Status for a request that may not pass, or undefined. */
  check(req: IncomingMessage, method: string, path: string): StatusObject | undefined {
    const got = bearerToken(req.headers.authorization);
    if (got === undefined) return (method === 'GET' || method === 'HEAD') && PUBLIC_PATHS.has(path) ? undefined : UNAUTHORIZED;
    // Equal-length digests: the comparison time says nothing about the token, not even its length.
    return timingSafeEqual(digest(got), this.want) ? undefined : UNAUTHORIZED;
  }
}
