// Server-side printing (kubectl get's Accept: as=Table): columns, rows, watch rows, and the
// pure pieces (Accept parsing, human durations).

import { humanDuration } from '../../src/kube/time.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { wantedTable } from '../../src/sandbox/table.js';
import { call, deployment, rollout } from './http.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const D = '/apis/apps/v1/namespaces/default/deployments';

test.each([
  [0, '0s'],
  [-500, '0s'],
  [-5000, '<invalid>'],
  [59_000, '59s'],
  [119_000, '119s'],
  [120_000, '2m'],
  [200_000, '3m20s'],
  [30 * 60_000, '30m'],
  [5 * 3600_000 + 60_000, '5h1m'],
  [30 * 3600_000, '30h'],
  [3 * 86400_000 + 3600_000, '3d1h'],
  [30 * 86400_000, '30d'],
  [3 * 365 * 86400_000, '3y'],
])('humanDuration(%d) = %s', (ms, want) => {
  expect(humanDuration(ms)).toBe(want);
});

test.each([
  [TABLE, 'v1'],
  ['application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'v1beta1'],
  ['application/json', undefined],
  [undefined, undefined],
  ['application/json;as=Table;v=v1;g=other.io', undefined],
])('wantedTable(%s) = %s', (accept, want) => {
  expect(wantedTable(accept)).toBe(want);
});

describe('over HTTP', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await createSandbox({ builtinControllers: false });
  });
  afterEach(async () => {
    await sb.close();
  });
  const get = async (path: string) => (await fetch(`${sb.url}${path}`, { headers: { accept: TABLE } })).json() as Promise<any>;

  test('a Deployment list as a Table: kubectl columns, one row per object with its metadata', async () => {
    await call(sb.url, 'POST', D, deployment('web', 3));
    const t = await get(D);
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(t.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0].cells.slice(0, 4)).toEqual(['web', '0/3', 0, 0]);
    expect(t.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'web' } });
    expect((await get(`${D}?includeObject=Object`)).rows[0].object.kind).toBe('Deployment');
    expect((await get(`${D}/web`)).rows[0].cells[0]).toBe('web');
  });

  test("a Rollout's columns come from the CRD's additionalPrinterColumns of the version asked for", async () => {
    const r = (await call(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', rollout('demo', 'web'))).body;
    await call(sb.url, 'PUT', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/demo/status', {
      ...r,
      status: {
        phase: 'Progressing',
        currentStepIndex: 1,
        currentStepState: 'StepPaused',
        message: 'waiting',
        canaryStatus: { currentStepIndex: 1, currentStepState: 'StepPaused' },
      },
    });
    for (const v of ['v1beta1', 'v1alpha1']) {
      const t = await get(`/apis/rollouts.kruise.io/${v}/namespaces/default/rollouts`);
      expect(t.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'STATUS', 'CANARY_STEP', 'CANARY_STATE', 'MESSAGE', 'AGE']);
      expect(t.rows[0].cells.slice(0, 5)).toEqual(['demo', 'Progressing', 1, 'StepPaused', 'waiting']);
    }
  });

  test('a watch asked as a Table sends one-row Tables; errors stay Status objects', async () => {
    const res = await fetch(`${sb.url}${D}?watch=true`, { headers: { accept: TABLE } });
    const reader = res.body!.getReader();
    await call(sb.url, 'POST', D, deployment('a'));
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    const event = JSON.parse(text.split('\n')[0]!);
    expect(event.type).toBe('ADDED');
    expect(event.object).toMatchObject({
      kind: 'Table',
      rows: [{ cells: ['a', '0/1', 0, 0, expect.any(String), 'c', 'busybox:1', 'app=a'] }],
    });
    await reader.cancel();
  });
});
