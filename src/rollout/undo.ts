// `rollout undo`: what to write to take a Rollout's workload back (kruise-tools' `rollout undo`,
// its `rollout_undo.go`; README, `rollout undo`), and `--fast`'s jump back to an earlier step
// (upstream's DefaultFastRollbackFunc).
// Pure: objects in, a decision out; the command reads and writes.

import { isControlledBy, revisionOf } from '../workload/deployment.js';
import { POD_TEMPLATE_HASH_LABEL, sameTemplate } from '../workload/hash.js';
import { scaledValue } from '../workload/intstr.js';
import type { Deployment, PodTemplate, ReplicaSet } from '../workload/types.js';
import { subStatusOf } from './release.js';
import type { Rollout } from './types.js';

/** What undo decides for one workload as read. */
export type UndoDecision =
  | { kind: 'write'; object: Deployment; revision: number }
  | { kind: 'noop'; reason: string }
  | { kind: 'refuse'; message: string };

/** The one message of each undo refusal (the tests reuse them). */
export const UndoMessage = {
  noRevision: (n: number) => `unable to find specified revision ${n} in history`,
  noHistory: 'no rollout history found: the workload has no earlier revision to go back to',
  skipped: (n: number) => `skipped rollback (current template already matches revision ${n})`,
  fastAlpha: 'rollback is not supported on given object: --fast needs a v1beta1 Rollout',
  fastSteps: (steps: number, cur: number) => `has ${steps} steps, but current step is too large ${cur}`,
  fastFirst: 'is already at the first step: --fast has no earlier step to go back to',
  fastNoStep: 'no previous step with no traffic found',
  fastNotInRelease: 'has no release in progress: --fast goes back to an earlier step of a release',
} as const;

/** The workload's ReplicaSets (controlled by it), newest revision first. */
export function ownedReplicaSets(d: Deployment, replicaSets: ReplicaSet[]): ReplicaSet[] {
  return replicaSets
    .filter((rs) => !rs.metadata.deletionTimestamp && isControlledBy(rs, d))
    .sort(
      (a, b) => revisionOf(b) - revisionOf(a) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)),
    );
}

/** A ReplicaSet's pod template as the Deployment carries it: without the pod-template-hash label. */
function templateOf(rs: ReplicaSet): PodTemplate {
  const t = structuredClone(rs.spec.template);
  if (t.metadata?.labels) {
    delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  return t;
}

/**
 * The ReplicaSet undo goes back to: revision `toRevision` when given; else, during a release, the
 * Rollout's stable revision; else the newest revision whose template differs from the current one
 * (kubectl's "previous revision", which also handles an undo during an undo).
 */
function targetOf(
  ro: Rollout,
  d: Deployment,
  owned: ReplicaSet[],
  toRevision: number | undefined,
): { rs: ReplicaSet } | { refuse: string } {
  if (toRevision !== undefined) {
    const rs = owned.find((r) => revisionOf(r) === toRevision);
    return rs ? { rs } : { refuse: UndoMessage.noRevision(toRevision) };
  }
  const stable = subStatusOf(ro)?.status.stableRevision;
  const inRelease = ro.status?.phase === 'Progressing';
  const stableRs = stable ? owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === stable) : undefined;
  if (inRelease && stableRs) return { rs: stableRs };
  const previous = owned.find((r) => !sameTemplate(templateOf(r), d.spec.template));
  return previous ? { rs: previous } : { refuse: UndoMessage.noHistory };
}

/** Plans the undo of a Deployment: its template set back to the target revision's (an update, never a patch). */
export function planUndo(ro: Rollout, d: Deployment, replicaSets: ReplicaSet[], toRevision?: number): UndoDecision {
  const owned = ownedReplicaSets(d, replicaSets);
  const target = targetOf(ro, d, owned, toRevision);
  if ('refuse' in target) return { kind: 'refuse', message: target.refuse };
  const { rs } = target;
  const template = templateOf(rs);
  if (sameTemplate(template, d.spec.template)) return { kind: 'noop', reason: UndoMessage.skipped(revisionOf(rs)) };
  const object = structuredClone(d);
  object.spec.template = template;
  return { kind: 'write', object, revision: revisionOf(rs) };
}

/** A step value scaled against 100, rounded up (upstream's comparison for --fast); 0 when malformed. */
function against100(value: string | number | undefined | null): number {
  if (value === undefined || value === null) return 0;
  try {
    return scaledValue(value, 100, true);
  } catch {
    return 0;
  }
}

/**
 * `undo --fast`: the earlier step with no traffic and the most replicas (ties: the later step), set
 * as the sub-status' nextStepIndex so the controller jumps back to it (docs/controller.md §10).
 */
export function planFastUndo(ro: Rollout): { kind: 'write'; object: Rollout; step: number } | { kind: 'refuse'; message: string } {
  if (!ro.apiVersion?.endsWith('/v1beta1')) return { kind: 'refuse', message: UndoMessage.fastAlpha };
  const found = subStatusOf(ro);
  if (!found || ro.status?.phase !== 'Progressing') return { kind: 'refuse', message: UndoMessage.fastNotInRelease };
  const steps = (ro.spec.strategy?.blueGreen ?? ro.spec.strategy?.canary)?.steps ?? [];
  const cur = found.status.currentStepIndex ?? ro.status?.currentStepIndex ?? 0;
  if (steps.length < cur) return { kind: 'refuse', message: UndoMessage.fastSteps(steps.length, cur) };
  if (cur <= 1) return { kind: 'refuse', message: UndoMessage.fastFirst };
  let target = 0;
  let most = -1;
  for (let i = cur - 1; i >= 1; i--) {
    const step = steps[i - 1]!;
    if (against100(step.traffic) !== 0) continue;
    const replicas = against100(step.replicas);
    if (replicas > most) {
      most = replicas;
      target = i;
    }
  }
  if (target === 0) return { kind: 'refuse', message: UndoMessage.fastNoStep };
  const object = structuredClone(ro);
  object.status![found.kind]!.nextStepIndex = target;
  return { kind: 'write', object, step: target };
}
