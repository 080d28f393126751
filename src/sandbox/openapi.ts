// A minimal /openapi/v2: a valid document with no definitions; /openapi/v3 carries the schemas of
// the CRDs (what kubectl explain reads), none for built-in kinds. kubectl's client-side validation
// (kubectl create -f without --validate=false) skips kinds the schema does not know, and
// kubectl apply falls back to its compiled-in types, so an empty schema is enough for both.

const TITLE = 'kubectl-kruise sandbox';
const VERSION = 'v1.32.0';

/** The JSON form. */
export function openApiV2Json(): unknown {
  return { swagger: '2.0', info: { title: TITLE, version: VERSION }, paths: {}, definitions: {} };
}

function field(num: number, payload: Buffer): Buffer {
  // Wire type 2 (length-delimited); lengths here are < 128 bytes, so one varint byte.
  return Buffer.concat([Buffer.from([(num << 3) | 2, payload.length]), payload]);
}

/** The protobuf form (gnostic openapi_v2.Document: swagger = 1, info = 2 {title = 1, version = 2}). */
export function openApiV2Protobuf(): Buffer {
  const info = Buffer.concat([field(1, Buffer.from(TITLE)), field(2, Buffer.from(VERSION))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}

/** The protobuf media type (kubectl also asks for the older @v1.0 spelling, which Go's mime parser refuses in answers). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** A CRD as far as its OpenAPI v3 documents need it. */
interface CrdForOpenApi {
  spec?: {
    group?: string;
    scope?: string;
    names?: { kind?: string; plural?: string };
    versions?: { name: string; served?: boolean; schema?: { openAPIV3Schema?: Record<string, unknown> } }[];
  };
}

/** Reverse-DNS of a group, as kube-apiserver names CRD schemas: example.com → com.example. */
function schemaPrefix(group: string): string {
  return group.split('.').reverse().join('.');
}

interface ServedSchema {
  gv: string;
  name: string;
  group: string;
  version: string;
  kind: string;
  /** The object's GET path, where kubectl explain finds the kind of a resource. */
  path: string;
  schema: Record<string, unknown>;
}

function servedSchemas(crds: CrdForOpenApi[]): ServedSchema[] {
  const out: ServedSchema[] = [];
  for (const crd of crds) {
    const group = crd.spec?.group;
    const kind = crd.spec?.names?.kind;
    const plural = crd.spec?.names?.plural;
    if (!group || !kind || !plural) continue;
    const scope = crd.spec?.scope === 'Cluster' ? '' : '/namespaces/{namespace}';
    for (const v of crd.spec?.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (v.served === false || !schema) continue;
      out.push({
        gv: `apis/${group}/${v.name}`,
        name: `${schemaPrefix(group)}.${v.name}.${kind}`,
        group,
        version: v.name,
        kind,
        path: `/apis/${group}/${v.name}${scope}/${plural}/{name}`,
        schema,
      });
    }
  }
  return out;
}

/**
 * GET /openapi/v3: the group/versions with a schema — those of CRDs (what `kubectl explain`
 * reads). Built-in kinds have none here: the sandbox does not carry Kubernetes' schemas.
 */
export function openApiV3Index(crds: CrdForOpenApi[]): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const s of servedSchemas(crds)) paths[s.gv] = { serverRelativeURL: `/openapi/v3/${s.gv}` };
  return { paths };
}

/** GET /openapi/v3/apis/GROUP/VERSION: the CRD schemas of that group/version, or undefined. */
export function openApiV3GroupVersion(crds: CrdForOpenApi[], gv: string): unknown | undefined {
  const schemas: Record<string, unknown> = {};
  const paths: Record<string, unknown> = {};
  for (const s of servedSchemas(crds)) {
    if (s.gv !== gv) continue;
    const gvk = { group: s.group, kind: s.kind, version: s.version };
    // GET only: kubectl takes a PATCH operation here as a promise of strategic merge patch.
    paths[s.path] = {
      get: {
        'x-kubernetes-group-version-kind': gvk,
        responses: { '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${s.name}` } } } } },
      },
    };
    const properties = { ...((s.schema.properties as Record<string, unknown> | undefined) ?? {}) };
    properties.apiVersion ??= {
      type: 'string',
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    };
    properties.kind ??= { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
    properties.metadata = { type: 'object', description: "Standard object's metadata." };
    schemas[s.name] = {
      ...s.schema,
      properties,
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  if (Object.keys(schemas).length === 0) return undefined;
  return { openapi: '3.0.0', info: { title: TITLE, version: VERSION }, paths, components: { schemas } };
}
