// Watch fan-out: an event is serialised once per representation and shared by its watchers;
// conversion (v1alpha1), filters (ADDED vs MODIFIED) and Tables still apply per watcher.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { StoreEvent } from '../../src/sandbox/store.js';
import { WatchRegistry } from '../../src/sandbox/watch.js';
import { call, deployment, openWatch, rollout } from './http.js';

const BETA = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts';
const ALPHA = '/apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

describe('over HTTP', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ builtinControllers: false });
    await call(sb.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web'));
  });
  afterEach(async () => {
    await sb.close();
  });

  test('watchers of one version get identical lines; v1alpha1, filtered and Table watchers get their own', async () => {
    const w1 = await openWatch(sb.url, `${BETA}?watch=true`);
    const w2 = await openWatch(sb.url, `${BETA}?watch=true`);
    const alpha = await openWatch(sb.url, `${ALPHA}?watch=true`);
    const labelled = await openWatch(sb.url, `${BETA}?watch=true&labelSelector=tier%3Dfront`);
    const table = await openWatch(sb.url, `${BETA}?watch=true`, { accept: TABLE });
    const created = (await call(sb.url, 'POST', BETA, rollout('demo', 'web'))).body;
    // Gains the label: MODIFIED for the unfiltered watchers, ADDED for the labelled one.
    await call(sb.url, 'PUT', `${BETA}/demo`, { ...created, metadata: { ...created.metadata, labels: { tier: 'front' } } });

    await Promise.all([w1.waitFor(2), w2.waitFor(2), alpha.waitFor(2), labelled.waitFor(1), table.waitFor(2)]);
    expect(w2.lines).toEqual(w1.lines);
    expect(w1.events.map((e) => `${e.type} ${e.object.apiVersion}`)).toEqual([
      'ADDED rollouts.kruise.io/v1beta1',
      'MODIFIED rollouts.kruise.io/v1beta1',
    ]);
    expect(w1.events[0]!.object.spec.workloadRef).toMatchObject({ kind: 'Deployment', name: 'web' });

    expect(alpha.events.map((e) => `${e.type} ${e.object.apiVersion}`)).toEqual([
      'ADDED rollouts.kruise.io/v1alpha1',
      'MODIFIED rollouts.kruise.io/v1alpha1',
    ]);
    expect(alpha.events[1]!.object.spec.objectRef.workloadRef).toMatchObject({ kind: 'Deployment', name: 'web' });
    expect(alpha.events[1]!.object.spec.workloadRef).toBeUndefined();

    expect(labelled.events.map((e) => `${e.type} ${e.object.metadata.labels?.tier}`)).toEqual(['ADDED front']);
    // Same object and version as w1's second line, but the type differs: not the shared line.
    expect(labelled.lines[0]).toBe(w1.lines[1]!.replace('"type":"MODIFIED"', '"type":"ADDED"'));

    expect(table.events.map((e) => `${e.type} ${e.object.kind} ${e.object.rows[0].cells[0]}`)).toEqual([
      'ADDED Table demo',
      'MODIFIED Table demo',
    ]);
    for (const w of [w1, w2, alpha, labelled, table]) w.close();
  });
});

describe('WatchRegistry.line', () => {
  const event = (rv: number): StoreEvent => ({
    type: 'MODIFIED',
    resource: 'rollouts',
    object: { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', resourceVersion: String(rv) } },
    rv,
  });

  test('makes each (event, representation) line once, for every watcher that asks', () => {
    const reg = new WatchRegistry();
    const made: string[] = [];
    const make = (text: string) => () => {
      made.push(text);
      return text;
    };
    const e1 = event(1);
    expect(reg.line(e1, 'beta', make('b1'))).toBe('b1');
    expect(reg.line(e1, 'beta', make('again'))).toBe('b1');
    expect(reg.line(e1, 'alpha', make('a1'))).toBe('a1');
    expect(reg.line(e1, 'alpha', make('again'))).toBe('a1');
    expect(made).toEqual(['b1', 'a1']);
    // A new event (even with equal content) is made afresh: lines are keyed by the event itself.
    const e2 = event(1);
    expect(reg.line(e2, 'beta', make('b2'))).toBe('b2');
    expect(reg.line(e1, 'beta', make('b1 again'))).toBe('b1 again');
    expect(made).toEqual(['b1', 'a1', 'b2', 'b1 again']);
  });
});
