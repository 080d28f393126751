// The Kruise CRDs (Rollouts, and the OpenKruise workloads a Rollout may control) and the Gateway API
// ones (HTTPRoute, Gateway), embedded: the YAML files in this folder are their only copy. Each import
// is one file's documents, turned into JSON when the code is built (scripts/yaml-module.cjs: an
// esbuild plugin for the bundle, the jest transform for the tests).
import cloneSets from './apps.kruise.io_clonesets.yaml';
import advancedDaemonSets from './apps.kruise.io_daemonsets.yaml';
import advancedStatefulSets from './apps.kruise.io_statefulsets.yaml';
import gateways from './gateway.networking.k8s.io_gateways.yaml';
import httpRoutes from './gateway.networking.k8s.io_httproutes.yaml';
import batchReleases from './rollouts.kruise.io_batchreleases.yaml';
import rolloutHistories from './rollouts.kruise.io_rollouthistories.yaml';
import rollouts from './rollouts.kruise.io_rollouts.yaml';
import trafficRoutings from './rollouts.kruise.io_trafficroutings.yaml';

/** Every document of the CRD files, in file-name order. */
export const EMBEDDED_CRDS: unknown[] = [
  ...cloneSets,
  ...advancedDaemonSets,
  ...advancedStatefulSets,
  ...gateways,
  ...httpRoutes,
  ...batchReleases,
  ...rolloutHistories,
  ...rollouts,
  ...trafficRoutings,
];
