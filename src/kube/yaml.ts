// The `yaml` package, loaded only when a kubeconfig or -o yaml needs it (it is not free to load).

type YamlModule = typeof import('yaml');

/** Imports `yaml` lazily; works both under node (ESM) and in the esbuild bundle (CommonJS interop). */
export async function loadYaml(): Promise<Pick<YamlModule, 'parse' | 'stringify'>> {
  const mod = (await import('yaml')) as YamlModule & { default?: YamlModule };
  return typeof mod.parse === 'function' ? mod : mod.default!;
}
