// The dashboard's entries (pure): one per Rollout, with its workload's pods and its events, rebuilt
// only when one of those changed — what the server pushes to open pages.
import { type ClusterObjects, DashboardEntries, objectKey, workloadKey } from '../../src/dashboard/model.js';
import type { KubeObject } from '../../src/kube/types.js';
import type { Rollout } from '../../src/rollout/types.js';
import { scenario } from '../fixtures/load.js';

const NOW = new Date('2026-11-27T10:00:00Z');

function pod(name: string, labels: Record<string, string>, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels, creationTimestamp: '2026-11-27T09:00:00Z' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

function event(name: string, about: string, reason: string, at: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Rollout', name: about, namespace: 'default' },
    type: 'Normal',
    reason,
    message: `${reason} happened`,
    count: 1,
    lastTimestamp: at,
  };
}

function cluster(): ClusterObjects {
  const { rollout, workload } = scenario('canary-step-paused');
  const labels = (workload!.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
  return {
    rollouts: new Map([[objectKey(rollout), rollout as Rollout]]),
    workloads: new Map([[workloadKey('Deployment', 'default', workload!.metadata.name!), workload!]]),
    pods: new Map(
      [
        pod('mine-1', labels),
        pod('mine-2', { ...labels, extra: 'x' }),
        pod('other', { app: 'other' }),
        pod('elsewhere', labels, 'kube-system'),
      ].map((p) => [objectKey(p), p]),
    ),
    events: new Map(
      [
        event('e1', 'rollouts-demo', 'RolloutPaused', '2026-11-27T09:58:00Z'),
        event('e2', 'rollouts-demo', 'Progressing', '2026-11-27T09:59:00Z'),
        event('e3', 'someone-else', 'Other', '2026-11-27T09:59:30Z'),
      ].map((e) => [objectKey(e), e]),
    ),
  };
}

describe('DashboardEntries', () => {
  it("builds one entry per rollout: its view, its workload's pods (same namespace, selector) and its events, newest first", () => {
    const entries = new DashboardEntries();
    const { upserts, removed } = entries.update(cluster(), NOW);
    expect(removed).toEqual([]);
    expect(upserts.map((e) => e.key)).toEqual(['default/rollouts-demo']);
    const e = upserts[0]!;
    expect(e.view.waitingForApproval).toBe(true);
    expect(e.view.pods?.map((p) => p.name).sort()).toEqual(['mine-1', 'mine-2']);
    expect(e.events.map((x) => x.reason)).toEqual(['Progressing', 'RolloutPaused']);
  });

  it('pushes nothing when nothing it shows changed, the one entry whose inputs changed, and removals', () => {
    const entries = new DashboardEntries();
    const objects = cluster();
    entries.update(objects, NOW);
    expect(entries.update(objects, NOW)).toEqual({ upserts: [], removed: [] });
    // A new pod of the workload: the entry is rebuilt and sent.
    const labels = (objects.workloads.values().next().value!.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
    objects.pods.set('default/mine-3', pod('mine-3', labels));
    expect(entries.update(objects, NOW).upserts.map((e) => e.view.pods?.length)).toEqual([3]);
    // A pod of another app: nothing to send.
    objects.pods.set('default/other-2', pod('other-2', { app: 'other' }));
    expect(entries.update(objects, NOW).upserts).toEqual([]);
    objects.rollouts.clear();
    expect(entries.update(objects, NOW)).toEqual({ upserts: [], removed: ['default/rollouts-demo'] });
    expect(entries.all()).toEqual([]);
  });
});
