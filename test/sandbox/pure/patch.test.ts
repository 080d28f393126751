import { applyPatch, PatchError, supportsStrategicMerge } from '../../../src/sandbox/patch.js';

import { example } from '../../fixtures/load.js';

const workloadDemo = (): any => example('docs_basic-usage_deployment_workload-demo.yaml')[0];

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

describe('strategic merge patch', () => {
  it('applies the user guide command: only VERSION changes, image and command stay', () => {
    const before = workloadDemo();
    const frozen = JSON.stringify(before);
    const body = JSON.parse(
      '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}',
    );
    const after = applyPatch(before, body, 'strategic', 'Deployment') as any;
    expect(JSON.stringify(before)).toBe(frozen); // inputs untouched
    const expected = workloadDemo();
    expected.spec.template.spec.containers[0].env[0].value = 'version-2';
    expect(after).toEqual(expected);
    expect(after.spec.template.spec.containers[0]).toEqual({
      name: 'busybox',
      image: 'busybox:latest',
      command: ['/bin/sh', '-c', 'sleep 100d'],
      env: [{ name: 'VERSION', value: 'version-2' }],
    });
  });

  it('the same body as a merge patch replaces the containers list (what the guide warns against)', () => {
    const body = { spec: { template: { spec: { containers: [{ name: 'busybox', env: [{ name: 'VERSION', value: 'version-2' }] }] } } } };
    const after = applyPatch(workloadDemo(), body, 'merge', 'Deployment') as any;
    expect(after.spec.template.spec.containers).toEqual(body.spec.template.spec.containers);
  });

  it('applies what kubectl apply sends ($setElementOrder, $retainKeys, last-applied annotation)', () => {
    const live = workloadDemo();
    live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    live.spec.template.spec.containers.push({ name: 'sidecar', image: 'nginx' });
    const body = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' } },
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'busybox' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'VERSION' }, { name: 'EXTRA' }],
                env: [
                  { name: 'EXTRA', value: 'x' },
                  { name: 'VERSION', value: 'version-2' },
                ],
                name: 'busybox',
              },
            ],
          },
        },
      },
    };
    const after = applyPatch(live, body, 'strategic', 'Deployment') as any;
    expect(after.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe('{"x":1}\n');
    expect(after.spec.strategy).toEqual({ type: 'Recreate' });
    expect(after.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['sidecar', 'busybox']);
    expect(after.spec.template.spec.containers[1]).toEqual({
      name: 'busybox',
      image: 'busybox:latest',
      command: ['/bin/sh', '-c', 'sleep 100d'],
      env: [
        { name: 'VERSION', value: 'version-2' },
        { name: 'EXTRA', value: 'x' },
      ],
    });
    expect(JSON.stringify(after)).not.toContain('$');
  });

  const base = () => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      labels: { a: '1', b: '2' },
      finalizers: ['f1', 'f2'],
      ownerReferences: [{ uid: 'u1', name: 'rs', kind: 'ReplicaSet', apiVersion: 'apps/v1' }],
    },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'i',
          ports: [{ containerPort: 80, name: 'http' }],
          volumeMounts: [{ name: 'v', mountPath: '/data' }],
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
      ],
      volumes: [{ name: 'v', emptyDir: {} }],
      tolerations: [{ key: 't1' }],
      imagePullSecrets: [{ name: 's1' }],
    },
    status: {
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
    },
  });

  it.each<[string, unknown, (o: any) => unknown, unknown]>([
    ['null deletes a key', { metadata: { labels: { a: null } } }, (o) => o.metadata.labels, { b: '2' }],
    [
      'env merged by name',
      { spec: { containers: [{ name: 'c', env: [{ name: 'C', value: '3' }] }] } },
      (o) => o.spec.containers[0].env.map((e: any) => e.name),
      ['A', 'B', 'C'],
    ],
    [
      'env $patch delete',
      { spec: { containers: [{ name: 'c', env: [{ name: 'A', $patch: 'delete' }] }] } },
      (o) => o.spec.containers[0].env,
      [{ name: 'B', value: '2' }],
    ],
    [
      'ports merged by containerPort',
      { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }] }] } },
      (o) => o.spec.containers[0].ports,
      [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }],
    ],
    [
      'volumeMounts merged by mountPath',
      { spec: { containers: [{ name: 'c', volumeMounts: [{ mountPath: '/data', readOnly: true }] }] } },
      (o) => o.spec.containers[0].volumeMounts,
      [{ name: 'v', mountPath: '/data', readOnly: true }],
    ],
    [
      'volumes merged by name',
      { spec: { volumes: [{ name: 'w', emptyDir: {} }] } },
      (o) => o.spec.volumes.map((v: any) => v.name),
      ['v', 'w'],
    ],
    [
      'volume $retainKeys swaps the source',
      { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'configMap'], configMap: { name: 'cm' } }] } },
      (o) => o.spec.volumes,
      [{ name: 'v', configMap: { name: 'cm' } }],
    ],
    [
      'imagePullSecrets merged by name',
      { spec: { imagePullSecrets: [{ name: 's2' }] } },
      (o) => o.spec.imagePullSecrets,
      [{ name: 's1' }, { name: 's2' }],
    ],
    ['tolerations replaced', { spec: { tolerations: [{ key: 't2' }] } }, (o) => o.spec.tolerations, [{ key: 't2' }]],
    [
      'conditions merged by type',
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      (o) => o.status.conditions,
      [
        { type: 'Ready', status: 'True' },
        { type: 'PodScheduled', status: 'True' },
      ],
    ],
    [
      'ownerReferences merged by uid',
      { metadata: { ownerReferences: [{ uid: 'u2', name: 'x', kind: 'K', apiVersion: 'v1' }] } },
      (o) => o.metadata.ownerReferences.map((r: any) => r.uid),
      ['u1', 'u2'],
    ],
    ['finalizers merged as a set', { metadata: { finalizers: ['f2', 'f3'] } }, (o) => o.metadata.finalizers, ['f1', 'f2', 'f3']],
    ['$deleteFromPrimitiveList', { metadata: { '$deleteFromPrimitiveList/finalizers': ['f1'] } }, (o) => o.metadata.finalizers, ['f2']],
    [
      'containers $patch replace in the list',
      { spec: { containers: [{ name: 'n', image: 'x' }, { $patch: 'replace' }] } },
      (o) => o.spec.containers,
      [{ name: 'n', image: 'x' }],
    ],
    ['map $patch replace', { metadata: { labels: { z: '9', $patch: 'replace' } } }, (o) => o.metadata.labels, { z: '9' }],
    ['map $patch delete', { metadata: { labels: { $patch: 'delete' } } }, (o) => 'labels' in o.metadata, false],
    [
      'a new container is appended without directives',
      { spec: { containers: [{ name: 'd', image: 'j', env: [{ name: 'X', value: 'y' }], '$setElementOrder/env': [{ name: 'X' }] }] } },
      (o) => o.spec.containers[1],
      { name: 'd', image: 'j', env: [{ name: 'X', value: 'y' }] },
    ],
    [
      '$setElementOrder alone reorders',
      { spec: { containers: [{ name: 'c', '$setElementOrder/env': [{ name: 'B' }, { name: 'A' }] }] } },
      (o) => o.spec.containers[0].env.map((e: any) => e.name),
      ['B', 'A'],
    ],
  ])('%s', (_name, patch, pick, expected) => {
    const doc = base();
    const frozen = JSON.stringify(doc);
    expect(pick(applyPatch(doc, patch, 'strategic', 'Pod'))).toEqual(expected);
    expect(JSON.stringify(doc)).toBe(frozen);
  });

  it('rejects a list item without its merge key', () => {
    expect(patchError(() => applyPatch(base(), { spec: { containers: [{ image: 'x' }] } }, 'strategic', 'Pod')).code).toBe(422);
  });

  it('is refused for custom resources such as Rollout', () => {
    expect(supportsStrategicMerge('Rollout')).toBe(false);
    expect(supportsStrategicMerge('Deployment')).toBe(true);
    const e = patchError(() => applyPatch({ spec: {} }, { spec: { disabled: true } }, 'strategic', 'Rollout'));
    expect(e.code).toBe(422);
    expect(e.message).toContain('strategic merge patch is not supported');
  });

  it('rejects a body that is not an object', () => {
    expect(patchError(() => applyPatch(base(), [1], 'strategic', 'Pod')).code).toBe(400);
  });
});

describe('merge patch (RFC 7386)', () => {
  it.each<[string, unknown, unknown, unknown]>([
    ['adds and replaces', { a: 1, b: { c: 2 } }, { b: { d: 3 }, e: 4 }, { a: 1, b: { c: 2, d: 3 }, e: 4 }],
    ['null deletes', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['arrays are replaced', { a: [1, 2, { x: 1 }] }, { a: [{ y: 2 }] }, { a: [{ y: 2 }] }],
    ['nested nulls are dropped from new maps', {}, { a: { b: null, c: 1 } }, { a: { c: 1 } }],
    ['a scalar replaces a map', { a: { b: 1 } }, { a: 'x' }, { a: 'x' }],
  ])('%s', (_n, doc, patch, expected) => {
    const frozen = JSON.stringify(doc);
    expect(applyPatch(doc, patch, 'merge', 'Rollout')).toEqual(expected);
    expect(JSON.stringify(doc)).toBe(frozen);
  });

  it('rejects a non-object body with 400', () => {
    expect(patchError(() => applyPatch({}, 'x', 'merge', 'Rollout')).code).toBe(400);
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = () => ({ metadata: { resourceVersion: '5' }, spec: { replicas: 3, list: ['a', 'b'] } });

  it('applies operations without mutating the input', () => {
    const d = doc();
    const out = applyPatch(
      d,
      [
        { op: 'test', path: '/metadata/resourceVersion', value: '5' },
        { op: 'replace', path: '/spec/replicas', value: 5 },
        { op: 'add', path: '/spec/list/-', value: 'c' },
        { op: 'remove', path: '/spec/list/0' },
        { op: 'copy', from: '/spec/replicas', path: '/spec/copied' },
      ],
      'json',
      'Deployment',
    );
    expect(out).toEqual({ metadata: { resourceVersion: '5' }, spec: { replicas: 5, list: ['b', 'c'], copied: 5 } });
    expect(d).toEqual(doc());
  });

  it('a failed test op is 422 with a clear message', () => {
    const e = patchError(() => applyPatch(doc(), [{ op: 'test', path: '/spec/replicas', value: 4 }], 'json', 'Rollout'));
    expect(e.code).toBe(422);
    expect(e.message).toContain('test operation failed');
    expect(e.message).toContain('/spec/replicas');
  });

  it('an operation that does not fit the object is 422', () => {
    expect(patchError(() => applyPatch(doc(), [{ op: 'remove', path: '/spec/missing/x' }], 'json', 'Rollout')).code).toBe(422);
  });

  it.each<[string, unknown]>([
    ['not an array', { op: 'add' }],
    ['unknown op', [{ op: 'frobnicate', path: '/a' }]],
    ['missing value', [{ op: 'add', path: '/a' }]],
    ['missing from', [{ op: 'move', path: '/a' }]],
  ])('malformed patch (%s) is 400', (_n, patch) => {
    expect(patchError(() => applyPatch(doc(), patch, 'json', 'Rollout')).code).toBe(400);
  });
});
