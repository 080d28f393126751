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
const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

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

/** A ConfigMap whose one value is `bytes` long. */
export function configMapJson(name: string, bytes: number): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { big: 'x'.repeat(bytes) } });
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
const MiB = 1024 * 1024;

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

/** Limits as a real API server has them (item 7). */
const limits: RequestCase[] = [
  {
    name: 'a 50 MB body is 413 (not a reset connection)',
    request: () => ({
      method: 'POST',
      path: CONFIGMAPS,
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(50 * 1000 * 1000, 0x20),
    }),
    code: 413,
    message: /^Request entity too large: limit is 3145728$/,
  },
  {
    name: 'a 4 MiB chunked body (no Content-Length) is 413',
    request: () => ({
      method: 'POST',
      path: CONFIGMAPS,
      headers: { 'content-type': 'application/json' },
      body: function* () {
        for (let i = 0; i < 64; i++) yield Buffer.alloc(64 * 1024, 0x20);
      },
    }),
    code: 413,
    message: /^Request entity too large: limit is 3145728$/,
  },
  {
    name: 'an object over 1.5 MiB (in a body under 3 MiB) is 413 and not stored',
    request: () => ({
      method: 'POST',
      path: CONFIGMAPS,
      headers: { 'content-type': 'application/json' },
      body: configMapJson('huge', 2 * MiB),
    }),
    code: 413,
    message: /request is too large/,
    absent: { resource: 'configmaps', namespace: 'default', name: 'huge' },
  },
  {
    name: 'a patch that grows an object over 1.5 MiB is 413',
    request: () => ({
      method: 'PATCH',
      path: `${DEPLOYMENTS}/web`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { annotations: { big: 'x'.repeat(2 * MiB) } } }),
    }),
    code: 413,
    message: /request is too large/,
  },
  {
    name: 'a 200,000-deep JSON body is 400',
    request: () => ({
      method: 'POST',
      path: CONFIGMAPS,
      headers: { 'content-type': 'application/json' },
      body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
    }),
    code: 400,
    message: /exceeded max depth/,
  },
  {
    name: 'a 200,000-deep JSON patch is 400',
    request: () => ({
      method: 'PATCH',
      path: `${DEPLOYMENTS}/web`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: `{"metadata":{"annotations":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}}`,
    }),
    code: 400,
    message: /exceeded max depth/,
  },
  {
    name: 'a 20,000-deep YAML body is 400',
    request: () => ({
      method: 'POST',
      path: CONFIGMAPS,
      headers: { 'content-type': 'application/yaml' },
      body: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deepyaml}\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    }),
    code: 400,
  },
  {
    name: 'a malformed % escape in the path is 400',
    request: () => ({ method: 'GET', path: '/api/v1/namespaces/%zz/configmaps' }),
    code: 400,
  },
  {
    name: 'a truncated UTF-8 % escape in the path is 400',
    request: () => ({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/%E0%A4%A' }),
    code: 400,
  },
  {
    name: 'an unknown fieldSelector field is 400',
    request: () => ({ method: 'GET', path: `${DEPLOYMENTS}?fieldSelector=spec.replicas%3D3` }),
    code: 400,
    message: /^field label not supported: spec\.replicas$/,
  },
  {
    name: 'an unknown fieldSelector field on a watch is 400',
    request: () => ({ method: 'GET', path: `${DEPLOYMENTS}?watch=true&fieldSelector=status.phase%3DRunning` }),
    code: 400,
    message: /^field label not supported: status\.phase$/,
  },
  {
    name: 'an unknown fieldSelector field on a Rollout (a CRD: metadata only) is 400',
    request: () => ({ method: 'GET', path: '/apis/rollouts.kruise.io/v1beta1/rollouts?fieldSelector=status.phase%3DHealthy' }),
    code: 400,
    message: /^field label not supported: status\.phase$/,
  },
  {
    name: 'status.phase and spec.nodeName are pod field labels',
    request: () => ({ method: 'GET', path: '/api/v1/pods?fieldSelector=status.phase%3DRunning,spec.nodeName%3Dn1' }),
    code: 200,
  },
  {
    name: "kubectl describe's event selector is served",
    request: () => ({
      method: 'GET',
      path: '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb,involvedObject.namespace%3Ddefault,involvedObject.kind%3DDeployment,involvedObject.uid%3Dx',
    }),
    code: 200,
  },
  {
    name: 'metadata.namespace is a field label of every kind',
    request: () => ({ method: 'GET', path: `/apis/apps/v1/deployments?fieldSelector=metadata.namespace%3Ddefault` }),
    code: 200,
  },
];

export const REQUEST_CASES: RequestCase[] = [...crossSite, ...limits];

/** The token the `sandbox --require-token` rows run against (TOKEN_REQUEST_CASES). */
export const CORPUS_TOKEN = 'corpus-token-0123456789abcdefghijklmnopqrstuv';
const UNAUTHORIZED = /^Unauthorized$/;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Requests to a sandbox that requires CORPUS_TOKEN (`--require-token`): 401 as kube-apiserver answers. */
export const TOKEN_REQUEST_CASES: RequestCase[] = [
  {
    name: 'a list without credentials is 401',
    request: () => ({ method: 'GET', path: DEPLOYMENTS }),
    code: 401,
    message: UNAUTHORIZED,
  },
  {
    name: 'a create without credentials is 401 and stores nothing',
    request: post('tk-none', { 'content-type': 'application/json' }),
    code: 401,
    message: UNAUTHORIZED,
    absent: gone('tk-none'),
  },
  {
    name: 'a create with a wrong token is 401 and stores nothing',
    request: post('tk-wrong', { 'content-type': 'application/json', ...bearer(`${CORPUS_TOKEN.slice(0, -1)}w`) }),
    code: 401,
    message: UNAUTHORIZED,
    absent: gone('tk-wrong'),
  },
  {
    name: 'the token as a prefix of a longer one is 401',
    request: post('tk-longer', { 'content-type': 'application/json', ...bearer(`${CORPUS_TOKEN}x`) }),
    code: 401,
    message: UNAUTHORIZED,
    absent: gone('tk-longer'),
  },
  {
    name: 'the token under Basic auth is 401 (only Bearer is read)',
    request: post('tk-basic', {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`admin:${CORPUS_TOKEN}`).toString('base64')}`,
    }),
    code: 401,
    message: UNAUTHORIZED,
    absent: gone('tk-basic'),
  },
  {
    name: 'the token in the query string is 401 (only the header is read)',
    request: () => ({ method: 'GET', path: `${DEPLOYMENTS}?access_token=${CORPUS_TOKEN}` }),
    code: 401,
    message: UNAUTHORIZED,
  },
  {
    name: 'the token is served, whatever the case of "Bearer"',
    request: post('tk-right', { 'content-type': 'application/json', authorization: `bEaReR ${CORPUS_TOKEN}` }),
    code: 201,
    present: there('tk-right'),
  },
  {
    name: 'GET /version without credentials is served (system:public-info-viewer)',
    request: () => ({ method: 'GET', path: '/version' }),
    code: 200,
  },
  {
    name: 'GET /healthz with a wrong token is 401 (bad credentials never fall back to anonymous)',
    request: () => ({ method: 'GET', path: '/healthz', headers: bearer('wrong') }),
    code: 401,
    message: UNAUTHORIZED,
  },
  {
    name: 'a web page with the token is still 403 (the Origin check comes first)',
    request: post('tk-origin', { 'content-type': 'application/json', origin: 'http://evil.example', ...bearer(CORPUS_TOKEN) }),
    code: 403,
    absent: gone('tk-origin'),
  },
  {
    name: 'a rebinding Host with the token is still 403',
    request: () => ({ method: 'GET', path: DEPLOYMENTS, headers: { host: 'evil.example', ...bearer(CORPUS_TOKEN) } }),
    code: 403,
  },
];
