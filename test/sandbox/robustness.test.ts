// Hostile bodies never crash the server and never answer 5xx: a seeded table of wrong-typed
// fields at every level of Deployments, Rollouts and Pods, through POST, PUT and PATCH.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, deployment, rollout } from './http.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox({ podReadyDelayMs: 0 });
  await call(sb.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 1));
  await call(sb.url, 'POST', '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', rollout('demo', 'web'));
});
afterAll(async () => {
  await sb.close();
});

const WRONG: unknown[] = [null, 0, -1, 1.5, 'x', '', true, [], [1], {}, { a: 1 }, [{}], [null]];

/** Every path of an object, for replacing one value at a time. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  }
  return [];
}

function replaced(obj: unknown, path: string[], v: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cur: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[path[path.length - 1]!] = v;
  return copy;
}

const TARGETS = [
  { path: '/apis/apps/v1/namespaces/default/deployments', name: 'web', base: deployment('web', 1) },
  { path: '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts', name: 'demo', base: rollout('demo', 'web') },
  {
    path: '/apis/rollouts.kruise.io/v1alpha1/namespaces/default/rollouts',
    name: 'demo',
    base: {
      ...rollout('demo', 'web'),
      apiVersion: 'rollouts.kruise.io/v1alpha1',
      spec: {
        objectRef: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
        strategy: { canary: { steps: [{ weight: 10, pause: {} }] } },
      },
    },
  },
  {
    path: '/api/v1/namespaces/default/pods',
    name: 'p',
    base: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
];

test.each(TARGETS.map((t) => [t.path, t] as const))(
  'no 5xx for wrong-typed fields: %s',
  async (_p, t) => {
    const bad: string[] = [];
    for (const path of paths(t.base)) {
      for (const v of WRONG) {
        const body = replaced(t.base, path, v);
        for (const [method, url, type] of [
          ['POST', t.path, 'application/json'],
          ['PUT', `${t.path}/${t.name}`, 'application/json'],
          ['PATCH', `${t.path}/${t.name}`, 'application/merge-patch+json'],
          ['PUT', `${t.path}/${t.name}/status`, 'application/json'],
        ] as const) {
          const res = await call(sb.url, method, url, body, type);
          if (res.status >= 500 || res.body?.kind === undefined)
            bad.push(`${method} ${url} ${path.join('.')}=${JSON.stringify(v)} → ${res.status} ${res.text.slice(0, 120)}`);
        }
      }
    }
    expect(bad).toEqual([]);
    expect((await call(sb.url, 'GET', '/readyz')).text).toBe('ok');
  },
  60000,
);
