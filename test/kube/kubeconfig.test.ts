import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../src/kube/duration.js';
import { ConfigError } from '../../src/kube/errors.js';
import { loadRestConfig } from '../../src/kube/kubeconfig.js';
import { simpleKubeconfig, tempDir, writeFile } from './helpers.js';

const two = (dir: string) => {
  const a = writeFile(
    dir,
    'a.yaml',
    `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster: { server: "https://a.example:6443", certificate-authority: ca.crt }
users:
- name: alice
  user: { token: token-from-a }
contexts:
- name: ctx-a
  context: { cluster: shared, user: alice, namespace: team-a }
- name: both
  context: { cluster: shared, user: alice, namespace: from-a }
`,
  );
  const b = writeFile(
    dir,
    'b.yaml',
    `apiVersion: v1
kind: Config
current-context: ctx-b
clusters:
- name: shared
  cluster: { server: "https://b.example:6443" }
- name: only-b
  cluster: { server: "http://b-only.example:8080", insecure-skip-tls-verify: true }
users:
- name: bob
  user: { username: bob, password: s3cret-pass }
contexts:
- name: ctx-b
  context: { cluster: only-b, user: bob }
- name: both
  context: { cluster: only-b, user: bob, namespace: from-b }
`,
  );
  writeFile(dir, 'ca.crt', 'CA-BYTES');
  return { a, b };
};

describe('loadRestConfig: kubectl loading rules', () => {
  it('merges KUBECONFIG files: first file wins per name and for current-context; relative paths are per file', async () => {
    const dir = tempDir();
    const { a, b } = two(dir);
    const cfg = await loadRestConfig({}, { KUBECONFIG: `${a}:${path.join(dir, 'missing.yaml')}:${b}` });
    expect(cfg.contextName).toBe('ctx-a');
    expect(cfg.server).toBe('https://a.example:6443');
    expect(cfg.namespace).toBe('team-a');
    expect(cfg.token).toBe('token-from-a');
    expect(cfg.ca?.toString()).toBe('CA-BYTES');
    // A context only in the second file still resolves, and its cluster comes from the second file.
    const b2 = await loadRestConfig({ context: 'ctx-b' }, { KUBECONFIG: `${a}:${b}` });
    expect(b2.server).toBe('http://b-only.example:8080');
    expect(b2.insecureSkipTlsVerify).toBe(true);
    expect(b2.username).toBe('bob');
    expect(b2.password).toBe('s3cret-pass');
    expect(b2.namespace).toBe('default');
    // The same context name in both: the first file's wins.
    expect((await loadRestConfig({ context: 'both' }, { KUBECONFIG: `${a}:${b}` })).namespace).toBe('from-a');
    expect((await loadRestConfig({ context: 'both' }, { KUBECONFIG: `${b}:${a}` })).namespace).toBe('from-b');
  });

  it('--kubeconfig beats KUBECONFIG, which beats ~/.kube/config', async () => {
    const dir = tempDir();
    const { a, b } = two(dir);
    mkdirSync(path.join(dir, 'home', '.kube'), { recursive: true });
    writeFile(path.join(dir, 'home', '.kube'), 'config', simpleKubeconfig('https://home.example'));
    const env = { HOME: path.join(dir, 'home') };
    expect((await loadRestConfig({}, env)).server).toBe('https://home.example');
    expect((await loadRestConfig({}, { ...env, KUBECONFIG: b })).server).toBe('http://b-only.example:8080');
    expect((await loadRestConfig({ kubeconfig: a }, { ...env, KUBECONFIG: b })).server).toBe('https://a.example:6443');
  });

  it('-n beats the context namespace; --server and --token override the kubeconfig', async () => {
    const dir = tempDir();
    const { a } = two(dir);
    const cfg = await loadRestConfig({ kubeconfig: a, namespace: 'ns1', server: 'http://127.0.0.1:9', token: 'flag-token' }, {});
    expect(cfg.namespace).toBe('ns1');
    expect(cfg.server).toBe('http://127.0.0.1:9');
    expect(cfg.token).toBe('flag-token');
  });

  it('--server alone needs no kubeconfig; host:port defaults to https', async () => {
    const cfg = await loadRestConfig({ server: '127.0.0.1:6443' }, { HOME: '/nonexistent' });
    expect(cfg).toMatchObject({ server: 'https://127.0.0.1:6443', namespace: 'default', source: '--server' });
  });

  it('falls back to the in-cluster service account', async () => {
    const sa = tempDir();
    writeFile(sa, 'token', 'sa-token\n');
    writeFile(sa, 'ca.crt', 'SA-CA');
    writeFile(sa, 'namespace', 'kruise-system');
    const cfg = await loadRestConfig(
      {},
      { HOME: '/nonexistent', KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      { serviceAccountDir: sa },
    );
    expect(cfg).toMatchObject({ server: 'https://10.0.0.1:443', token: 'sa-token', namespace: 'kruise-system' });
    expect(cfg.ca?.toString()).toBe('SA-CA');
  });

  it('reads tokenFile, client certificate files and -data fields', async () => {
    const dir = tempDir();
    writeFile(dir, 'tok', 'file-token\n');
    writeFile(dir, 'c.crt', 'CERT');
    writeFile(dir, 'c.key', 'KEY');
    const kc = writeFile(
      dir,
      'kc',
      `current-context: c
clusters: [{ name: k, cluster: { server: "https://k:1", certificate-authority-data: ${Buffer.from('CADATA').toString('base64')}, tls-server-name: api.internal } }]
users:
- { name: t, user: { tokenFile: tok } }
- { name: cert, user: { client-certificate: c.crt, client-key: c.key } }
- { name: certdata, user: { client-certificate-data: ${Buffer.from('CD').toString('base64')}, client-key-data: ${Buffer.from('KD').toString('base64')} } }
contexts: [{ name: c, context: { cluster: k, user: t } }, { name: d, context: { cluster: k, user: cert } }, { name: e, context: { cluster: k, user: certdata } }]
`,
    );
    const t = await loadRestConfig({ kubeconfig: kc }, {});
    expect(t.token).toBe('file-token');
    expect(t.ca?.toString()).toBe('CADATA');
    expect(t.tlsServerName).toBe('api.internal');
    const d = await loadRestConfig({ kubeconfig: kc, context: 'd' }, {});
    expect([d.cert?.toString(), d.key?.toString()]).toEqual(['CERT', 'KEY']);
    const e = await loadRestConfig({ kubeconfig: kc, context: 'e' }, {});
    expect([e.cert?.toString(), e.key?.toString()]).toEqual(['CD', 'KD']);
    // --insecure-skip-tls-verify drops the CA; --server drops tls-server-name.
    const i = await loadRestConfig({ kubeconfig: kc, insecureSkipTlsVerify: true, server: 'https://other:2' }, {});
    expect(i.ca).toBeUndefined();
    expect(i.tlsServerName).toBeUndefined();
    expect(i.insecureSkipTlsVerify).toBe(true);
  });

  it.each([
    [
      'a missing --kubeconfig',
      (d: string) => ({ flags: { kubeconfig: path.join(d, 'nope') } }),
      /kubeconfig file .*nope does not exist \(check --kubeconfig\)/,
    ],
    [
      'malformed YAML',
      (d: string) => ({ flags: { kubeconfig: writeFile(d, 'bad', 'clusters: [\n  - {name: x\n') } }),
      /is not valid YAML: .*; fix or regenerate it/,
    ],
    [
      'a missing context',
      (d: string) => ({ flags: { kubeconfig: writeFile(d, 'k', simpleKubeconfig('https://x')), context: 'nope' } }),
      /context "nope" not found in kubeconfig .*\(known: test\); check --context/,
    ],
    [
      'a missing cluster',
      (d: string) => ({
        flags: {
          kubeconfig: writeFile(
            d,
            'k',
            'current-context: c\ncontexts: [{name: c, context: {cluster: gone, user: u}}]\nusers: [{name: u, user: {}}]\n',
          ),
        },
      }),
      /refers to cluster "gone", which is not in kubeconfig/,
    ],
    [
      'a missing user',
      (d: string) => ({
        flags: {
          kubeconfig: writeFile(
            d,
            'k',
            'current-context: c\ncontexts: [{name: c, context: {cluster: k, user: gone}}]\nclusters: [{name: k, cluster: {server: "https://k"}}]\n',
          ),
        },
      }),
      /refers to user "gone", which is not in kubeconfig/,
    ],
    [
      'an unreadable certificate',
      (d: string) => ({
        flags: {
          kubeconfig: writeFile(
            d,
            'k',
            'current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: "https://k", certificate-authority: no-such-ca.crt}}]\nusers: [{name: u, user: {}}]\n',
          ),
        },
      }),
      /cannot read cluster "k" certificate-authority .*no-such-ca.crt: no such file; fix the path in the kubeconfig/,
    ],
    [
      'no configuration at all',
      () => ({ flags: {} }),
      /no cluster to talk to: no kubeconfig found .*; pass --context, --kubeconfig or --server, or set KUBECONFIG/,
    ],
  ])('%s is a one-line ConfigError that says what to do', async (_what, setup, message) => {
    const dir = tempDir();
    const { flags } = setup(dir) as { flags: Record<string, string> };
    const err = await loadRestConfig(flags, { HOME: path.join(dir, 'home') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(message);
    expect((err as ConfigError).message).not.toContain('\n');
    expect((err as ConfigError).exitCode).toBe(1);
  });

  it('a bad --request-timeout is a usage error (exit 2)', async () => {
    const err = await loadRestConfig({ server: 'http://x', requestTimeout: 'soon' }, {}).catch((e: unknown) => e);
    expect((err as ConfigError).exitCode).toBe(2);
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    ['5s', 5000],
    ['500ms', 500],
    ['1m', 60000],
    ['1m30s', 90000],
    ['2h', 7200000],
    ['1.5s', 1500],
    ['0.0001ms', 1],
    ['1ns', 1],
    ['0.0001', 1],
    ['0s', 0],
    ['600h', 2_160_000_000],
    ['', undefined],
    ['5x', undefined],
    ['s', undefined],
    ['-1s', undefined],
  ])('%s → %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
