// The sandbox's extension points: more controllers, and admission of workload updates.
import type { Rollout } from '../rollout/types.js';
import type { Clock } from '../runtime/clock.js';
import type { CloneSet } from '../workload/cloneset.js';
import type { AdvancedDaemonSet } from '../workload/daemonset.js';
import type { StatefulSetLike } from '../workload/statefulset.js';
import type { Deployment, ReplicaSet } from '../workload/types.js';
import type { SandboxStore } from './store.js';

/** What a controller gets when the sandbox starts it. */
export interface SandboxControllerContext {
  /** The sandbox's base URL (http://127.0.0.1:PORT). */
  url: string;
  /** The bearer token the sandbox requires (`--require-token`), if any. */
  token?: string;
  store: SandboxStore;
  now: () => Date;
  /** The timers to requeue with. */
  clock: Clock;
}

/** A controller run in-process by the sandbox (the rollout controller is one). */
export interface SandboxController {
  name: string;
  start(ctx: SandboxControllerContext): void;
  stop(): Promise<void>;
}

/** Kruise's workload mutating webhook, applied on every update of a Deployment's main resource. */
export interface WorkloadAdmission {
  admitDeploymentUpdate(oldD: Deployment, newD: Deployment, ctx: { rollouts: Rollout[]; replicaSets: ReplicaSet[] }): Deployment;
  /** The same webhook on an update of a CloneSet's main resource. */
  admitCloneSetUpdate?(old: CloneSet, next: CloneSet, ctx: { rollouts: Rollout[] }): CloneSet;
  /** The unified webhook on an update of a StatefulSet's (native or Advanced) main resource. */
  admitStatefulSetUpdate?(old: StatefulSetLike, next: StatefulSetLike, ctx: { rollouts: Rollout[] }): StatefulSetLike;
  /** The same on an update of an Advanced DaemonSet's main resource. */
  admitDaemonSetUpdate?(old: AdvancedDaemonSet, next: AdvancedDaemonSet, ctx: { rollouts: Rollout[] }): AdvancedDaemonSet;
}
