import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import { Annotation, Label, type Rollout } from '../../src/rollout/types.js';
import { newReplicaSetFor } from '../../src/workload/deployment.js';
import { podTemplateHash } from '../../src/workload/hash.js';
import type { Deployment, ReplicaSet } from '../../src/workload/types.js';
import { example } from './sim.js';

function base(): { d: Deployment; rollout: Rollout; rs: ReplicaSet } {
  const d = example<Deployment>('docs_basic-usage_deployment_workload-demo.yaml');
  d.metadata.uid = 'd-uid';
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const rollout = example<Rollout>('docs_basic-usage_rollout_v1beta1.yaml');
  const rs = newReplicaSetFor(d, 10, 1);
  rs.metadata.uid = 'rs-uid';
  return { d, rollout, rs };
}

function v2(d: Deployment): Deployment {
  const n = structuredClone(d);
  n.spec.template.spec!.containers![0]!.env = [{ name: 'VERSION', value: 'version-2' }];
  return n;
}

describe('admitDeploymentUpdate', () => {
  it('a template change with a Rollout attached starts a release', () => {
    const { d, rollout, rs } = base();
    const out = admitDeploymentUpdate(d, v2(d), { rollouts: [rollout], replicaSets: [rs] });
    expect(out.spec.paused).toBe(true);
    expect(out.metadata.labels?.[Label.stableRevision]).toBe(podTemplateHash(d.spec.template));
    expect(out.metadata.annotations?.[Annotation.inProgressing]).toBe('{"rolloutName":"rollouts-demo"}');
    // The template itself is what the user sent.
    expect(out.spec.template).toEqual(v2(d).spec.template);
  });

  it('a rollout-id annotation change on the same template starts a release', () => {
    const { d, rollout, rs } = base();
    const n = structuredClone(d);
    n.metadata.annotations = { [Annotation.rolloutId]: 'r2' };
    expect(admitDeploymentUpdate(d, n, { rollouts: [rollout], replicaSets: [rs] }).spec.paused).toBe(true);
  });

  it.each([
    ['no Rollout', (c: any) => (c.rollouts = [])],
    ['a disabled Rollout', (c: any) => (c.rollouts[0].spec.disabled = true)],
    ['a Rollout for another workload', (c: any) => (c.rollouts[0].spec.workloadRef.name = 'other')],
    ['no ReplicaSets yet', (c: any) => (c.replicaSets = [])],
    ['zero replicas', (c: any) => (c.next.spec.replicas = 0)],
    [
      'only the pod-template-hash label differs',
      (c: any) =>
        (c.next = {
          ...c.d,
          spec: { ...c.d.spec, template: { ...c.d.spec.template, metadata: { labels: { app: 'demo', 'pod-template-hash': 'x' } } } },
        }),
    ],
    ['only replicas change', (c: any) => (c.next = { ...c.d, spec: { ...c.d.spec, replicas: 20 } })],
  ])('%s: unchanged', (_name, tweak) => {
    const { d, rollout, rs } = base();
    const c: any = { d, next: v2(d), rollouts: [rollout], replicaSets: [rs] };
    tweak(c);
    const out = admitDeploymentUpdate(c.d, c.next, { rollouts: c.rollouts, replicaSets: c.replicaSets });
    expect(out).toEqual(c.next);
  });

  it('while in progress: stays paused, Recreate, a submitted rollingUpdate is kept in the annotation', () => {
    const { d, rollout, rs } = base();
    const started = admitDeploymentUpdate(d, v2(d), { rollouts: [rollout], replicaSets: [rs] });
    const edit = structuredClone(started);
    edit.spec.paused = false;
    edit.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 0 } };
    const out = admitDeploymentUpdate(started, edit, { rollouts: [rollout], replicaSets: [rs] });
    expect(out.spec.paused).toBe(true);
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(JSON.parse(out.metadata.annotations![Annotation.deploymentStrategy]!)).toMatchObject({
      rollingStyle: 'Partition',
      rollingUpdate: { maxSurge: 3, maxUnavailable: 0 },
    });
    // A second template change mid-release keeps the stable revision.
    const v3 = structuredClone(out);
    v3.spec.template.spec!.containers![0]!.image = 'busybox:1.36';
    expect(admitDeploymentUpdate(out, v3, { rollouts: [rollout], replicaSets: [rs] }).metadata.labels?.[Label.stableRevision]).toBe(
      podTemplateHash(d.spec.template),
    );
  });

  it('does not modify its inputs', () => {
    const { d, rollout, rs } = base();
    const next = v2(d);
    const copy = structuredClone(next);
    admitDeploymentUpdate(d, next, { rollouts: [rollout], replicaSets: [rs] });
    expect(next).toEqual(copy);
  });
});
