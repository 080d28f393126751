// The built-in kinds the sandbox serves: one entry per kind, as `kubectl api-resources` lists it
// on a Kubernetes 1.32 cluster (group/version, plural, scope, short names, categories, verbs,
// subresources). Most are stored only: the sandbox runs controllers for Deployments, ReplicaSets,
// pods and Rollouts, nothing else (see README, "What the sandbox stores, runs and cannot do").
import { kubeTime } from '../kube/time.js';
import type { SandboxResource } from './resources.js';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Entry = Omit<SandboxResource, 'key' | 'singular' | 'verbs' | 'subresources'> &
  Partial<Pick<SandboxResource, 'singular' | 'verbs' | 'subresources'>>;

function entry(e: Entry): SandboxResource {
  return {
    ...e,
    key: e.plural,
    singular: e.singular ?? e.kind.toLowerCase(),
    verbs: e.verbs ?? ALL_VERBS,
    subresources: e.subresources ?? [],
  };
}

const core = (e: Omit<Entry, 'group' | 'versions'>): SandboxResource => entry({ group: '', versions: ['v1'], ...e });
const inGroup =
  (group: string, versions: string[] = ['v1']) =>
  (e: Omit<Entry, 'group' | 'versions'>): SandboxResource =>
    entry({ group, versions, ...e });

const apps = inGroup('apps');
const batch = inGroup('batch');
const networking = inGroup('networking.k8s.io');
const rbac = inGroup('rbac.authorization.k8s.io');
const storage = inGroup('storage.k8s.io');
const admission = inGroup('admissionregistration.k8s.io');

/** The status a CRD has once the API server accepted it: names accepted, established, its storage version. */
function crdStatus(obj: { spec?: Record<string, unknown> }): Record<string, unknown> {
  const spec = (obj.spec ?? {}) as { names?: unknown; versions?: { name: string; storage?: boolean }[] };
  const storageVersion = (spec.versions ?? []).find((v) => v.storage)?.name ?? spec.versions?.[0]?.name;
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: kubeTime(new Date()),
    reason,
    message,
  });
  return {
    acceptedNames: spec.names ?? {},
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: storageVersion ? [storageVersion] : [],
  };
}

export const BUILTIN_KINDS: readonly SandboxResource[] = [
  // core/v1
  core({ plural: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  core({ plural: 'endpoints', kind: 'Endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] }),
  core({ plural: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  core({ plural: 'limitranges', kind: 'LimitRange', namespaced: true, shortNames: ['limits'] }),
  core({
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    initialStatus: { phase: 'Active' },
  }),
  // A node's status is what whoever registers it says (no kubelet here): kept on create.
  core({ plural: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'], keepStatusOnCreate: true }),
  core({
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: ['status'],
    initialStatus: { phase: 'Pending' },
  }),
  core({
    plural: 'persistentvolumes',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
    initialStatus: { phase: 'Pending' },
  }),
  core({
    plural: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
    initialStatus: { phase: 'Pending' },
  }),
  core({ plural: 'podtemplates', kind: 'PodTemplate', namespaced: true }),
  core({
    plural: 'replicationcontrollers',
    kind: 'ReplicationController',
    namespaced: true,
    shortNames: ['rc'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    initialStatus: { replicas: 0 },
  }),
  core({
    plural: 'resourcequotas',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    subresources: ['status'],
    initialStatus: {},
  }),
  core({ plural: 'secrets', kind: 'Secret', namespaced: true }),
  core({ plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] }),
  // No controller allocates load balancers or fills Endpoints.
  core({
    plural: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    initialStatus: { loadBalancer: {} },
  }),
  // apps/v1
  apps({ plural: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true }),
  apps({
    plural: 'daemonsets',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
    initialStatus: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
  }),
  apps({
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    initialStatus: {},
  }),
  apps({
    plural: 'replicasets',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    initialStatus: {},
  }),
  apps({
    plural: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    initialStatus: { replicas: 0, availableReplicas: 0 },
  }),
  // batch/v1: stored, never run.
  batch({
    plural: 'cronjobs',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
    initialStatus: {},
  }),
  batch({ plural: 'jobs', kind: 'Job', namespaced: true, categories: ['all'], subresources: ['status'], initialStatus: {} }),
  // autoscaling: stored as v2, served as v2 and v1 (converted).
  entry({
    group: 'autoscaling',
    versions: ['v2', 'v1'],
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
    initialStatus: { currentReplicas: 0, desiredReplicas: 0 },
  }),
  networking({ plural: 'ingressclasses', kind: 'IngressClass', namespaced: false }),
  networking({
    plural: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    subresources: ['status'],
    initialStatus: { loadBalancer: {} },
  }),
  networking({ plural: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, shortNames: ['netpol'] }),
  inGroup('policy')({
    plural: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    subresources: ['status'],
    initialStatus: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  }),
  rbac({ plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }),
  rbac({ plural: 'clusterroles', kind: 'ClusterRole', namespaced: false }),
  rbac({ plural: 'rolebindings', kind: 'RoleBinding', namespaced: true }),
  rbac({ plural: 'roles', kind: 'Role', namespaced: true }),
  inGroup('coordination.k8s.io')({ plural: 'leases', kind: 'Lease', namespaced: true }),
  inGroup('discovery.k8s.io')({ plural: 'endpointslices', kind: 'EndpointSlice', namespaced: true }),
  inGroup('apiregistration.k8s.io')({
    plural: 'apiservices',
    kind: 'APIService',
    namespaced: false,
    categories: ['api-extensions'],
    subresources: ['status'],
    initialStatus: {},
  }),
  storage({ plural: 'csidrivers', kind: 'CSIDriver', namespaced: false }),
  storage({ plural: 'csinodes', kind: 'CSINode', namespaced: false }),
  storage({ plural: 'csistoragecapacities', kind: 'CSIStorageCapacity', namespaced: true }),
  storage({ plural: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
  storage({ plural: 'volumeattachments', kind: 'VolumeAttachment', namespaced: false, subresources: ['status'] }),
  admission({
    plural: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    categories: ['api-extensions'],
  }),
  admission({
    plural: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    categories: ['api-extensions'],
  }),
  inGroup('scheduling.k8s.io')({ plural: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }),
  inGroup('apiextensions.k8s.io')({
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: ['status'],
    initialStatus: crdStatus,
  }),
  // The Kruise Rollout kinds: built in, with the rollout controller behind them.
  inGroup('rollouts.kruise.io', ['v1beta1', 'v1alpha1'])({
    plural: 'rollouts',
    kind: 'Rollout',
    namespaced: true,
    shortNames: ['ro'],
    subresources: ['status'],
  }),
  // Served at its storage version only: the sandbox converts Rollouts, not BatchReleases.
  inGroup('rollouts.kruise.io', ['v1beta1'])({ plural: 'batchreleases', kind: 'BatchRelease', namespaced: true, subresources: ['status'] }),
];
