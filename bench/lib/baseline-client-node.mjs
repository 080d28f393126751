// Baseline: a naive script with @kubernetes/client-node — load the kubeconfig, one GET of the Rollout.
// Usage: node baseline-client-node.mjs KUBECONFIG NAMESPACE NAME
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, namespace, name] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const api = kc.makeApiClient(k8s.CustomObjectsApi);
const ro = await api.getNamespacedCustomObject({ group: 'rollouts.kruise.io', version: 'v1beta1', namespace, plural: 'rollouts', name });
process.stdout.write(`${JSON.stringify(ro, null, 2)}\n`);
