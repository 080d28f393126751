// The Kruise CRDs (Rollouts, and the OpenKruise workloads a Rollout may control), embedded: the
// YAML files in this folder are their only copy. Each import is one file's documents, turned into JSON when the code is built (scripts/yaml-module.cjs: an
// esbuild plugin for the bundle, the jest transform for the tests).
import cloneSets from './apps.kruise.io_clonesets.yaml';
import advancedStatefulSets from './apps.kruise.io_statefulsets.yaml';
import batchReleases from './rollouts.kruise.io_batchreleases.yaml';
import rolloutHistories from './rollouts.kruise.io_rollouthistories.yaml';
import rollouts from './rollouts.kruise.io_rollouts.yaml';
import trafficRoutings from './rollouts.kruise.io_trafficroutings.yaml';

/** Every document of the CRD files, in file-name order. */
export const EMBEDDED_CRDS: unknown[] = [
  ...cloneSets,
  ...advancedStatefulSets,
  ...batchReleases,
  ...rolloutHistories,
  ...rollouts,
  ...trafficRoutings,
];
