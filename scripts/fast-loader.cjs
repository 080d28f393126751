'use strict';
// Copied by scripts/build.mjs to dist/fast.cjs (with __BUNDLE__ replaced by the bundle's file name).
//
// Runs the CLI from one CommonJS bundle compiled with a V8 code cache, so that a cold start does
// not parse and compile commander, the command tree and the kube client again on every run (what
// bench/ measured: `rollout status` about a fifth faster). The cache is made at build time, one
// per V8 version, and is only ever read at run time: a node whose V8 has no cache here makes
// loadMain() return undefined, and bin/ runs the ESM build (dist/cli.mjs) as before. The bundle's
// name carries a content hash, so a cache can never meet code other than its own.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const BUNDLE = '__BUNDLE__';

function cachePath(file) {
  return `${file}.${process.arch}-v8-${process.versions.v8}.v8cache`;
}

function compile(cachedData) {
  const file = path.join(__dirname, BUNDLE);
  const source = fs.readFileSync(file, 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, __dirname);
  return { file, script, main: mod.exports.main };
}

/** The CLI's `main`, compiled from the code cache; undefined when there is no cache for this node. */
exports.loadMain = function loadMain() {
  let cachedData;
  try {
    cachedData = fs.readFileSync(cachePath(path.join(__dirname, BUNDLE)));
  } catch {
    return undefined;
  }
  return compile(cachedData).main;
};

/**
 * Build time: runs a few commands in this process (help, and `rollout status` against a canned
 * loopback server) so that the code they use is compiled, then writes the code cache.
 */
exports.produceCache = async function produceCache() {
  // The bundle's name is its content hash: an existing cache is this code's, and keeping it makes
  // a rebuild of unchanged sources byte-identical (npm pack is reproducible; V8's output is not).
  const existing = cachePath(path.join(__dirname, BUNDLE));
  if (fs.existsSync(existing)) return existing;
  const http = require('node:http');
  const os = require('node:os');
  const { file, script, main } = compile(undefined);
  const rollout = {
    apiVersion: 'rollouts.kruise.io/v1beta1',
    kind: 'Rollout',
    metadata: { name: 'warm', namespace: 'default', generation: 1, resourceVersion: '1' },
    spec: {
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'warm' },
      strategy: { canary: { steps: [{ replicas: 1 }, { replicas: '100%' }] } },
    },
    status: {
      phase: 'Healthy',
      observedGeneration: 1,
      canaryStatus: { currentStepIndex: 2, currentStepState: 'Completed', observedWorkloadGeneration: 1 },
    },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'warm', namespace: 'default', generation: 1, resourceVersion: '1' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'warm' } },
      template: { metadata: { labels: { app: 'warm' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 },
  };
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(req.url.includes('/deployments/') ? deployment : rollout));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kk-warm-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: w\n  cluster:\n    server: http://127.0.0.1:${server.address().port}\ncontexts:\n- name: w\n  context:\n    cluster: w\n    user: w\n    namespace: default\ncurrent-context: w\nusers:\n- name: w\n  user: {}\n`,
  );
  const quiet = { write: () => true, isTTY: false };
  const deps = { io: { out: quiet, err: quiet }, env: { HOME: dir, NO_COLOR: '1' } };
  try {
    for (const argv of [['--help'], ['rollout', '--help'], ['rollout', 'status', '--help'], ['version']]) await main(argv, deps);
    for (const extra of [['-o', 'json'], []]) await main(['--kubeconfig', kubeconfig, 'rollout', 'status', 'rollout/warm', ...extra], deps);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const out = cachePath(file);
  fs.writeFileSync(`${out}.${process.pid}.tmp`, script.createCachedData());
  fs.renameSync(`${out}.${process.pid}.tmp`, out);
  return out;
};
