// The Kruise CRDs the sandbox serves under apiextensions.k8s.io: only the copy embedded in the
// build (src/sandbox/crds/*.yaml, see crds/embedded.ts), never a file read at run time. Loaded
// on first use, so commands that start no sandbox do not pay for them.
import type { KubeObject } from '../kube/types.js';

let cached: KubeObject[] | undefined;

/** The CRDs to serve (the same objects for every sandbox in the process). */
export async function loadCrds(): Promise<KubeObject[]> {
  cached ??= ((await import('./crds/embedded.js')).EMBEDDED_CRDS as KubeObject[]).filter((obj) => obj?.kind === 'CustomResourceDefinition');
  return cached;
}
