// Rollout version conversion, as the Kruise conversion webhook does (docs/controller.md §4). Rollouts are
// stored as v1beta1; v1alpha1 is a view computed on every read and converted back on every write.
//
// Decisions (where upstream is lossy):
// - v1beta1 → v1alpha1 → v1beta1 is lossless: fields v1alpha1 cannot express (strategy.blueGreen,
//   status.blueGreenStatus) travel in the annotation V1BETA1_STASH_ANNOTATION of the v1alpha1
//   view and are restored from it (the annotation never reaches storage).
// - The rolling-style and trafficrouting annotations are v1alpha1's spelling of
//   enableExtraWorkloadForCanary/trafficRoutingRef: written on the way down (always, as upstream),
//   removed on the way up (storage has the fields, so the two can never disagree).
//   The same annotation keeps the status mirror and a BeforeStepUpgrade state (which reads as
//   StepUpgrade in v1alpha1), restored when a client writes back what it read.
// - Lossy as upstream: an explicit enableExtraWorkloadForCanary: false comes back absent (same meaning);
//   spec.rolloutID is dropped; a step without replicas gets replicas "<weight>%".
import type { KubeObject } from '../kube/types.js';
import { Annotation, type CanaryStep, type Rollout } from '../rollout/types.js';
import { isPercent } from '../workload/intstr.js';

const GROUP_VERSION = (v: 'v1alpha1' | 'v1beta1'): string => `rollouts.kruise.io/${v}`;

/** Annotation of the v1alpha1 view carrying the v1beta1-only fields (JSON), so that writes back lose nothing. */
export const V1BETA1_STASH_ANNOTATION = 'sandbox.kubectl-kruise.io/v1beta1-only-fields';

interface Stash {
  blueGreen?: unknown;
  blueGreenStatus?: unknown;
  /** The v1beta1 top-level currentStepIndex/currentStepState, when the sub-status does not give them back. */
  mirror?: { currentStepIndex?: number; currentStepState?: string };
}

// biome-ignore lint/suspicious/noExplicitAny: conversion moves fields between two schemas the CRD defines, not TypeScript
type Json = any;

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function versionOf(obj: KubeObject): string {
  return (
    String(obj.apiVersion ?? '')
      .split('/')
      .pop() ?? ''
  );
}

/** A Rollout in the storage version: v1alpha1 or v1beta1 in, v1beta1 out. */
export function rolloutToStorage(obj: KubeObject): Rollout {
  const out = clone(obj) as Json;
  if (versionOf(obj) !== 'v1alpha1') {
    out.apiVersion = GROUP_VERSION('v1beta1');
    return out as Rollout;
  }
  out.apiVersion = GROUP_VERSION('v1beta1');
  const annotations: Record<string, string> = { ...(out.metadata?.annotations ?? {}) };
  const style = annotations[Annotation.rollingStyle];
  const trafficRouting = annotations[Annotation.trafficRouting];
  const stash = parseStash(annotations[V1BETA1_STASH_ANNOTATION]);
  delete annotations[Annotation.rollingStyle];
  delete annotations[Annotation.trafficRouting];
  delete annotations[V1BETA1_STASH_ANNOTATION];
  out.metadata = { ...out.metadata };
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;

  const spec: Json = out.spec ?? {};
  const workloadRef = spec.objectRef?.workloadRef;
  const { objectRef: _objectRef, rolloutID: _rolloutID, ...rest } = spec;
  const next: Json = workloadRef ? { workloadRef, ...rest } : { ...rest };
  if (next.strategy?.canary) {
    const canary = { ...next.strategy.canary };
    if (Array.isArray(canary.steps)) canary.steps = canary.steps.map(stepUp);
    // v1alpha1: a Deployment defaults to the canary style (extra workload), everything else to partition.
    const kind = workloadRef?.kind;
    const extra = style !== undefined ? style.toLowerCase() !== 'partition' : kind === 'Deployment';
    // false is omitted, as Go's omitempty does: absent and false mean the same (partition style).
    if (extra) canary.enableExtraWorkloadForCanary = true;
    else delete canary.enableExtraWorkloadForCanary;
    if (trafficRouting) canary.trafficRoutingRef = trafficRouting;
    next.strategy = { ...next.strategy, canary };
  } else if (stash.blueGreen !== undefined && next.strategy) {
    next.strategy = { ...next.strategy, blueGreen: stash.blueGreen };
  }
  out.spec = next;

  if (out.status) {
    const status = { ...out.status };
    const mirror = stash.mirror;
    if (status.canaryStatus) {
      const cs = status.canaryStatus;
      if (
        mirror?.currentStepState === 'BeforeStepUpgrade' &&
        cs.currentStepState === 'StepUpgrade' &&
        cs.currentStepIndex === mirror.currentStepIndex
      ) {
        // The client wrote back the state it read: restore what v1alpha1 could not say.
        status.canaryStatus = { ...cs, currentStepState: 'BeforeStepUpgrade' };
      }
      status.currentStepIndex = status.canaryStatus.currentStepIndex;
      status.currentStepState = status.canaryStatus.currentStepState;
    } else if (stash.blueGreenStatus !== undefined) {
      status.blueGreenStatus = stash.blueGreenStatus;
      const bg = stash.blueGreenStatus as Json;
      status.currentStepIndex = bg?.currentStepIndex;
      status.currentStepState = bg?.currentStepState;
    } else if (mirror) {
      status.currentStepIndex = mirror.currentStepIndex;
      status.currentStepState = mirror.currentStepState;
    }
    out.status = dropUndefined(status);
  }
  return out as Rollout;
}

/** The stored Rollout as the client asked for it. */
export function rolloutFromStorage(obj: Rollout, version: 'v1alpha1' | 'v1beta1'): KubeObject {
  const out = clone(obj) as Json;
  out.apiVersion = GROUP_VERSION(version);
  if (version === 'v1beta1') return out;

  const annotations: Record<string, string> = { ...(out.metadata?.annotations ?? {}) };
  const stash: Stash = {};
  const spec: Json = out.spec ?? {};
  const { workloadRef, ...rest } = spec;
  const next: Json = workloadRef ? { objectRef: { workloadRef }, ...rest } : { ...rest };
  if (next.strategy?.canary) {
    const { enableExtraWorkloadForCanary, trafficRoutingRef, ...canary } = next.strategy.canary;
    if (Array.isArray(canary.steps)) canary.steps = canary.steps.map(stepDown);
    annotations[Annotation.rollingStyle] = enableExtraWorkloadForCanary ? 'canary' : 'partition';
    if (trafficRoutingRef) annotations[Annotation.trafficRouting] = trafficRoutingRef;
    next.strategy = { ...next.strategy, canary };
  }
  if (next.strategy?.blueGreen !== undefined) {
    const { blueGreen, ...strategy } = next.strategy;
    stash.blueGreen = blueGreen;
    next.strategy = strategy;
  }
  out.spec = next;

  if (out.status) {
    const { currentStepIndex, currentStepState, blueGreenStatus, ...status } = out.status;
    if (blueGreenStatus !== undefined) stash.blueGreenStatus = blueGreenStatus;
    const sub = status.canaryStatus ?? blueGreenStatus;
    const mirrorLost = sub === undefined || sub.currentStepState === 'BeforeStepUpgrade';
    if (mirrorLost && (currentStepIndex !== undefined || currentStepState !== undefined)) {
      stash.mirror = dropUndefined({ currentStepIndex, currentStepState });
    }
    if (status.canaryStatus?.currentStepState === 'BeforeStepUpgrade') {
      // v1alpha1 has no BeforeStepUpgrade: the step is about to upgrade.
      status.canaryStatus = { ...status.canaryStatus, currentStepState: 'StepUpgrade' };
    }
    out.status = status;
  }
  if (Object.keys(stash).length > 0) annotations[V1BETA1_STASH_ANNOTATION] = JSON.stringify(stash);
  out.metadata = { ...out.metadata };
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  return out;
}

function stepUp(step: CanaryStep): CanaryStep {
  const { weight, ...rest } = step;
  const out: CanaryStep = { ...rest };
  if (typeof weight === 'number') {
    out.traffic = `${weight}%`;
    if (out.replicas === undefined || out.replicas === null) out.replicas = `${weight}%`;
  }
  return out;
}

function stepDown(step: CanaryStep): CanaryStep {
  const { traffic, ...rest } = step;
  const out: CanaryStep = { ...rest };
  if (typeof traffic === 'string' && isPercent(traffic)) out.weight = Math.ceil(Number(traffic.trim().slice(0, -1)));
  return out;
}

function parseStash(text: string | undefined): Stash {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Stash) : {};
  } catch {
    return {};
  }
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
