// The kubeconfig the sandbox writes for its users: one cluster, a `sandbox` context, no auth.
import { stringify } from 'yaml';

/** A kubeconfig document pointing at the sandbox. */
export function sandboxKubeconfig(server: string, caCertPem?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'sandbox',
        cluster: {
          server,
          ...(caCertPem
            ? { 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') }
            : // Plain HTTP: @kubernetes/client-node refuses http:// unless TLS verification is off.
              { 'insecure-skip-tls-verify': true }),
        },
      },
    ],
    contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'sandbox', namespace: 'default' } }],
    'current-context': 'sandbox',
    // The sandbox ignores credentials; over HTTPS kubectl prompts for a password when a user
    // has none, so the user carries a placeholder token.
    users: [{ name: 'sandbox', user: caCertPem ? { token: 'sandbox-ignores-credentials' } : {} }],
    preferences: {},
  });
}
