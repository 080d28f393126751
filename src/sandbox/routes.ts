// The HTTP layer: parse a request into (resource, namespace, name, subresource, verb), call the
// API, and format JSON answers and Status errors. Every handler is wrapped: nothing crashes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import type { SandboxApi, Target } from './api.js';
import { badRequest, methodNotAllowed, routeNotFound, StatusError, statusFailure } from './errors.js';
import { OPENAPI_V2_PROTOBUF, openApiV2Json, openApiV2Protobuf, openApiV3GroupVersion, openApiV3Index } from './openapi.js';
import type { PatchType } from './patch.js';
import { decodeProtobufObject, isProtobuf, PROTOBUF_MEDIA_TYPE, ProtobufError } from './protobuf.js';
import { apiGroupDoc, apiGroupListDoc, apiResourceListDoc, apiVersionsDoc, type ResourceRegistry, versionDoc } from './resources.js';
import { checkFieldLabels, type ObjectFilter, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import type { DeleteOptions } from './store.js';
import { type IncludeObject, toTable, wantedTable } from './table.js';
import { serveWatch, type WatchRegistry } from './watch.js';

/** kube-apiserver's MaxRequestBodyBytes. */
const MAX_BODY = 3 * 1024 * 1024;
/** How much of a refused body is read and thrown away so the 413 arrives (past this: the socket is closed). */
const MAX_DRAIN = 128 * 1024 * 1024;
/** The JSON nesting kube-apiserver's decoder allows (sigs.k8s.io/json). */
const MAX_DEPTH = 10_000;

/** What routing needs besides the request. */
interface RouteContext {
  api: SandboxApi;
  watches: WatchRegistry;
  /** host:port for /api's serverAddressByClientCIDRs. */
  address: () => string;
  now: () => Date;
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function tooLarge(): StatusError {
  return new StatusError(statusFailure(413, `Request entity too large: limit is ${MAX_BODY}`, 'RequestEntityTooLarge'));
}

/**
 * Reads the whole body, up to kube-apiserver's 3 MiB. A larger one (by Content-Length or as it
 * arrives) is refused with 413 at once; the rest of it is read and dropped so that the client,
 * still sending, gets the answer instead of a reset connection (up to MAX_DRAIN, then the socket
 * is closed).
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = (): void => {
      refused = true;
      chunks.length = 0;
      reject(tooLarge());
    };
    if (Number(req.headers['content-length']) > MAX_BODY) refuse();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (refused) {
        if (size > MAX_DRAIN) req.socket.destroy();
        return;
      }
      if (size > MAX_BODY) return refuse();
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Throws 400 when JSON text nests deeper than the API server's decoder allows (before parsing it). */
function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) throw badRequest(`couldn't get version/kind; json parse error: exceeded max depth of ${MAX_DEPTH}`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The answer a real API server gives for a body in a format it does not decode for the resource. */
function unsupportedMediaType(detail: string): StatusError {
  return new StatusError(
    statusFailure(
      415,
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE} (${detail})`,
      'UnsupportedMediaType',
    ),
  );
}

/**
 * Decodes a JSON, YAML or (built-in kinds) protobuf body: 400 on malformed input, 415 on any other
 * media type (text/plain, forms: what a web page can send without a CORS preflight) and on what
 * protobuf cannot carry here. No Content-Type is JSON, as kube-apiserver reads it.
 */
function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type !== '' && type !== 'application/json' && type !== 'application/yaml' && !isProtobuf(type)) {
    throw unsupportedMediaType(`got ${type}`);
  }
  if (isProtobuf(type)) {
    try {
      return decodeProtobufObject(body);
    } catch (err) {
      if (!(err instanceof ProtobufError)) throw err;
      if (err.unsupported) throw unsupportedMediaType(err.message);
      throw badRequest(`couldn't decode the protobuf body: ${err.message}`);
    }
  }
  const text = body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty: an object is required');
  if (type === 'application/yaml') {
    try {
      return parseYaml(text, { prettyErrors: false });
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

const PATCH_TYPES: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
};

/** A parsed object route. */
interface ObjectRoute extends Target {
  /** undefined for a collection. */
  name?: string;
}

/** Parses /api/v1/... and /apis/G/V/...: a discovery document, an object route, or undefined (404). */
/** A pod's log, exec, attach or portforward. */
interface NoRuntimeRoute {
  resource: Target['resource'];
  version: string;
  namespace: string;
  name: string;
  subresource: string;
}

/** What a pod offers only with a container runtime behind it. */
const CONTAINER_SUBRESOURCES = ['log', 'exec', 'attach', 'portforward'];

const NO_RUNTIME_WHAT: Record<string, string> = {
  log: 'has no logs',
  exec: 'cannot run commands (exec)',
  attach: 'cannot be attached to',
  portforward: 'cannot forward ports',
};

/**
 * The answer to logs, exec, attach and port-forward: the pod is real, its containers are not.
 * 400 at once (never an upgrade, never a hang), saying why.
 */
function noContainerRuntime(api: SandboxApi, t: NoRuntimeRoute): StatusError {
  api.get({ resource: t.resource, version: t.version, namespace: t.namespace, name: t.name });
  return badRequest(
    `pod "${t.name}" ${NO_RUNTIME_WHAT[t.subresource]}: the kubectl-kruise sandbox stores pods and runs their lifecycle, but has no container runtime (logs, exec, attach and port-forward need a real cluster)`,
  );
}

function parseRoute(
  registry: ResourceRegistry,
  segments: string[],
): { doc: unknown } | { route: ObjectRoute } | { noRuntime: NoRuntimeRoute } | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return undefined; // /api is answered by the caller (needs the address)
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { doc: apiGroupListDoc(registry) };
    if (segments.length === 2) {
      const doc = apiGroupDoc(registry, segments[1]!);
      return doc ? { doc } : undefined;
    }
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else return undefined;
  if (rest.length === 0) {
    const doc = apiResourceListDoc(registry, group, version);
    return doc ? { doc } : undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && registry.find(group, version, rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  const resource = registry.find(group, version, rest[0]!);
  if (!resource) return undefined;
  if (namespace !== undefined && !resource.namespaced) return undefined;
  const sub = rest[2];
  if (sub !== undefined && resource.key === 'pods' && CONTAINER_SUBRESOURCES.includes(sub) && rest[1] && namespace !== undefined) {
    return { noRuntime: { resource, version, namespace, name: rest[1], subresource: sub } };
  }
  if (sub !== undefined && !resource.subresources.includes(sub as 'status' | 'scale')) return undefined;
  return { route: { resource, version, namespace, name: rest[1], subresource: sub as Target['subresource'] } };
}

function filterOf(route: ObjectRoute, q: URLSearchParams): ObjectFilter {
  try {
    return {
      namespace: route.namespace,
      labels: q.get('labelSelector') ? parseLabelSelector(q.get('labelSelector')!) : [],
      fields: q.get('fieldSelector')
        ? checkFieldLabels(route.resource.group, route.resource.plural, parseFieldSelector(q.get('fieldSelector')!))
        : [],
    };
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w !== null && ['true', '1', 'True', 'TRUE', 't', 'T'].includes(w);
}

function deleteOptions(q: URLSearchParams, body: unknown): DeleteOptions {
  const b = (body && typeof body === 'object' ? body : {}) as DeleteOptions & { orphanDependents?: boolean };
  const policy = q.get('propagationPolicy') ?? b.propagationPolicy ?? (b.orphanDependents ? 'Orphan' : undefined);
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return { propagationPolicy: policy as DeleteOptions['propagationPolicy'], preconditions: b.preconditions };
}

/** A %-decoded path segment (400 on a malformed escape, as Go's URL parser refuses it). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`invalid URL escape in the path segment "${segment.slice(0, 200)}"`);
  }
}

/** Handles one API request (after faults). Throws StatusError for the caller to format. */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const q = url.searchParams;
  if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  if (path === '/version') return sendJson(res, 200, versionDoc());
  if (path.startsWith('/openapi/v3') && method === 'GET') {
    const crds = ctx.api.store.list('customresourcedefinitions');
    if (path === '/openapi/v3') return sendJson(res, 200, openApiV3Index(crds));
    const doc = openApiV3GroupVersion(crds, path.slice('/openapi/v3/'.length));
    if (!doc) throw routeNotFound();
    return sendJson(res, 200, doc);
  }
  if (path === '/openapi/v2' && method === 'GET') {
    if ((req.headers.accept ?? '').includes('protobuf')) {
      const body = openApiV2Protobuf();
      res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': body.length });
      res.end(body);
      return;
    }
    return sendJson(res, 200, openApiV2Json());
  }
  if (path === '/api') return sendJson(res, 200, apiVersionsDoc(ctx.address()));
  const segments = path.split('/').filter(Boolean).map(decodeSegment);
  const parsed = parseRoute(ctx.api.store.resources, segments);
  if (!parsed) throw routeNotFound();
  if ('doc' in parsed) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return sendJson(res, 200, parsed.doc);
  }
  if ('noRuntime' in parsed) throw noContainerRuntime(ctx.api, parsed.noRuntime);
  const route = parsed.route;
  const api = ctx.api;
  // kubectl get asks for a Table; everything else (and -o json/yaml) gets plain objects.
  const tableVersion = method === 'GET' && !route.subresource ? wantedTable(req.headers.accept) : undefined;
  const asTable = (objs: KubeObject[], resourceVersion?: string, withColumns = true): unknown =>
    toTable(route.resource, route.version, objs, {
      tableVersion: tableVersion!,
      includeObject: (q.get('includeObject') as IncludeObject | null) ?? 'Metadata',
      now: ctx.now(),
      crd: api.store.get('customresourcedefinitions', undefined, route.resource.crd ?? `${route.resource.plural}.${route.resource.group}`),
      resourceVersion,
      withColumns,
    });
  const dryRun = q.getAll('dryRun').includes('All');
  const write = <T>(fn: () => T): T => (dryRun ? api.store.dryRun(fn) : fn());

  if (route.name === undefined) {
    switch (method) {
      case 'GET': {
        const filter = filterOf(route, q);
        if (isWatch(q)) {
          const timeout = Number(q.get('timeoutSeconds') ?? 0);
          serveWatch(
            res,
            api,
            route,
            filter,
            {
              resourceVersion: q.get('resourceVersion') ?? undefined,
              timeoutSeconds: Number.isFinite(timeout) ? timeout : 0,
              sendInitialEvents: q.get('sendInitialEvents') === 'true',
              present: tableVersion ? (o) => asTable([o]) : undefined,
              // Watchers asking for the same Table version share each event's serialised line.
              presentKey: tableVersion ? `table:${tableVersion}` : undefined,
            },
            ctx.watches,
          );
          return;
        }
        const list = api.list(route, filter);
        return sendJson(res, 200, tableVersion ? asTable(list.items, list.metadata.resourceVersion) : list);
      }
      case 'POST': {
        if (route.resource.namespaced && route.namespace === undefined) throw methodNotAllowed(method);
        const body = decodeBody(await readBody(req), req.headers['content-type']);
        return sendJson(
          res,
          201,
          write(() => api.create(route, body)),
        );
      }
      case 'DELETE': {
        const raw = await readBody(req);
        const body = raw.toString('utf8').trim() ? decodeBody(raw, req.headers['content-type']) : undefined;
        return sendJson(
          res,
          200,
          write(() => api.deleteCollection(route, filterOf(route, q), deleteOptions(q, body))),
        );
      }
      default:
        throw methodNotAllowed(method);
    }
  }
  if (route.resource.namespaced && route.namespace === undefined) throw routeNotFound();
  switch (method) {
    case 'GET': {
      const obj = api.get(route);
      return sendJson(res, 200, tableVersion ? asTable([obj as KubeObject]) : obj);
    }
    case 'PUT': {
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      return sendJson(
        res,
        200,
        write(() => api.update(route, body)),
      );
    }
    case 'PATCH': {
      const type = mediaType(req.headers['content-type']);
      if (type === 'application/apply-patch+yaml') {
        throw new StatusError(
          statusFailure(
            415,
            'server-side apply is not supported by this sandbox; use kubectl apply --server-side=false (client-side apply) or kubectl create/patch',
            'UnsupportedMediaType',
          ),
        );
      }
      const patchType = PATCH_TYPES[type];
      if (!patchType) {
        throw new StatusError(
          statusFailure(
            415,
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
            'UnsupportedMediaType',
          ),
        );
      }
      const patch = decodeBody(await readBody(req), 'application/json');
      return sendJson(
        res,
        200,
        write(() => api.patch(route, patch, patchType)),
      );
    }
    case 'DELETE': {
      if (route.subresource) throw methodNotAllowed(method);
      const raw = await readBody(req);
      const body = raw.toString('utf8').trim() ? decodeBody(raw, req.headers['content-type']) : undefined;
      return sendJson(
        res,
        200,
        write(() => api.delete(route, deleteOptions(q, body))),
      );
    }
    default:
      throw methodNotAllowed(method);
  }
}
