// --tls: a self-signed CA and a server certificate for 127.0.0.1/localhost, made with the
// openssl CLI (Node has no X.509 generator). No openssl → a clear error.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM material for an HTTPS sandbox. */
export interface SandboxTls {
  caCert: string;
  cert: string;
  key: string;
}

/** Generates a CA and a server certificate signed by it (openssl required). */
export async function generateTls(openssl = 'openssl'): Promise<SandboxTls> {
  const dir = await mkdtemp(join(tmpdir(), 'kk-sandbox-tls-'));
  const p = (f: string) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await run(openssl, [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.crt'),
      '-days',
      '3650',
      '-subj',
      '/CN=kubectl-kruise-sandbox-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await run(openssl, ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1']);
    await writeFile(
      p('ext.cnf'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
    );
    await run(openssl, [
      'x509',
      '-req',
      '-in',
      p('server.csr'),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('server.crt'),
      '-days',
      '3650',
      '-extfile',
      p('ext.cnf'),
    ]);
    const [caCert, cert, key] = await Promise.all([
      readFile(p('ca.crt'), 'utf8'),
      readFile(p('server.crt'), 'utf8'),
      readFile(p('server.key'), 'utf8'),
    ]);
    return { caCert, cert, key };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('--tls is unavailable: the openssl command was not found on PATH (it is needed to make the certificates)');
    throw new Error(`--tls: openssl failed: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
