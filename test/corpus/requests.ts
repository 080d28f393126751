// The hostile-request corpus (issue 12, items 6–7): one row per raw HTTP request a browser page, a
// DNS-rebinding attacker or a careless client can send the sandbox, with the answer a real API
// server gives. requests.test.ts sends each row over real HTTP (node:http, so Host, Origin and
// odd paths go out as written) and checks the code, the Status and that nothing was stored.

/** One request as it goes on the wire. */
export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A string, bytes, or a generator of chunks (sent chunked, without Content-Length). */
  body?: string | Buffer | (() => Iterable<Buffer>);
}

/** One row. */
export interface RequestCase {
  name: string;
  /** `port` is the sandbox's: Host headers that name it. */
  request: (port: number) => RawRequest;
  /** The HTTP code; a Status body with this code comes with every error. */
  code: number;
  /** The Status message (errors) or nothing. */
  message?: RegExp;
  /** The object the request would create must not exist afterwards. */
  absent?: { resource: string; namespace?: string; name: string };
  /** The object must exist afterwards (the request was served). */
  present?: { resource: string; namespace?: string; name: string };
}

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

/** A Deployment body as JSON text. */
export function deploymentJson(name: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
}

const post =
  (name: string, headers: Record<string, string>, body = deploymentJson(name)) =>
  () => ({
    method: 'POST',
    path: DEPLOYMENTS,
    headers,
    body,
  });
const gone = (name: string) => ({ resource: 'deployments', namespace: 'default', name });
const there = gone;
const UNKNOWN_FORMAT = /^the body of the request was in an unknown format - accepted media types include: application\/json/;

/** Cross-site writes and foreign Host headers (item 6). */
const crossSite: RequestCase[] = [
  {
    name: 'text/plain body (a browser form or fetch without preflight) is 415',
    request: post('cs-plain', { 'content-type': 'text/plain;charset=UTF-8' }),
    code: 415,
    message: UNKNOWN_FORMAT,
    absent: gone('cs-plain'),
  },
  {
    name: 'urlencoded form body is 415',
    request: post('cs-form', { 'content-type': 'application/x-www-form-urlencoded' }),
    code: 415,
    message: UNKNOWN_FORMAT,
    absent: gone('cs-form'),
  },
  {
    name: 'multipart form body is 415',
    request: post('cs-multipart', { 'content-type': 'multipart/form-data; boundary=x' }),
    code: 415,
    message: UNKNOWN_FORMAT,
    absent: gone('cs-multipart'),
  },
  {
    name: 'text/yaml (not a type the API server decodes) is 415',
    request: post('cs-textyaml', { 'content-type': 'text/yaml' }),
    code: 415,
    absent: gone('cs-textyaml'),
  },
  {
    name: 'PUT with text/plain is 415',
    request: () => ({ method: 'PUT', path: `${DEPLOYMENTS}/web`, headers: { 'content-type': 'text/plain' }, body: deploymentJson('web') }),
    code: 415,
    message: UNKNOWN_FORMAT,
  },
  {
    name: 'DELETE with a text/plain body is 415',
    request: () => ({ method: 'DELETE', path: `${DEPLOYMENTS}/web`, headers: { 'content-type': 'text/plain' }, body: '{}' }),
    code: 415,
    present: there('web'),
  },
  {
    name: 'a body without Content-Type is JSON, as kube-apiserver decodes it',
    request: post('cs-untyped', {}),
    code: 201,
    present: there('cs-untyped'),
  },
  {
    name: 'application/json; charset=utf-8 is JSON',
    request: post('cs-charset', { 'content-type': 'application/json; charset=utf-8' }),
    code: 201,
    present: there('cs-charset'),
  },
  {
    name: 'a browser Origin on a JSON POST is 403',
    request: post('cs-origin', { 'content-type': 'application/json', origin: 'http://evil.example' }),
    code: 403,
    message: /^origin "http:\/\/evil\.example" is not allowed/,
    absent: gone('cs-origin'),
  },
  {
    name: 'a browser Origin on an untyped POST (fetch with a Blob, no preflight) is 403',
    request: post('cs-origin-blob', { origin: 'http://evil.example' }),
    code: 403,
    absent: gone('cs-origin-blob'),
  },
  {
    name: 'Origin: null (sandboxed iframe, file://) is 403',
    request: post('cs-origin-null', { 'content-type': 'application/json', origin: 'null' }),
    code: 403,
    absent: gone('cs-origin-null'),
  },
  {
    name: 'a browser Origin on a GET is 403',
    request: () => ({ method: 'GET', path: DEPLOYMENTS, headers: { origin: 'http://evil.example' } }),
    code: 403,
  },
  {
    name: 'a foreign Host (DNS rebinding) on a GET is 403',
    request: (port) => ({ method: 'GET', path: DEPLOYMENTS, headers: { host: `evil.example:${port}` } }),
    code: 403,
    message: /^host "evil\.example:\d+" is not this sandbox/,
  },
  {
    name: 'a foreign Host on a POST is 403',
    request: (port) => post('cs-host', { 'content-type': 'application/json', host: `rebind.evil.example:${port}` })(),
    code: 403,
    absent: gone('cs-host'),
  },
  {
    name: 'Host: localhost is served',
    request: (port) => ({ method: 'GET', path: DEPLOYMENTS, headers: { host: `localhost:${port}` } }),
    code: 200,
  },
  {
    name: 'Host: [::1] is served',
    request: (port) => ({ method: 'GET', path: DEPLOYMENTS, headers: { host: `[::1]:${port}` } }),
    code: 200,
  },
  {
    name: 'Host: 127.0.0.1 is served',
    request: (port) => ({ method: 'GET', path: DEPLOYMENTS, headers: { host: `127.0.0.1:${port}` } }),
    code: 200,
  },
];

export const REQUEST_CASES: RequestCase[] = [...crossSite];
