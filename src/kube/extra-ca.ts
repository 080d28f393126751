// NODE_EXTRA_CA_CERTS without its start-up cost. Node builds its whole root certificate store when
// the variable is set, at start-up, before any code runs (~50–80 ms on Node 20 here). The launcher
// (bin/kubectl-kruise, a sh line) starts node without it and hands the file on in
// KUBECTL_KRUISE_EXTRA_CA_CERTS; those CAs are added here, only where node would have used them:
// a TLS context that trusts the system roots, i.e. no certificate-authority in the kubeconfig.
// Imported by src/cli/process.ts at start-up: nothing is loaded here until a TLS context needs it.

/** The variable the launcher moves NODE_EXTRA_CA_CERTS into. */
export const DEFERRED_EXTRA_CA_ENV = 'KUBECTL_KRUISE_EXTRA_CA_CERTS';

/**
 * The CAs to trust when the kubeconfig names none: node's roots plus the deferred extra file, or
 * undefined (node's defaults) when nothing was deferred. Like node, a file that cannot be read or
 * holds no certificate is one warning and is otherwise ignored.
 */
export async function rootsWithDeferredExtraCa(env: NodeJS.ProcessEnv, warn: (line: string) => void): Promise<string[] | undefined> {
  const file = env[DEFERRED_EXTRA_CA_ENV];
  if (!file) return undefined;
  const { readFile } = await import('node:fs/promises');
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    warn(`Warning: Ignoring extra certs from \`${file}\`, load failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (!certs) {
    warn(`Warning: Ignoring extra certs from \`${file}\`, load failed: no PEM certificate in it`);
    return undefined;
  }
  const { rootCertificates } = await import('node:tls');
  return [...rootCertificates, ...certs];
}
