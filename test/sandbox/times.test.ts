// Times the sandbox writes are metav1.Time: RFC 3339 in whole seconds, as a real API server sends
// them, even when the clock has milliseconds.
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { call, eventually } from './http.js';

const D = '/apis/apps/v1/namespaces/default/deployments';
const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'clock' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'clock' } },
    template: { metadata: { labels: { app: 'clock' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
  },
};

/** Every string under a key ending in Time or Timestamp, or named startedAt, with its path. */
function times(value: unknown, path = ''): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => times(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    typeof v === 'string' && (/(Time|Timestamp)$/.test(k) || k === 'startedAt') ? [[`${path}.${k}`, v]] : times(v, `${path}.${k}`),
  );
}

let sb: Sandbox;
beforeEach(async () => {
  // A clock that always has milliseconds (….123Z).
  sb = await createSandbox({ podReadyDelayMs: 50, now: () => new Date(Math.floor(Date.now() / 1000) * 1000 + 123) });
});
afterEach(async () => {
  await sb.close();
});

test('metadata, Deployment conditions and pod status carry second-precision times over HTTP', async () => {
  expect((await call(sb.url, 'POST', D, DEPLOYMENT)).status).toBe(201);
  await eventually(async () => (await call(sb.url, 'GET', `${D}/clock`)).body.status?.readyReplicas === 2);
  const deployment = (await call(sb.url, 'GET', `${D}/clock`)).body;
  const pods = (await call(sb.url, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dclock')).body.items;
  const rs = (await call(sb.url, 'GET', '/apis/apps/v1/namespaces/default/replicasets')).body.items;
  const all = [...times(deployment, 'deployment'), ...times(pods, 'pods'), ...times(rs, 'replicasets')];
  expect(all.map(([p]) => p)).toEqual(
    expect.arrayContaining([
      'deployment.metadata.creationTimestamp',
      'deployment.status.conditions[0].lastUpdateTime',
      'deployment.status.conditions[0].lastTransitionTime',
      'pods[0].status.startTime',
      'pods[0].status.conditions[0].lastTransitionTime',
      'pods[0].status.containerStatuses[0].state.running.startedAt',
    ]),
  );
  expect(all.filter(([, t]) => !SECONDS.test(t))).toEqual([]);
});
