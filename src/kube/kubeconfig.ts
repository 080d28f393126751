// Where the API server is and how to authenticate, resolved by kubectl's rules:
// --kubeconfig, else KUBECONFIG (merged, first file wins), else ~/.kube/config, else in-cluster;
// then --context, -n, --server, --token, --insecure-skip-tls-verify, --request-timeout on top.
import path from 'node:path';
import { parseDuration } from './duration.js';
import { ConfigError } from './errors.js';
import type { ExecConfig } from './exec-credential.js';
import { FileTooLargeError, readCapped } from './read-capped.js';
import { parseSimpleYaml } from './simple-yaml.js';
import { loadYaml } from './yaml.js';

/** The global flags that shape the connection (a subset of the CLI's GlobalOptions). */
export interface ConfigFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  requestTimeout?: string;
}

/** Everything needed to talk to one API server. Secrets stay in here and are never logged. */
export interface RestConfig {
  /** https://host:port (no trailing slash; may carry a path prefix). */
  server: string;
  /** -n, else the context's namespace, else 'default' (in-cluster: the service account's). */
  namespace: string;
  /** Where this came from, for messages: `kubeconfig /x/config, context "kind"`, `--server`, `in-cluster`. */
  source: string;
  contextName?: string;
  ca?: Buffer;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  username?: string;
  password?: string;
  exec?: { config: ExecConfig; dir: string; user: string };
  /** 0 = no timeout. */
  timeoutMs: number;
  /** --request-timeout as typed, for the timeout message. */
  timeoutText: string;
}

/** Options for tests and unusual environments. */
export interface LoadOptions {
  /** Service-account directory for in-cluster config. */
  serviceAccountDir?: string;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Named<T> {
  value: T;
  /** Directory of the kubeconfig the entry came from: relative paths resolve against it. */
  dir: string;
  file: string;
}

interface MergedConfig {
  files: string[];
  currentContext?: string;
  clusters: Map<string, Named<Record<string, unknown>>>;
  users: Map<string, Named<Record<string, unknown>>>;
  contexts: Map<string, Named<Record<string, unknown>>>;
}

/** Resolves flags + environment into a RestConfig (kubectl's loading rules). */
export async function loadRestConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, opts: LoadOptions = {}): Promise<RestConfig> {
  const timeoutText = flags.requestTimeout ?? '0';
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === undefined || timeoutMs < 0) {
    throw new ConfigError(`invalid --request-timeout "${timeoutText}": use a duration such as 5s, 1m or 500ms (0 means no timeout)`, 2);
  }
  const flagServer = flags.server !== undefined ? normaliseServer(flags.server, '--server') : undefined;
  // The namespace becomes a URL path segment: `..` or `a/b` would address another resource.
  if (flags.namespace) checkNamespace(flags.namespace, '', 'check -n/--namespace', 2);

  const files = kubeconfigFiles(flags, env);
  const merged = await loadMerged(files.paths, files.explicit);

  const contextName = flags.context ?? merged.currentContext;
  const haveContext = contextName !== undefined && contextName !== '';

  if (!haveContext) {
    if (flags.context === undefined && flags.server === undefined && env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
      return inCluster(flags, env, timeoutMs, timeoutText, opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
    }
    if (flags.server === undefined) {
      const where = merged.files.length
        ? `kubeconfig ${merged.files.join(':')} has no current-context`
        : `no kubeconfig found (looked at ${files.paths.join(':') || '~/.kube/config'})`;
      throw new ConfigError(`no cluster to talk to: ${where}; pass --context, --kubeconfig or --server, or set KUBECONFIG`);
    }
    // --server alone is enough: no kubeconfig needed.
    return {
      server: flagServer!,
      namespace: flags.namespace || 'default',
      source: '--server',
      insecureSkipTlsVerify: !!flags.insecureSkipTlsVerify,
      token: flags.token || undefined,
      timeoutMs,
      timeoutText,
    };
  }

  const ctx = merged.contexts.get(contextName);
  if (!ctx) {
    const known = [...merged.contexts.keys()];
    throw new ConfigError(
      `context "${contextName}" not found in kubeconfig ${merged.files.join(':') || '(none)'}${known.length ? ` (known: ${known.join(', ')})` : ''}; check --context or current-context`,
    );
  }
  const clusterName = str(ctx.value.cluster);
  const userName = str(ctx.value.user);
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!cluster && flags.server === undefined) {
    throw new ConfigError(
      `context "${contextName}" refers to cluster "${clusterName ?? ''}", which is not in kubeconfig ${merged.files.join(':')}; fix the kubeconfig or pass --server`,
    );
  }
  const user = userName ? merged.users.get(userName) : undefined;
  if (userName && !user && !flags.token) {
    throw new ConfigError(
      `context "${contextName}" refers to user "${userName}", which is not in kubeconfig ${merged.files.join(':')}; fix the kubeconfig or pass --token`,
    );
  }

  const c = cluster?.value ?? {};
  const rawServer = str(c.server);
  if (flagServer === undefined && !rawServer)
    throw new ConfigError(
      `cluster "${clusterName}" in kubeconfig ${cluster!.file} has no server; set clusters[].cluster.server or pass --server`,
    );
  const server = flagServer ?? normaliseServer(rawServer!, `cluster "${clusterName}" server`);

  const ctxNamespace = str(ctx.value.namespace);
  if (!flags.namespace && ctxNamespace)
    checkNamespace(ctxNamespace, ` in context "${contextName}" of kubeconfig ${ctx.file}`, 'fix the kubeconfig or pass -n', 1);
  const insecure = !!flags.insecureSkipTlsVerify || c['insecure-skip-tls-verify'] === true;
  const cfg: RestConfig = {
    server,
    namespace: flags.namespace || str(ctx.value.namespace) || 'default',
    source: `kubeconfig ${merged.files.join(':')}, context "${contextName}"`,
    contextName,
    insecureSkipTlsVerify: insecure,
    // --server without --tls-server-name drops the kubeconfig's tls-server-name (as kubectl does).
    tlsServerName: flags.server === undefined ? str(c['tls-server-name']) : undefined,
    timeoutMs,
    timeoutText,
  };
  // --insecure-skip-tls-verify and a CA are exclusive; the flag wins, as in kubectl.
  if (!insecure && cluster) cfg.ca = await dataOrFile(c, 'certificate-authority', cluster, `cluster "${clusterName}"`);

  if (user) {
    const u = user.value;
    const who = `user "${userName}"`;
    cfg.cert = await dataOrFile(u, 'client-certificate', user, who);
    cfg.key = await dataOrFile(u, 'client-key', user, who);
    if (!!cfg.cert !== !!cfg.key)
      throw new ConfigError(
        `${who} in kubeconfig ${user.file} has a client certificate without its key (or a key without its certificate)`,
      );
    cfg.token = str(u.token) || undefined;
    const tokenFile = str(u.tokenFile) ?? str(u['token-file']);
    if (!cfg.token && tokenFile) cfg.token = (await readText(path.resolve(user.dir, tokenFile), `${who} tokenFile`)).trim();
    if (str(u.username) !== undefined) {
      cfg.username = str(u.username);
      cfg.password = str(u.password) ?? '';
    }
    if (u.exec && typeof u.exec === 'object') cfg.exec = { config: u.exec as ExecConfig, dir: user.dir, user: userName! };
    if (u['auth-provider']) {
      throw new ConfigError(
        `${who} uses an auth-provider, which kubectl-kruise does not support; use an exec credential plugin or a token`,
      );
    }
  }
  // --token replaces whatever the kubeconfig user authenticates with (client certificates stay).
  if (flags.token) {
    cfg.token = flags.token;
    cfg.exec = undefined;
    cfg.username = cfg.password = undefined;
  }
  return cfg;
}

/** The kubeconfig files to read: --kubeconfig, else KUBECONFIG's list, else ~/.kube/config. */
function kubeconfigFiles(flags: ConfigFlags, env: NodeJS.ProcessEnv): { paths: string[]; explicit: boolean } {
  if (flags.kubeconfig) return { paths: [flags.kubeconfig], explicit: true };
  if (env.KUBECONFIG) {
    const seen = new Set<string>();
    const paths = env.KUBECONFIG.split(path.delimiter).filter((p) => p !== '' && !seen.has(p) && seen.add(p));
    return { paths, explicit: false };
  }
  const home = env.HOME || env.USERPROFILE;
  return { paths: home ? [path.join(home, '.kube', 'config')] : [], explicit: false };
}

async function loadMerged(paths: string[], explicit: boolean): Promise<MergedConfig> {
  const merged: MergedConfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of paths) {
    let text: string;
    try {
      text = (await readCapped(file, MAX_KUBECONFIG_BYTES)).toString('utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // kubectl ignores missing files in KUBECONFIG and a missing ~/.kube/config, not an explicit --kubeconfig.
      if (code === 'ENOENT' && !explicit) continue;
      if (code === 'ENOENT') throw new ConfigError(`kubeconfig file ${file} does not exist (check --kubeconfig)`);
      const why = err instanceof FileTooLargeError ? `it is ${err.message}; is it a kubeconfig?` : (err as Error).message;
      throw new ConfigError(`cannot read kubeconfig ${file}: ${why}`);
    }
    merged.files.push(file);
    if (text.trim() === '') continue;
    let doc: unknown;
    try {
      // Fast path: the plain block YAML tools write, without loading `yaml` (start-up time).
      doc = parseSimpleYaml(text);
      if (doc === undefined) doc = (await loadYaml()).parse(text);
    } catch (err) {
      // A document nested thousands deep exhausts the parser's stack: not a kubeconfig any tool wrote.
      if (err instanceof RangeError || /Maximum call stack size exceeded/.test(String((err as Error).message)))
        throw new ConfigError(`kubeconfig ${file} nests too deeply to be a kubeconfig; fix or regenerate it`);
      const first = String((err as Error).message).split('\n')[0];
      throw new ConfigError(`kubeconfig ${file} is not valid YAML: ${first}; fix or regenerate it`);
    }
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc))
      throw new ConfigError(`kubeconfig ${file} is not a kubeconfig (expected a mapping with clusters, users and contexts)`);
    const d = doc as Record<string, unknown>;
    const dir = path.dirname(path.resolve(file));
    if (!merged.currentContext && str(d['current-context'])) merged.currentContext = str(d['current-context']);
    addNamed(merged.clusters, d.clusters, 'cluster', file, dir);
    addNamed(merged.users, d.users, 'user', file, dir);
    addNamed(merged.contexts, d.contexts, 'context', file, dir);
  }
  return merged;
}

function addNamed(into: Map<string, Named<Record<string, unknown>>>, list: unknown, field: string, file: string, dir: string): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) throw new ConfigError(`kubeconfig ${file}: ${field}s must be a list; fix the kubeconfig`);
  for (const item of list) {
    const name = item && typeof item === 'object' ? str((item as Record<string, unknown>).name) : undefined;
    if (!name) throw new ConfigError(`kubeconfig ${file}: every entry of ${field}s needs a name; fix the kubeconfig`);
    // First file wins for each name (kubectl's merge rule).
    if (into.has(name)) continue;
    const value = (item as Record<string, unknown>)[field];
    into.set(name, { value: value && typeof value === 'object' ? (value as Record<string, unknown>) : {}, dir, file });
  }
}

async function inCluster(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  timeoutText: string,
  saDir: string,
): Promise<RestConfig> {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT!;
  const hint = 'is a service account mounted? (or pass --kubeconfig / --server)';
  const token = (await readText(path.join(saDir, 'token'), 'in-cluster service account token', hint)).trim();
  const insecure = !!flags.insecureSkipTlsVerify;
  const ca = insecure ? undefined : await readBytes(path.join(saDir, 'ca.crt'), 'in-cluster service account CA', hint);
  let namespace = flags.namespace;
  if (!namespace) {
    try {
      namespace = (await readCapped(path.join(saDir, 'namespace'), MAX_CREDENTIAL_FILE_BYTES)).toString('utf8').trim();
    } catch {
      namespace = undefined;
    }
  }
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    namespace: namespace || 'default',
    source: 'in-cluster service account',
    insecureSkipTlsVerify: insecure,
    ca,
    token: flags.token || token,
    timeoutMs,
    timeoutText,
  };
}

async function dataOrFile(obj: Record<string, unknown>, field: string, from: Named<unknown>, who: string): Promise<Buffer | undefined> {
  const data = str(obj[`${field}-data`]);
  if (data) {
    const buf = Buffer.from(data, 'base64');
    if (buf.length === 0) throw new ConfigError(`${who} in kubeconfig ${from.file}: ${field}-data is not valid base64`);
    return buf;
  }
  const file = str(obj[field]);
  if (!file) return undefined;
  return readBytes(path.resolve(from.dir, file), `${who} ${field}`);
}

/** Kubeconfig files: far larger than any real one (kubectl's own are kilobytes). */
const MAX_KUBECONFIG_BYTES = 16 << 20;
/** Tokens, certificates and keys: a CA bundle of every public root is under 1 MiB. */
const MAX_CREDENTIAL_FILE_BYTES = 4 << 20;

async function readBytes(file: string, what: string, hint = 'fix the path in the kubeconfig'): Promise<Buffer> {
  try {
    return await readCapped(file, MAX_CREDENTIAL_FILE_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : err instanceof FileTooLargeError
            ? `it is ${err.message}`
            : (err as Error).message;
    throw new ConfigError(`cannot read ${what} ${file}: ${why}; ${hint}`);
  }
}

async function readText(file: string, what: string, hint?: string): Promise<string> {
  return (await readBytes(file, what, hint)).toString('utf8');
}

/** A namespace is a DNS-1123 label; anything else cannot exist and must not reach a URL path. */
function checkNamespace(ns: string, where: string, fix: string, exitCode: number): void {
  if (ns.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) return;
  throw new ConfigError(
    `invalid namespace "${ns}"${where}: a namespace is lower-case letters, digits and '-' (at most 63); ${fix}`,
    exitCode,
  );
}

/** kubectl accepts `host:port` and defaults the scheme to https. */
function normaliseServer(server: string, what: string): string {
  const code = what === '--server' ? 2 : 1;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${what} "${server}" is not a URL; use https://HOST:PORT`, code);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${what} "${server}" must start with https:// or http://`, code);
  return withScheme.replace(/\/+$/, '');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
