// The protobuf decoder on bodies kubectl 1.32 sent (captured from `kubectl create namespace x` and
// `kubectl create deployment web --image=nginx --port=8080 --replicas=2`), and on bodies it must refuse.
import { decodeProtobufObject, ProtobufError } from '../../../src/sandbox/protobuf.js';

const NAMESPACE = '6b3873000a0f0a02763112094e616d65737061636512190a110a017812001a0022002a0032003800420012001a020a001a002200';
const DEPLOYMENT =
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b9010a1f0a0377656212001a0022002a003200380042005a0a0a0361707012037765621287010802120c0a0a0a0361707012037765621a6d0a1c0a0012001a0022002a003200380042005a0a0a036170701203776562124d122f0a056e67696e7812056e67696e782a00320b0a00100018903f22002a0042006a007200800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200';

/** A hand-encoded field: key, then a varint or length-delimited payload. */
function field(num: number, value: number | Buffer | string): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 0x7f) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    return [...out, n];
  };
  if (typeof value === 'number') return Buffer.from([...varint(num << 3), ...varint(value)]);
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([Buffer.from([...varint((num << 3) | 2), ...varint(bytes.length)]), bytes]);
}
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0'), field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])), field(2, raw)]);

test("kubectl's Namespace: the name, nothing from the empty fields Go writes", () => {
  expect(decodeProtobufObject(Buffer.from(NAMESPACE, 'hex'))).toEqual({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'x' },
    spec: {},
  });
});

test("kubectl's Deployment: replicas, selector, template, container port", () => {
  expect(decodeProtobufObject(Buffer.from(DEPLOYMENT, 'hex'))).toEqual({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 8080 }], resources: {} }] },
      },
      strategy: {},
    },
  });
});

test('pointer fields keep their zero (replicas: 0); IntOrString and Secret bytes decode', () => {
  const maxUnavailableZero = field(1, Buffer.concat([field(1, 0), field(2, 0)])); // IntOrString{type: Int, intVal: 0}
  const spec = Buffer.concat([field(1, 0), field(4, field(2, maxUnavailableZero))]);
  const deployment = decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.concat([field(1, field(1, 'd')), field(2, spec)])));
  expect(deployment.spec).toEqual({ replicas: 0, strategy: { rollingUpdate: { maxUnavailable: 0 } } });
  const port = Buffer.concat([field(3, 80), field(4, Buffer.concat([field(1, 1), field(3, 'http')]))]);
  const svc = decodeProtobufObject(envelope('v1', 'Service', Buffer.concat([field(1, field(1, 's')), field(2, field(1, port))])));
  expect(svc.spec).toEqual({ ports: [{ port: 80, targetPort: 'http' }] });
  const secret = decodeProtobufObject(
    envelope(
      'v1',
      'Secret',
      Buffer.concat([field(1, field(1, 's')), field(2, Buffer.concat([field(1, 'k'), field(2, Buffer.from([0, 255]))]))]),
    ),
  );
  expect(secret).toMatchObject({ data: { k: 'AP8=' } });
});

test('refuses what it would lose (a known kind with an unknown field set, an unknown kind) and malformed bodies', () => {
  const unknownField = envelope('v1', 'ConfigMap', Buffer.concat([field(1, field(1, 'c')), field(9, 'surprise')]));
  expect(() => decodeProtobufObject(unknownField)).toThrow(
    new ProtobufError('field 9 of ConfigMap (ConfigMap.#9) is not decoded by this sandbox', true),
  );
  expect(decodeProtobufObject(envelope('v1', 'ConfigMap', Buffer.concat([field(1, field(1, 'c')), field(9, '')])))).toEqual({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
  });
  const rollout = () => decodeProtobufObject(envelope('rollouts.kruise.io/v1beta1', 'Rollout', Buffer.alloc(0)));
  expect(rollout).toThrow(/Rollout in version "rollouts.kruise.io\/v1beta1" is not decoded from protobuf/);
  for (const bad of [Buffer.from('{"kind":"Namespace"}'), Buffer.from(NAMESPACE, 'hex').subarray(0, 30)]) {
    let err: unknown;
    try {
      decodeProtobufObject(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtobufError);
    expect((err as ProtobufError).unsupported).toBe(false);
  }
});

test("a typed client's DeleteOptions (the body of its DELETE)", () => {
  const opts = decodeProtobufObject(
    envelope('meta.k8s.io/v1', 'DeleteOptions', Buffer.concat([field(4, 'Orphan'), field(2, field(2, '42'))])),
  );
  expect(opts).toEqual({
    apiVersion: 'meta.k8s.io/v1',
    kind: 'DeleteOptions',
    propagationPolicy: 'Orphan',
    preconditions: { resourceVersion: '42' },
  });
});
