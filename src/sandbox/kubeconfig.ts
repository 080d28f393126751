// The kubeconfig the sandbox writes for its users: one cluster, a `sandbox` context, and the
// bearer token when the sandbox requires one (`--require-token`).
import { stringify } from 'yaml';

/** A kubeconfig document pointing at the sandbox; `token` is the one `--require-token` made. */
export function sandboxKubeconfig(server: string, caCertPem?: string, token?: string): string {
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
    // Without --require-token the sandbox ignores credentials; over HTTPS kubectl prompts for a password
    // when a user has none, so the user carries a placeholder token.
    users: [{ name: 'sandbox', user: token ? { token } : caCertPem ? { token: 'sandbox-ignores-credentials' } : {} }],
    preferences: {},
  });
}
