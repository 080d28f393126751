// Errors of the HTTP layer. Each carries an `exitCode` so the CLI entry point maps it without
// src/kube importing anything from src/cli; each message is one line, ready to print.
import type { StatusObject } from './types.js';

/** Base of every error raised by src/kube: a one-line message and an exit code. */
class KubeError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

/** The reason kubectl shows for a status code when the server sent none. */
const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** client-go's wording for an error response that carried no Status message. */
const MESSAGE_BY_CODE: Record<number, string> = {
  400: 'the server rejected our request for an unknown reason',
  401: 'the server has asked for the client to provide credentials',
  403: 'the server does not allow access to the requested resource',
  404: 'the server could not find the requested resource',
  405: 'the server does not allow this method on the requested resource',
  406: 'the server was unable to respond with a content type that the client supports',
  409: 'the server reported a conflict',
  410: 'the requested resource version is too old',
  415: 'the server was unable to handle the content type of the request',
  422: 'the server rejected our request due to an error in our request',
  429: 'the server has received too many requests and has asked us to try again later',
  503: 'the server is currently unable to handle the request',
  504: 'the server was unable to return a response in the time allotted, but may still be processing the request',
};

/** The reason for a status code (kubectl's `Error from server (Reason)`). */
export function reasonForCode(code: number): string {
  return REASON_BY_CODE[code] ?? (code >= 500 ? 'InternalError' : 'Unknown');
}

/** A Status for an error response whose body was not one (e.g. `404 page not found`). */
export function genericStatus(code: number, body?: string): StatusObject {
  const message =
    MESSAGE_BY_CODE[code] ??
    (code >= 500
      ? `an error on the server (${JSON.stringify((body ?? '').trim().slice(0, 200) || 'unknown')}) has prevented the request from succeeding`
      : `unknown (HTTP ${code})`);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: reasonForCode(code), code };
}

/** The server answered with an error Status: printed as kubectl does, `Error from server (NotFound): …`. */
export class ApiError extends KubeError {
  readonly code: number;
  readonly reason: string;
  /** True when the body was not a Status (e.g. a plain-text 404 for an API group the server lacks). */
  readonly synthetic: boolean;
  constructor(
    readonly status: StatusObject,
    readonly request: { method: string; path: string } = { method: '', path: '' },
    synthetic = false,
  ) {
    const reason = status.reason || reasonForCode(status.code);
    const message = oneLine(status.message || genericStatus(status.code).message);
    // kubectl's wording (StandardErrorMessage): a 401 is about the client's credentials, not a server fault.
    super(
      reason === 'Unauthorized' ? `error: You must be logged in to the server (${message})` : `Error from server (${reason}): ${message}`,
    );
    this.name = 'ApiError';
    this.code = status.code;
    this.reason = reason;
    this.synthetic = synthetic;
  }
  /** Seconds the server asked us to wait (429/503), if it said. */
  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }
}

/** What went wrong below the API: no answer, a dropped connection, or an unreadable answer. */
type TransportFailure = 'refused' | 'reset' | 'timeout' | 'invalid' | 'non-json' | 'tls' | 'dns' | 'aborted' | 'other';

/** The request got no usable answer. `retryable` says whether repeating a read may help. */
export class TransportError extends KubeError {
  constructor(
    message: string,
    readonly failure: TransportFailure,
    readonly retryable = false,
  ) {
    // An interrupted request ends the command like Ctrl-C does (130), everything else is 1.
    super(message, failure === 'aborted' ? 130 : 1);
    this.name = 'TransportError';
  }
}

/** kubeconfig, flags or credentials are unusable; nothing was sent. */
export class ConfigError extends KubeError {
  constructor(message: string, exitCode = 1) {
    super(message, exitCode);
    this.name = 'ConfigError';
  }
}

/** 404 Not Found. */
export function isNotFound(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 404;
}

/** 409 Conflict: a stale resourceVersion (or an AlreadyExists on create). */
export function isConflict(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 409 && err.reason !== 'AlreadyExists';
}

/** 410 Gone / Expired: a watch or list from a resourceVersion the server no longer has. */
export function isGone(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 410;
}

/** 404 for the object itself (a Status naming it), as opposed to a route/API version the server lacks. */
export function isObjectNotFound(err: unknown, name: string): err is ApiError {
  return (
    isNotFound(err) && !err.synthetic && (err.status.details?.name === name || (err.status.message ?? '').includes(`"${name}" not found`))
  );
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
