// API errors as metav1.Status objects, with Kubernetes' reasons and wording.

import { reasonForCode } from '../kube/errors.js';
import type { StatusObject } from '../kube/types.js';
import { qualifiedKind, qualifiedName, type SandboxResource } from './resources.js';

/** A request the sandbox refuses: the HTTP layer answers with this Status body and code. */
export class StatusError extends Error {
  constructor(readonly status: StatusObject) {
    super(status.message);
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

/** A Failure Status with the given code, message and (default) reason. */
export function statusFailure(code: number, message: string, reason?: string, details?: StatusObject['details']): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: reason ?? reasonForCode(code),
    ...(details ? { details } : {}),
    code,
  };
}

function details(r: SandboxResource, name?: string): StatusObject['details'] {
  return { ...(name !== undefined ? { name } : {}), group: r.group, kind: r.plural };
}

/** 404 `deployments.apps "x" not found`. */
export function notFound(r: SandboxResource, name: string): StatusError {
  return new StatusError(statusFailure(404, `${qualifiedName(r)} "${name}" not found`, 'NotFound', details(r, name)));
}

/** 403 for a create in a namespace being deleted (kube-apiserver's NamespaceLifecycle admission). */
export function namespaceTerminating(r: SandboxResource, name: string, namespace: string): StatusError {
  return new StatusError(
    statusFailure(
      403,
      `${qualifiedName(r)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      'Forbidden',
      {
        ...details(r, name),
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      },
    ),
  );
}

/** 409 AlreadyExists. */
export function alreadyExists(r: SandboxResource, name: string): StatusError {
  return new StatusError(statusFailure(409, `${qualifiedName(r)} "${name}" already exists`, 'AlreadyExists', details(r, name)));
}

/** 409 Conflict on a stale resourceVersion. */
export function conflict(r: SandboxResource, name: string): StatusError {
  return new StatusError(
    statusFailure(
      409,
      `Operation cannot be fulfilled on ${qualifiedName(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      'Conflict',
      details(r, name),
    ),
  );
}

/** 422 Invalid: `Deployment.apps "x" is invalid: field: message`. */
export function invalid(r: SandboxResource, name: string, field: string, message: string): StatusError {
  const text = field ? `${field}: ${message}` : message;
  return new StatusError(
    statusFailure(422, `${qualifiedKind(r)} "${name}" is invalid: ${text}`, 'Invalid', {
      name,
      group: r.group,
      kind: r.kind,
      causes: [{ reason: 'FieldValueInvalid', message, field }],
    }),
  );
}

/**
 * 422 Invalid with every violation, as kube-apiserver lists them: one is `Kind.group "x" is
 * invalid: field: message`, several are `… is invalid: [field: message, field: message]`.
 */
export function invalidFields(r: SandboxResource, name: string, errors: { field: string; reason: string; message: string }[]): StatusError {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const text = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(
    statusFailure(422, `${qualifiedKind(r)} "${name}" is invalid: ${text}`, 'Invalid', {
      name,
      group: r.group,
      kind: r.kind,
      causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
    }),
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return new StatusError(statusFailure(400, message, 'BadRequest'));
}

/** 404 for a route the sandbox does not serve. */
export function routeNotFound(): StatusError {
  return new StatusError(statusFailure(404, 'the server could not find the requested resource', 'NotFound', {}));
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(method: string): StatusError {
  return new StatusError(
    statusFailure(405, `the server does not allow this method on the requested resource (${method})`, 'MethodNotAllowed', {}),
  );
}

/** 410 Gone for a watch from a resourceVersion older than the history. */
export function tooOld(requested: string, oldest: number): StatusObject {
  return statusFailure(410, `too old resource version: ${requested} (${oldest})`, 'Expired');
}
