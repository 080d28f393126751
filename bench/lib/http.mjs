// A minimal JSON client for seeding and load (keep-alive, loopback only), and the objects the
// bench creates. Deliberately independent of src/: the bench measures the product, it does not
// reuse it.
import http from 'node:http';

/** A keep-alive JSON client for one loopback base URL. */
export function jsonClient(base, { maxSockets = 32 } = {}) {
  const u = new URL(base);
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error(`bench talks to loopback only, not ${u.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        {
          host: u.hostname,
          port: u.port,
          method,
          path,
          agent,
          headers: {
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode, json, bytes: text.length });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  /** Like request, but rejects on a non-2xx answer. */
  const must = async (method, path, body) => {
    const r = await request(method, path, body);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)?.slice(0, 300)}`);
    return r.json;
  };
  return { base, request, must, agent, close: () => agent.destroy() };
}

/** Runs `fn(item, i)` over items with at most `limit` in flight; resolves the results in order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const paths = {
  namespaces: '/api/v1/namespaces',
  deployments: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  rollouts: (ns) => `/apis/rollouts.kruise.io/v1beta1/namespaces/${ns}/rollouts`,
  rollout: (ns, name, sub) => `/apis/rollouts.kruise.io/v1beta1/namespaces/${ns}/rollouts/${name}${sub ? `/${sub}` : ''}`,
};

/** The guide's workload-demo Deployment, renamed. */
export function deployment(ns, name, { replicas = 2, version = 'version-1' } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'busybox',
              image: 'busybox:latest',
              command: ['/bin/sh', '-c', 'sleep 100d'],
              env: [{ name: 'VERSION', value: version }],
            },
          ],
        },
      },
    },
  };
}

/** The guide's rollouts-demo Rollout (v1beta1: steps 1, 50%, 100%) for Deployment `workload`. */
export function rollout(ns, name, workload) {
  return {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name, namespace: ns },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: workload },
      strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '50%' }, { replicas: '100%' }] } },
    },
  };
}

/**
 * A status of a release waiting for approval at step 1 (the guide's step 2), pointing at the
 * generations the server assigned; `message` is free for the bench's counters.
 */
export function stepPausedStatus(
  ro,
  workloadGeneration,
  message = 'Rollout is in step(1/3), and you need manually confirm to enter the next step',
) {
  return {
    observedGeneration: ro.metadata.generation,
    phase: 'Progressing',
    message,
    currentStepIndex: 1,
    currentStepState: 'StepPaused',
    conditions: [
      {
        type: 'Progressing',
        status: 'True',
        reason: 'InRolling',
        message: 'Rollout is in Progressing',
        lastTransitionTime: '2026-11-27T09:59:00Z',
        lastUpdateTime: '2026-11-27T09:59:00Z',
      },
    ],
    canaryStatus: {
      observedWorkloadGeneration: workloadGeneration,
      observedRolloutID: '6d8f7c9b54',
      rolloutHash: 'bench',
      stableRevision: '5b7c9f8d6',
      podTemplateHash: '6d8f7c9b54',
      canaryRevision: '6d8f7c9b54',
      currentStepIndex: 1,
      nextStepIndex: 2,
      finalisingStep: '',
      currentStepState: 'StepPaused',
      message: 'BatchRelease is at state Ready, rollout-id 6d8f7c9b54, step 1',
      lastUpdateTime: '2026-11-27T09:59:30Z',
      canaryReplicas: 1,
      canaryReadyReplicas: 1,
    },
  };
}

/** Creates a namespace (ignores 409 AlreadyExists). */
export async function ensureNamespace(c, ns) {
  const r = await c.request('POST', paths.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  if (r.status !== 201 && r.status !== 200 && r.status !== 409) throw new Error(`create namespace ${ns}: ${r.status}`);
}

/** Creates `count` Deployment + Rollout pairs (`app-<i>` / `ro-<i>`) in `ns`, `parallel` at a time. */
export async function seedPairs(c, ns, count, { parallel = 16, replicas = 2 } = {}) {
  await ensureNamespace(c, ns);
  const ids = Array.from({ length: count }, (_, i) => i);
  await pool(ids, parallel, async (i) => {
    await c.must('POST', paths.deployments(ns), deployment(ns, `app-${i}`, { replicas }));
    await c.must('POST', paths.rollouts(ns), rollout(ns, `ro-${i}`, `app-${i}`));
  });
}

/**
 * `count` Deployments with a Service, an nginx Ingress and a Rollout routing 20% of traffic at
 * step 1 through them (docs/controller.md §16).
 */
export async function seedTrafficPairs(c, ns, count, { parallel = 16, replicas = 2, canaryStyle = false } = {}) {
  await ensureNamespace(c, ns);
  const ids = Array.from({ length: count }, (_, i) => i);
  await pool(ids, parallel, async (i) => {
    const app = `app-${i}`;
    await c.must('POST', `/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app, namespace: ns },
      spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await c.must('POST', `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: app, namespace: ns, annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
      spec: {
        rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { number: 80 } } } }] } }],
      },
    });
    await c.must('POST', paths.deployments(ns), deployment(ns, app, { replicas }));
    const ro = rollout(ns, `ro-${i}`, app);
    ro.spec.strategy.canary.steps[0] = { replicas: 1, traffic: '20%', pause: {} };
    ro.spec.strategy.canary.trafficRoutings = [{ service: app, ingress: { name: app } }];
    // Canary style: an extra canary Deployment per release (docs/controller.md §18).
    if (canaryStyle) ro.spec.strategy.canary.enableExtraWorkloadForCanary = true;
    await c.must('POST', paths.rollouts(ns), ro);
  });
}

/** Creates one Deployment + Rollout and puts a step-1-paused status on the Rollout; returns the Rollout. */
export async function seedPaused(c, ns, name, workload) {
  await ensureNamespace(c, ns);
  const d = await c.must('POST', paths.deployments(ns), deployment(ns, workload, { replicas: 10 }));
  const ro = await c.must('POST', paths.rollouts(ns), rollout(ns, name, workload));
  return c.must('PUT', paths.rollout(ns, name, 'status'), { ...ro, status: stepPausedStatus(ro, d.metadata.generation) });
}

/** Puts the step-1-paused status back (GET + PUT /status), so approve has something to approve. */
export async function resetPaused(c, ns, name, message) {
  const ro = await c.must('GET', paths.rollout(ns, name));
  const gen = ro.status?.canaryStatus?.observedWorkloadGeneration ?? 1;
  return c.must('PUT', paths.rollout(ns, name, 'status'), { ...ro, status: stepPausedStatus(ro, gen, message) });
}
