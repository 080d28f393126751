// Kruise's workload mutating webhook for Deployments (docs/controller.md §5), as a pure function:
// the sandbox applies it atomically with every Deployment UPDATE.

import { Annotation, Label, type Rollout } from '../rollout/types.js';
import { isControlledBy } from '../workload/deployment.js';
import { POD_TEMPLATE_HASH_LABEL, sameTemplate } from '../workload/hash.js';
import { matchesSelector } from '../workload/label-selector.js';
import type { Deployment, ReplicaSet } from '../workload/types.js';
import { readStrategyAnnotation, writeStrategyAnnotation } from './deployment-control.js';
import { rolloutReleasing } from './releasing-rollout.js';

/**
 * Upstream's isEffectiveDeploymentRevisionChange (workload_update_handler.go), on the rollout-id
 * ANNOTATION: a non-empty one that is unchanged means no release, even when the template changed
 * (the Deployment rolls natively); without one, only a template change (ignoring the
 * pod-template-hash) is; a new non-empty one is, with or without a template change.
 */
function isEffectiveRevisionChange(oldD: Deployment, newD: Deployment): boolean {
  const newId = newD.metadata.annotations?.[Annotation.rolloutId] ?? '';
  if (newId !== '' && newId === (oldD.metadata.annotations?.[Annotation.rolloutId] ?? '')) return false;
  if (newId === '' && sameTemplate(oldD.spec.template, newD.spec.template)) return false;
  return true;
}

/**
 * Admits a Deployment update as Kruise's workload webhook does: an effective revision change
 * (isEffectiveRevisionChange), with replicas > 0, existing ReplicaSets
 * and a Rollout attached, starts a release (paused, stable-revision label, in-progressing
 * annotation); while in progress the Deployment stays paused with strategy Recreate, and a
 * submitted rollingUpdate is moved into the deployment-strategy annotation. Returns the object to store.
 */
export function admitDeploymentUpdate(
  oldD: Deployment,
  newD: Deployment,
  ctx: { rollouts: Rollout[]; replicaSets: ReplicaSet[] },
): Deployment {
  const rollout = rolloutReleasing(newD, ctx.rollouts, { kind: 'Deployment' });
  if (!rollout) return newD;
  const out = structuredClone(newD);
  const partitionStyle = !rollout.spec.strategy?.blueGreen && !rollout.spec.strategy?.canary?.enableExtraWorkloadForCanary;

  if (out.metadata.annotations?.[Annotation.inProgressing]) {
    // Blue-green, once the controller has taken the Deployment: it rolls natively, so only a new
    // revision (a rollback, or a continuous release the controller refuses) pauses it, and it
    // stays RollingUpdate (docs/controller.md §19).
    if (out.metadata.annotations[Annotation.originalDeploymentStrategy]) {
      if (isEffectiveRevisionChange(oldD, newD)) out.spec.paused = true;
      if ((out.spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate')
        out.spec.strategy = { ...(out.spec.strategy ?? {}), type: oldD.spec.strategy?.type ?? 'RollingUpdate' };
      return out;
    }
    out.spec.paused = true;
    if (partitionStyle) {
      const submitted = out.spec.strategy?.rollingUpdate;
      if (submitted) {
        const saved = readStrategyAnnotation(out) ?? { rollingStyle: 'Partition', paused: false, partition: 0 };
        writeStrategyAnnotation(out, { ...saved, rollingUpdate: submitted });
      }
      out.spec.strategy = { type: 'Recreate' };
    }
    return out;
  }

  if ((newD.spec.replicas ?? 1) <= 0) return newD;
  if (!isEffectiveRevisionChange(oldD, newD)) return newD;
  const owned = ctx.replicaSets.filter(
    (rs) =>
      (oldD.metadata.uid ? isControlledBy(rs, oldD) : false) ||
      ((rs.metadata.ownerReferences ?? []).length === 0 && matchesSelector(rs.metadata.labels, oldD.spec.selector)),
  );
  if (owned.length === 0) return newD;
  const stableRs = owned.find((rs) => sameTemplate(rs.spec.template, oldD.spec.template));
  // As upstream: the label is the stable ReplicaSet's pod-template-hash, or absent without one.
  const stable = stableRs?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];

  out.spec.paused = true;
  if (stable) out.metadata.labels = { ...(out.metadata.labels ?? {}), [Label.stableRevision]: stable };
  out.metadata.annotations = {
    ...(out.metadata.annotations ?? {}),
    [Annotation.inProgressing]: JSON.stringify({ rolloutName: rollout.metadata.name }),
  };
  return out;
}

/** The same webhook for CloneSets (docs/controller.md §16). */
export { admitCloneSetUpdate } from './cloneset-control.js';
/** The same webhook for Advanced DaemonSets (docs/controller.md §16.3). */
export { admitDaemonSetUpdate } from './daemonset-control.js';
/** The unified webhook for StatefulSets, native and Advanced (docs/controller.md §16). */
export { admitStatefulSetUpdate } from './statefulset-control.js';
