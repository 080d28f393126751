// A minimal /openapi/v2: a valid document with no definitions. kubectl's client-side validation
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
