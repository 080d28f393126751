// Core v1 Events the controller records on a Rollout, as upstream's event recorder does
// (docs/controller.md §13): created with a POST, never updated; `kubectl get events` and
// `kubectl describe rollout` show them.
import { kubeTime } from '../kube/time.js';
import type { KubeObject } from '../kube/types.js';
import type { PlannedWrite } from './types.js';

/** The component upstream's recorder names (main.go: GetEventRecorderFor("rollout-controller")). */
export const EVENT_SOURCE = 'rollout-controller';

/** One event: type, reason and message exactly as upstream records them. */
export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The events upstream's rollout controller records for a partition-style Deployment (v0.6.2). */
export const RolloutEvents = {
  /** rollout_canary.go doCanaryUpgrade: the step's batch is ready. */
  stepUpgraded: (step: number): RolloutEvent => ({
    type: 'Normal',
    reason: 'Progressing',
    message: `upgrade step(${step}) canary pods with new versions done`,
  }),
  /** rollout_progressing.go handleContinuousRelease. */
  continuousRelease: {
    type: 'Normal',
    reason: 'Progressing',
    message: 'workload continuous publishing canaryRevision, then restart publishing',
  } as RolloutEvent,
  /** rollout_progressing.go handleRollbackDirectly. */
  rolledBack: { type: 'Normal', reason: 'Progressing', message: 'workload has been rollback, then rollout is canceled' } as RolloutEvent,
} as const;

/**
 * The creates of the events, shaped as client-go's recorder makes them: named `<rollout>.<unix
 * nanoseconds in hex>` (one nanosecond apart within a pass, so names never collide), the Rollout as
 * involvedObject, count 1, first and last timestamp the pass time, source the controller.
 */
export function eventWrites(rollout: KubeObject, events: RolloutEvent[], now: Date = new Date()): PlannedWrite[] {
  const time = kubeTime(now);
  const base = BigInt(now.getTime()) * 1_000_000n;
  return events.map((e, i) => ({
    op: 'create',
    resource: 'events',
    object: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${rollout.metadata.name}.${(base + BigInt(i)).toString(16)}`, namespace: rollout.metadata.namespace },
      involvedObject: {
        kind: 'Rollout',
        namespace: rollout.metadata.namespace,
        name: rollout.metadata.name,
        uid: rollout.metadata.uid,
        apiVersion: 'rollouts.kruise.io/v1beta1',
        resourceVersion: rollout.metadata.resourceVersion,
      },
      reason: e.reason,
      message: e.message,
      source: { component: EVENT_SOURCE },
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    },
  }));
}
