import type { KubeObject } from '../../src/kube/types.js';
import { dropMetadata } from '../../src/workload/metadata.js';

describe('dropMetadata (a hand-back removes its marks)', () => {
  it('removes the given keys and leaves the others', () => {
    const o: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { a: '1', b: '2' }, annotations: { c: '3', d: '4' } },
    };
    dropMetadata(o, { labels: ['a'], annotations: ['d', 'absent'] });
    expect(o.metadata).toEqual({ name: 'x', labels: { b: '2' }, annotations: { c: '3' } });
  });

  it('a map left empty goes away: no `labels: {}` the user never wrote', () => {
    const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: '1' }, annotations: { c: '3' } } };
    dropMetadata(o, { labels: ['a'], annotations: ['c'] });
    expect(o.metadata).toEqual({ name: 'x' });
  });

  it('does not change the maps a reader still holds (it writes copies)', () => {
    const labels = { a: '1', b: '2' };
    const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels } };
    dropMetadata(o, { labels: ['a'] });
    expect(labels).toEqual({ a: '1', b: '2' });
    expect(o.metadata.labels).toEqual({ b: '2' });
  });

  it('adds nothing to an object without the maps', () => {
    const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    dropMetadata(o, { labels: ['a'], annotations: ['b'] });
    expect(o.metadata).toEqual({ name: 'x' });
  });
});
