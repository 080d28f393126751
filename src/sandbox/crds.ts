// The Kruise CRDs the sandbox serves under apiextensions.k8s.io: read from the shared reference
// folder when it is there (development), else from the copy embedded in the bundle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../kube/types.js';

let cached: KubeObject[] | undefined;

/** The package root: the nearest directory above this module with our package.json. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kubectl-kruise') return dir;
      } catch {
        // not ours
      }
    }
    dir = dirname(dir);
  }
  return undefined;
}

function fromDir(dir: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const obj = doc.toJS() as KubeObject | null;
      if (obj && obj.kind === 'CustomResourceDefinition') out.push(obj);
    }
  }
  return out;
}

/** The CRDs to serve (parsed once per process). */
export async function loadCrds(): Promise<KubeObject[]> {
  if (cached) return cached;
  const root = packageRoot();
  const dirs = root ? [join(root, '..', 'shared', 'reference', 'crds'), join(root, 'src', 'sandbox', 'crds')] : [];
  const dir = dirs.find((d) => existsSync(d));
  if (dir) cached = fromDir(dir);
  else cached = (await import('./crds/embedded.js')).EMBEDDED_CRDS as KubeObject[];
  return cached;
}
