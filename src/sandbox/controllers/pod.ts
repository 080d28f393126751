// The sandbox's pod lifecycle: there is no kubelet, so a pod becomes Running and Ready a fixed
// delay after its creation.
import { kubeTime } from '../../kube/time.js';
import { isPodReady } from '../../workload/pods.js';
import type { Pod } from '../../workload/types.js';
import type { ControllerResult } from './types.js';

const HOST_IP = '172.18.0.2';

/** Plans the status of one pod: Pending until readyDelayMs after creation, then Running and Ready. */
export function reconcilePod(pod: Pod, now: Date, readyDelayMs: number): ControllerResult {
  if (pod.metadata.deletionTimestamp) return { actions: [] };
  const phase = pod.status?.phase;
  if (phase !== undefined && phase !== 'Pending') return { actions: [] };

  const created = Date.parse(pod.metadata.creationTimestamp ?? '');
  // No creation time (the store always sets one): treat the pod as old enough rather than stall it.
  const elapsed = Number.isFinite(created) ? now.getTime() - created : Number.POSITIVE_INFINITY;
  const startTime = Number.isFinite(created) ? kubeTime(new Date(created)) : kubeTime(now);
  if (elapsed >= readyDelayMs) {
    return { actions: [{ op: 'updateStatus', resource: 'pods', object: { ...pod, status: runningStatus(pod, now, startTime) } }] };
  }
  const remaining = readyDelayMs - elapsed;
  if (phase === 'Pending') return { actions: [], requeueAfterMs: remaining };
  return {
    actions: [{ op: 'updateStatus', resource: 'pods', object: { ...pod, status: pendingStatus(pod, now, startTime) } }],
    requeueAfterMs: remaining,
  };
}

function containerNames(pod: Pod): { name: string; image?: string }[] {
  return (pod.spec?.containers ?? []) as { name: string; image?: string }[];
}

function pendingStatus(pod: Pod, now: Date, startTime: string): NonNullable<Pod['status']> {
  const t = kubeTime(now);
  const conditions: { type: string; status: string; lastTransitionTime: string; reason?: string }[] = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
    { type: 'Initialized', status: 'True', lastTransitionTime: t },
    { type: 'ContainersReady', status: 'False', lastTransitionTime: t, reason: 'ContainersNotReady' },
    { type: 'Ready', status: 'False', lastTransitionTime: t, reason: 'ContainersNotReady' },
  ];
  return {
    ...(pod.status ?? {}),
    phase: 'Pending',
    conditions,
    hostIP: HOST_IP,
    startTime,
    qosClass: 'BestEffort',
    containerStatuses: containerNames(pod).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}

function runningStatus(pod: Pod, now: Date, startTime: string): NonNullable<Pod['status']> {
  const t = kubeTime(now);
  const podIP = podIPFor(pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`);
  return {
    ...(pod.status ?? {}),
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: startTime },
      { type: 'Initialized', status: 'True', lastTransitionTime: startTime },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
      { type: 'Ready', status: 'True', lastTransitionTime: t },
    ],
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime,
    qosClass: 'BestEffort',
    containerStatuses: containerNames(pod).map((c, i) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `${c.image ?? ''}@sandbox`,
      containerID: `sandbox://${pod.metadata.uid ?? pod.metadata.name}-${i}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: t } },
    })),
  };
}

// A stable address per pod, so that repeated passes write the same status.
function podIPFor(seed: string): string {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return `10.244.${(h >>> 8) & 0xff}.${(h & 0xfd) + 2}`;
}

/**
 * Whether the pod has been Ready for at least minReadySeconds at `now`; when not yet, how many
 * milliseconds remain (undefined when the pod is not ready at all).
 */
export function podAvailability(pod: Pod, minReadySeconds: number, now: Date): { available: boolean; remainingMs?: number } {
  if (!isPodReady(pod)) return { available: false };
  if (minReadySeconds <= 0) return { available: true };
  const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const since = Date.parse(ready?.lastTransitionTime ?? '');
  if (!Number.isFinite(since)) return { available: true };
  const remaining = since + minReadySeconds * 1000 - now.getTime();
  return remaining <= 0 ? { available: true } : { available: false, remainingMs: remaining };
}
