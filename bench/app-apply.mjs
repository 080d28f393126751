// Bench section "app": `kubectl apply -f DIR` of a 200-object application (every kind of
// test/fixtures/app, copied under new names, plus objects of its CRD) into a fresh sandbox,
// against the same apply of 200 objects of the kinds the sandbox served before it took whole
// applications (ConfigMap, Secret, Service, Deployment). Wall time, medians; a figure, not a gate.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { startSandbox } from './lib/sandbox.mjs';
import { fmtMs, median } from './lib/stats.mjs';

const OBJECTS = 200;
const NS = 'bench-app';

function docsOf(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()))
    .filter(Boolean);
}

/** `count` objects: copies of `base` (renamed with a suffix, moved into NS), in order. */
function copies(base, count) {
  const out = [];
  for (let i = 0; out.length < count; i++) {
    for (const d of base) {
      if (out.length >= count) break;
      const o = structuredClone(d);
      o.metadata.name = `${o.metadata.name}-${i}`;
      if (o.metadata.namespace) o.metadata.namespace = NS;
      // Bindings name the copy of their role; a PVC its storage class.
      if (o.roleRef) o.roleRef.name = `${o.roleRef.name}-${i}`;
      for (const s of o.subjects ?? []) if (s.namespace) s.namespace = NS;
      out.push(o);
    }
  }
  return out;
}

function writeDir(dir, objects) {
  mkdirSync(dir, { recursive: true });
  for (const [i, o] of objects.entries()) writeFileSync(join(dir, `${String(i).padStart(3, '0')}.yaml`), stringify(o));
}

function kubectl(env, kubeconfig, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile('kubectl', ['--kubeconfig', kubeconfig, ...args], { env, maxBuffer: 16 << 20, timeout: 300_000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr.trim().split('\n')[0]}`));
      else resolve(performance.now() - t0);
    });
  });
}

/** Adds the "app" rows: median wall time of each apply, and their ratio. */
export async function benchAppApply({ root, tmp, env, runs, row, log }) {
  const app = join(root, 'test/fixtures/app');
  const all = docsOf(join(app, 'manifests')).filter((d) => d.kind !== 'Namespace');
  const appDir = join(tmp, 'app-200');
  writeDir(appDir, copies(all, OBJECTS));
  const OLD_KINDS = new Set(['ConfigMap', 'Secret', 'Service', 'Deployment']);
  const oldDir = join(tmp, 'old-kinds-200');
  writeDir(
    oldDir,
    copies(
      all.filter((d) => OLD_KINDS.has(d.kind)),
      OBJECTS,
    ),
  );
  log(`app: kubectl apply of ${OBJECTS} objects (every kind) vs ${OBJECTS} of ConfigMap/Secret/Service/Deployment, ${runs} runs`);
  const times = { app: [], old: [] };
  for (let r = 0; r < runs; r++) {
    for (const [key, dir] of [
      ['app', appDir],
      ['old', oldDir],
    ]) {
      const sb = await startSandbox({
        root,
        dir: tmp,
        name: `app-${key}-${r}`,
        extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'],
      });
      try {
        await kubectl(env, sb.kubeconfig, ['create', 'namespace', NS]);
        if (key === 'app') await kubectl(env, sb.kubeconfig, ['apply', '-f', join(app, 'crds')]);
        times[key].push(await kubectl(env, sb.kubeconfig, ['apply', '-f', dir]));
      } finally {
        await sb.stop();
      }
    }
  }
  const appMs = median(times.app);
  const oldMs = median(times.old);
  row('7 app', `kubectl apply -f: ${OBJECTS} ConfigMaps/Secrets/Services/Deployments`, fmtMs(oldMs));
  row(
    '7 app',
    `kubectl apply -f: ${OBJECTS} objects of every kind (+ CRD objects)`,
    `${fmtMs(appMs)} (${(appMs / oldMs).toFixed(2)}× the row above)`,
  );
  return { appMs, oldMs, times };
}
