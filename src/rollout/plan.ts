// `rollout plan`: the batches a Rollout would make, from the Rollout and a replica count alone (pure).
// The step arithmetic is assessRollout's (docs/controller.md §8–§9), so the plan says what the
// controller will do, not a second reading of it.
import type { KubeObject } from '../kube/types.js';
import { assessRollout } from './assess.js';
import { workloadRefOf } from './release.js';
import type { Rollout } from './types.js';

/** One planned batch: pods released (cumulative, as the controller counts them), traffic, how it waits. */
export interface PlannedBatch {
  step: number;
  /** `replicas` as written in the step. */
  replicas: string | null;
  /** Updated pods once this step's batch is released (null: the step's replicas are malformed). */
  pods: number | null;
  /** Pods still on the stable revision at this step. */
  stablePods: number | null;
  traffic: string | null;
  pause: 'manual' | 'none' | 'timed';
  pauseSeconds: number | null;
}

/** The JSON shape of `rollout plan -o json|yaml`. */
export interface RolloutPlanView {
  kind: 'RolloutPlan';
  apiVersion: 'kruise.cli/v1';
  name: string;
  namespace: string;
  style: 'Partition' | 'Canary' | 'BlueGreen';
  workload: { kind: string; name: string } | null;
  replicas: number;
  /** Where the replica count came from: the flag, the workload in the cluster or in the file. */
  replicasFrom: 'flag' | 'workload';
  trafficRouting: boolean;
  batches: PlannedBatch[];
}

/** The plan of `ro` for `replicas` pods. */
export function planRollout(ro: Rollout, replicas: number, replicasFrom: RolloutPlanView['replicasFrom']): RolloutPlanView {
  const ref = workloadRefOf(ro);
  // A stand-in workload carrying only what the arithmetic reads: its kind (rounding) and replicas
  // (an Advanced DaemonSet's are its status.desiredNumberScheduled: workloadReplicas).
  const workload: KubeObject = {
    apiVersion: ref?.apiVersion ?? 'apps/v1',
    kind: ref?.kind ?? 'Deployment',
    metadata: { name: ref?.name ?? '' },
    spec: { replicas },
    status: { desiredNumberScheduled: replicas },
  };
  const a = assessRollout(ro, workload);
  const strategy = ro.spec?.strategy?.blueGreen ?? ro.spec?.strategy?.canary;
  return {
    kind: 'RolloutPlan',
    apiVersion: 'kruise.cli/v1',
    name: ro.metadata?.name ?? '',
    namespace: ro.metadata?.namespace ?? '',
    style: a.style,
    workload: ref ? { kind: ref.kind, name: ref.name } : null,
    replicas,
    replicasFrom,
    trafficRouting: (strategy?.trafficRoutings?.length ?? 0) > 0 || Boolean(strategy?.trafficRoutingRef),
    batches: a.steps.map((s) => ({
      step: s.index,
      replicas: s.replicas === undefined ? null : String(s.replicas),
      pods: s.planned ?? null,
      stablePods: s.planned === undefined ? null : replicas - s.planned,
      traffic: s.traffic ?? null,
      pause: s.pause.kind,
      pauseSeconds: s.pause.kind === 'timed' ? s.pause.seconds : null,
    })),
  };
}
