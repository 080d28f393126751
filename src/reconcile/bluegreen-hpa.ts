// Upstream's HPA handling for blue-green (pkg/controller/batchrelease/control/bluegreenstyle/hpa):
// an HPA scaling the workload would fight the release (both sides at full size), so when the
// release takes the workload its HPA's scaleTargetRef.name gets the suffix `-DisableByRollout`
// (the HPA then targets nothing), and once the workload is handed back and rolled out the suffix
// goes (docs/controller.md §19). Writes are updates with resourceVersion, never patches.
import type { KubeObject } from '../kube/types.js';
import type { WorkloadRef } from '../rollout/types.js';
import type { PlannedWrite } from './types.js';

/** Upstream's HPADisableSuffix. */
export const HPA_DISABLE_SUFFIX = '-DisableByRollout';

type Hpa = KubeObject & { spec?: { scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string }; [k: string]: unknown } };

/** The name without every trailing suffix (upstream's removeSuffix). */
function withoutSuffix(name: string): string {
  let out = name;
  while (out.endsWith(HPA_DISABLE_SUFFIX)) out = out.slice(0, -HPA_DISABLE_SUFFIX.length);
  return out;
}

/** The first HPA whose scaleTargetRef names the workload, disabled or not (upstream's findHPAForWorkload). */
export function hpaFor(hpas: KubeObject[] | undefined, workload: WorkloadRef): Hpa | undefined {
  return (hpas ?? []).find((h) => {
    const ref = (h as Hpa).spec?.scaleTargetRef;
    return (
      ref?.apiVersion === workload.apiVersion &&
      ref?.kind === workload.kind &&
      withoutSuffix(ref?.name ?? '') === workload.name &&
      !h.metadata.deletionTimestamp
    );
  }) as Hpa | undefined;
}

/** The update that disables the workload's HPA (DisableHPA), if it has an enabled one. */
export function disableHpa(hpas: KubeObject[] | undefined, workload: WorkloadRef): PlannedWrite | undefined {
  const hpa = hpaFor(hpas, workload);
  const name = hpa?.spec?.scaleTargetRef?.name;
  if (!hpa || name === undefined || name.endsWith(HPA_DISABLE_SUFFIX)) return undefined;
  return retarget(hpa, `${name}${HPA_DISABLE_SUFFIX}`);
}

/** The update that restores the workload's HPA (RestoreHPA), if it is disabled. */
export function restoreHpa(hpas: KubeObject[] | undefined, workload: WorkloadRef): PlannedWrite | undefined {
  const hpa = hpaFor(hpas, workload);
  const name = hpa?.spec?.scaleTargetRef?.name;
  if (!hpa || name === undefined || !name.endsWith(HPA_DISABLE_SUFFIX)) return undefined;
  return retarget(hpa, withoutSuffix(name));
}

function retarget(hpa: Hpa, name: string): PlannedWrite {
  const next = structuredClone(hpa);
  next.spec = { ...(next.spec ?? {}), scaleTargetRef: { ...(next.spec?.scaleTargetRef ?? {}), name } };
  return { op: 'update', resource: 'horizontalpodautoscalers', object: next };
}
