// Version conversion of the kinds served at more than one version (Rollouts have their own,
// convert.ts). Custom resources: the CRD's conversion strategy None, only apiVersion changes.
// HorizontalPodAutoscaler: stored as autoscaling/v2; autoscaling/v1 shows the CPU target as
// targetCPUUtilizationPercentage and carries what v1 cannot say (other metrics, behavior,
// conditions) in kube-apiserver's autoscaling.alpha.kubernetes.io annotations, so that a v1
// client writing back what it read loses nothing. Pure.
import type { KubeObject } from '../kube/types.js';
import { apiVersionOf, type SandboxResource } from './resources.js';

const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';

// biome-ignore lint/suspicious/noExplicitAny: conversion moves fields between two API versions, not TypeScript types
type Json = any;

/** The object in `version` (of the same resource). */
export function convertBuiltin(r: SandboxResource, version: string, obj: KubeObject): KubeObject {
  const from = String(obj.apiVersion ?? '')
    .split('/')
    .pop();
  const apiVersion = apiVersionOf(r.group, version);
  if (from === version) return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  if (r.key === 'horizontalpodautoscalers') return version === 'v1' ? hpaToV1(obj) : hpaToV2(obj);
  return { ...obj, apiVersion };
}

const isCpuUtilization = (m: Json): boolean =>
  m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization';

function parseJson(text: string | undefined): Json {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function hpaToV1(obj: KubeObject): KubeObject {
  const o = structuredClone(obj) as Json;
  const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
  const spec = o.spec ?? {};
  const metrics: Json[] = spec.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  const v1Spec: Json = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  if (cpu) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  if (others.length) annotations[METRICS] = JSON.stringify(others);
  if (spec.behavior) annotations[BEHAVIOR] = JSON.stringify(spec.behavior);
  const status = o.status;
  let v1Status: Json;
  if (status) {
    const current: Json[] = status.currentMetrics ?? [];
    const cpuNow = current.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
    v1Status = {
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuNow?.resource?.current?.averageUtilization,
    };
    const otherNow = current.filter((m) => m !== cpuNow);
    if (otherNow.length) annotations[CURRENT_METRICS] = JSON.stringify(otherNow);
    if (status.conditions?.length) annotations[CONDITIONS] = JSON.stringify(status.conditions);
  }
  return dropUndefined({
    ...o,
    apiVersion: 'autoscaling/v1',
    metadata: { ...o.metadata, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: dropUndefined(v1Spec),
    status: v1Status === undefined ? undefined : dropUndefined(v1Status),
  });
}

function hpaToV2(obj: KubeObject): KubeObject {
  const o = structuredClone(obj) as Json;
  const annotations: Record<string, string> = { ...(o.metadata.annotations ?? {}) };
  const spec = o.spec ?? {};
  const metrics: Json[] = [];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } },
    });
  }
  metrics.push(...((parseJson(annotations[METRICS]) as Json[] | undefined) ?? []));
  const behavior = parseJson(annotations[BEHAVIOR]);
  const v2Spec: Json = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas };
  if (metrics.length) v2Spec.metrics = metrics;
  if (behavior) v2Spec.behavior = behavior;
  let v2Status: Json;
  if (o.status) {
    const s = o.status;
    const current: Json[] = [];
    if (typeof s.currentCPUUtilizationPercentage === 'number') {
      current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: s.currentCPUUtilizationPercentage } } });
    }
    current.push(...((parseJson(annotations[CURRENT_METRICS]) as Json[] | undefined) ?? []));
    const conditions = parseJson(annotations[CONDITIONS]);
    v2Status = {
      observedGeneration: s.observedGeneration,
      lastScaleTime: s.lastScaleTime,
      currentReplicas: s.currentReplicas,
      desiredReplicas: s.desiredReplicas ?? 0,
      ...(current.length ? { currentMetrics: current } : {}),
      ...(conditions ? { conditions } : {}),
    };
  }
  for (const k of [METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR]) delete annotations[k];
  const metadata = { ...o.metadata, annotations };
  if (!Object.keys(annotations).length) delete metadata.annotations;
  return dropUndefined({
    ...o,
    apiVersion: 'autoscaling/v2',
    metadata,
    spec: dropUndefined(v2Spec),
    status: v2Status === undefined ? undefined : dropUndefined(v2Status),
  });
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
