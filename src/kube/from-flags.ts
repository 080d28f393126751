// What every command calls: global flags + environment → a ready KubeClient.

import { mark } from '../runtime/timeline.js';
import { ConfigError } from './errors.js';
import type { HttpKubeClient } from './http-client.js';
import { type ConfigFlags, type LoadOptions, loadRestConfig } from './kubeconfig.js';
import { createRequestLogger } from './log.js';

/** The parts of the CLI's GlobalOptions the connection needs (structurally compatible with it). */
interface KubeGlobals extends ConfigFlags {
  /** -v / --v LEVEL. */
  v?: string;
}

/** The parts of the CLI's Deps the client uses (structurally compatible with it). */
interface KubeDeps {
  io: { err: { write(chunk: string): unknown } };
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** Parses `-v LEVEL` (a non-negative integer); a bad value is a usage error (exit 2). */
function parseVerbosity(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  if (!/^\d+$/.test(v.trim())) throw new ConfigError(`invalid -v "${v}": use a log level such as 6 (requests) or 8 (bodies)`, 2);
  return Number(v.trim());
}

/** Builds the client for the global flags: kubeconfig rules, -n, --server, --token, -v, --request-timeout. */
export async function clientFromGlobals(globals: KubeGlobals, deps: KubeDeps, opts: LoadOptions = {}): Promise<HttpKubeClient> {
  const level = parseVerbosity(globals.v);
  mark('kubeconfig-start');
  const cfg = await loadRestConfig(globals, deps.env, opts);
  mark('kubeconfig-loaded');
  const logger = createRequestLogger(level, (s) => deps.io.err.write(s));
  // Imported here so that commands which fail before talking to a server never load node:https.
  const { createKubeClient } = await import('./http-client.js');
  const client = createKubeClient(cfg, { logger, signal: deps.signal, env: deps.env, warn: (line) => deps.io.err.write(`${line}\n`) });
  if (level >= 6) logger.line(`Config loaded from ${cfg.source}; server ${cfg.server}; namespace ${cfg.namespace}`);
  return client;
}

/** Runs `use` with the client for the global flags, and closes the client (its kept-alive sockets) after. */
export async function withKubeClient<T>(globals: KubeGlobals, deps: KubeDeps, use: (client: HttpKubeClient) => Promise<T>): Promise<T> {
  const client = await clientFromGlobals(globals, deps);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}
