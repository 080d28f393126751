#!/usr/bin/env node
// The benchmark runner: `npm run bench` (full) or `npm run bench -- --quick` (a smoke run).
//
// Everything is measured against the built CLI (bin/kubectl-kruise → dist/) and a sandbox started
// as a child process, in one run, so every ratio compares figures taken side by side on the same
// machine at the same time. Timed commands are interleaved (A B C, A B C, …) so that a noisy
// neighbour slows every command alike; figures are medians.
//
// Flags: --quick (fewer runs, smaller sizes), --only=startup,requests,reconcile,traffic,canary,watch,sandbox,availability,app,cloneset,daemonset,dashboard,
//        --sea PATH (the single executable; default dist-sea/kubectl-kruise when built),
//        --json=FILE (also write the figures as JSON), -n N (runs per timed command).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { benchAppApply } from './app-apply.mjs';
import { benchCloneSetRelease, benchDaemonSetRelease } from './cloneset-release.mjs';
import { benchDashboard } from './dashboard.mjs';
import { deployment, jsonClient, paths, pool, resetPaused, rollout, seedPairs, seedPaused, seedTrafficPairs } from './lib/http.mjs';
import { fanOut, loadGet, loadPut } from './lib/load.mjs';
import { haveCpuTime, haveGnuTime, probe, procStatusKiB, runTimed } from './lib/proc.mjs';
import { describeRequests, startCountingProxy, startSandbox, writeKubeconfig } from './lib/sandbox.mjs';
import { fmtInt, fmtKiB, fmtMs, fmtRatio, median, quantile, table } from './lib/stats.mjs';
import { ndjsonReader } from './lib/watch-reader.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/kubectl-kruise');

// ---- options ---------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`) || (name.length === 1 && a === `-${name}`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
};
const QUICK = flag('quick');
const RUNS = Number(value('n') ?? (QUICK ? 3 : 10));
const ONLY = value('only')?.split(',');
const JSON_OUT = value('json');
// A/B: another build's bin (e.g. a copy of the tree with one change) timed side by side.
const COMPARE_BIN = value('compare-bin');
// The single executable (scripts/build-sea.mjs): --sea PATH, else dist-sea/ when it was built.
const SEA = value('sea') ?? (existsSync(join(ROOT, 'dist-sea/kubectl-kruise')) ? join(ROOT, 'dist-sea/kubectl-kruise') : undefined);
const P = QUICK
  ? { runs: RUNS, sizes: [100, 300], watchChanges: 1000, idleMs: 1000, loadMs: 1000, fanWatchers: 100, fanEvents: 30, listRuns: 3 }
  : { runs: RUNS, sizes: [100, 1000], watchChanges: 10_000, idleMs: 2000, loadMs: 3000, fanWatchers: 100, fanEvents: 200, listRuns: 5 };
const want = (section) => !ONLY || ONLY.includes(section);

const TMP = mkdtempSync(join(tmpdir(), 'kk-bench-'));
const HOME = join(TMP, 'home');
mkdirSync(HOME);
// kubectl and kubectl-kruise see the same clean environment: no user kubeconfig, no colour.
const ENV = { PATH: process.env.PATH, HOME, NO_COLOR: '1', TERM: 'dumb', LANG: 'C' };

const rows = []; // [section, figure, measured, target, verdict]
const figures = {}; // machine-readable copy
const log = (s) => process.stderr.write(`bench: ${s}\n`);
const verdict = (ok) => (ok === undefined ? 'info' : ok ? 'PASS' : 'MISS');
const row = (section, figure, measured, target, ok) => rows.push([section, figure, measured, target ?? '', verdict(ok)]);

const kk = (...args) => [BIN, args];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs each command `runs` times, interleaved (A B C, A B C, …), after one untimed warm-up round.
 * Keeps every round's figures (NaN for a failed run) so that ratios can be paired by round.
 */
async function interleaved(cmds, runs) {
  const samples = Object.fromEntries(Object.keys(cmds).map((k) => [k, { ms: [], cpu: [], rss: [], failures: 0 }]));
  for (let round = -1; round < runs; round++) {
    for (const [key, [cmd, args, check, env]] of Object.entries(cmds)) {
      const r = await runTimed(cmd, args, { env: env ?? ENV, cwd: ROOT, tmp: TMP });
      const s = samples[key];
      const ok = r.code === 0 && (!check || check(r));
      if (!ok) {
        s.failures++;
        if (s.failures === 1) log(`${key} failed (exit ${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}`);
      }
      if (round < 0) continue;
      s.ms.push(ok ? r.ms : NaN);
      s.cpu.push(ok ? r.cpuMs : NaN);
      s.rss.push(ok ? r.rssKiB : NaN);
    }
  }
  const finite = (xs) => xs.filter(Number.isFinite);
  return Object.fromEntries(
    Object.entries(samples).map(([k, s]) => [
      k,
      { ...s, medMs: median(finite(s.ms)), medCpu: median(finite(s.cpu)), medRss: median(finite(s.rss)), n: finite(s.ms).length },
    ]),
  );
}

/** Median over rounds of a[i] / b[i] (rounds where both ran): a ratio that a load swing mid-run does not skew. */
function pairedRatio(a, b, field = 'ms') {
  const r = [];
  for (let i = 0; i < a[field].length; i++)
    if (Number.isFinite(a[field][i]) && Number.isFinite(b[field][i])) r.push(a[field][i] / b[field][i]);
  return median(r);
}

const isJson = (r) => {
  try {
    JSON.parse(r.stdout);
    return true;
  } catch {
    return false;
  }
};

/** Waits until the sandbox's resourceVersion stops moving (its controllers are done). */
async function settle(c, quietMs = 400, maxMs = 120_000) {
  const start = performance.now();
  let last;
  let since = performance.now();
  while (performance.now() - start < maxMs) {
    const r = await c.request('GET', '/api/v1/namespaces');
    const rv = r.json?.metadata?.resourceVersion;
    if (rv !== last) {
      last = rv;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) return;
    await sleep(100);
  }
}

// ---- sections --------------------------------------------------------------------------------

/**
 * (1) start-up: status and --help against kubectl and node, plus the reference baselines; each
 * with and without NODE_EXTRA_CA_CERTS (set in many corporate and CI images: node then builds its
 * whole root store at start-up), and the single executable when it is built (`npm run build:sea`).
 */
async function benchStartup(ctx) {
  const { kc, url, haveKubectl } = ctx;
  const roUrl = `${url}${paths.rollout('default', 'rollouts-demo')}`;
  const CA = { ...ENV, NODE_EXTRA_CA_CERTS: extraCaFile() };
  const statusArgs = ['--kubeconfig', kc, 'rollout', 'status', 'rollout/rollouts-demo', '-o', 'json'];
  const kubectlArgs = ['--kubeconfig', kc, 'get', 'rollouts.rollouts.kruise.io', 'rollouts-demo', '-o', 'json'];
  const helpOk = (r) => r.stdout.includes('rollout');
  const cmds = {
    node: [process.execPath, ['-e', '0']],
    help: [...kk('--help'), helpOk],
    status: [...kk(...statusArgs), isJson],
    ...(haveKubectl ? { kubectl: ['kubectl', kubectlArgs, isJson] } : {}),
    nodeCa: [process.execPath, ['-e', '0'], undefined, CA],
    helpCa: [...kk('--help'), helpOk, CA],
    statusCa: [...kk(...statusArgs), isJson, CA],
    // What the V8 code cache (src/runtime/launch.ts) buys: the same build with it turned off.
    statusNoCache: [...kk(...statusArgs), isJson, { ...ENV, KUBECTL_KRUISE_NO_CODE_CACHE: '1' }],
    helpNoCache: [...kk('--help'), helpOk, { ...ENV, KUBECTL_KRUISE_NO_CODE_CACHE: '1' }],
    // What the sh line of bin/ saves: node started directly, paying for the variable.
    statusCaDirect: [process.execPath, [BIN, ...statusArgs], isJson, CA],
    ...(haveKubectl ? { kubectlCa: ['kubectl', kubectlArgs, isJson, CA] } : {}),
    ...(SEA
      ? {
          seaHelp: [SEA, ['--help'], helpOk],
          seaStatus: [SEA, statusArgs, isJson],
          seaStatusCa: [SEA, statusArgs, isJson, CA],
        }
      : {}),
    bareGet: [process.execPath, [join(ROOT, 'bench/lib/baseline-http-get.mjs'), roUrl], isJson],
    ...(COMPARE_BIN
      ? {
          statusB: [COMPARE_BIN, statusArgs, isJson],
          helpB: [COMPARE_BIN, ['--help'], helpOk],
        }
      : {}),
    ...(ctx.haveClientNode
      ? { clientNode: [process.execPath, [join(ROOT, 'bench/lib/baseline-client-node.mjs'), kc, 'default', 'rollouts-demo'], isJson] }
      : {}),
  };
  if (haveKubectl) await runTimed('kubectl', kubectlArgs, { env: ENV }); // warm the discovery cache
  log(`start-up: ${Object.keys(cmds).join(', ')} × ${P.runs} (interleaved)`);
  const m = await interleaved(cmds, P.runs);
  figures.startup = Object.fromEntries(
    Object.entries(m).map(([k, v]) => [
      k,
      { ms: v.medMs, cpuMs: v.medCpu, rssKiB: v.medRss, n: v.n, failures: v.failures, samplesMs: v.ms },
    ]),
  );
  const S = '1 start-up';
  const abs = (v) =>
    `${fmtMs(v.medMs)}${haveCpuTime ? ` (CPU ${fmtMs(v.medCpu)})` : ''}${haveGnuTime ? `, ${fmtKiB(v.medRss)} peak` : ''}${v.failures ? ` [${v.failures} runs failed]` : ''}`;
  // Wall-time ratio (the target), then the CPU-time ratio, which a busy machine moves less.
  const ratio = (a, b) => `${fmtRatio(pairedRatio(a, b))}${haveCpuTime ? ` (CPU ${fmtRatio(pairedRatio(a, b, 'cpu'))})` : ''}`;
  const target = (a, b, max) => a.failures === 0 && pairedRatio(a, b) <= max;
  const k = m.kubectl;
  row(S, '`node -e 0`', abs(m.node));
  if (k) row(S, '`kubectl get rollouts.rollouts.kruise.io X -o json`, warm discovery cache', abs(k));
  else row(S, 'kubectl', 'not installed: no ratio against kubectl', '', false);
  row(S, '`kubectl-kruise rollout status rollout/X -o json`, cold process', abs(m.status));
  if (k) {
    row(S, '  status ÷ kubectl get', ratio(m.status, k), '≤ 0.90×', target(m.status, k, 0.9));
    if (haveGnuTime) row(S, '  status peak RSS ÷ kubectl', fmtRatio(pairedRatio(m.status, k, 'rss')));
  }
  row(S, '`kubectl-kruise --help`', abs(m.help));
  row(S, '  --help ÷ node -e 0', ratio(m.help, m.node), '≤ 1.50×', target(m.help, m.node, 1.5));

  row(
    S,
    'the code cache (made by the warm-up round in the private HOME): status / --help ÷ the same with KUBECTL_KRUISE_NO_CODE_CACHE=1',
    `${ratio(m.status, m.statusNoCache)} / ${ratio(m.help, m.helpNoCache)}`,
    'status ≤ 0.90× (else drop it)',
    pairedRatio(m.status, m.statusNoCache) <= 0.9,
  );

  const ca = `NODE_EXTRA_CA_CERTS=${CA.NODE_EXTRA_CA_CERTS}`;
  row(S, `with ${ca}: \`node -e 0\``, `${abs(m.nodeCa)}; ÷ unset ${ratio(m.nodeCa, m.node)}`);
  if (m.kubectlCa) row(S, '  with it: kubectl get', abs(m.kubectlCa));
  row(S, '  with it: status', abs(m.statusCa));
  if (m.kubectlCa)
    row(S, '  with it: status ÷ kubectl get', ratio(m.statusCa, m.kubectlCa), '≤ 0.90×', target(m.statusCa, m.kubectlCa, 0.9));
  row(
    S,
    '  with it: status, node started directly (no sh line)',
    `${abs(m.statusCaDirect)}; ÷ through bin/ ${ratio(m.statusCaDirect, m.statusCa)}`,
  );
  row(S, '  with it: --help ÷ node -e 0 (unset)', ratio(m.helpCa, m.node));

  if (m.seaStatus) {
    row(S, `single executable (${SEA})`, `--help ${abs(m.seaHelp)}; status ${abs(m.seaStatus)}`);
    row(S, '  binary status ÷ npm build status', ratio(m.seaStatus, m.status), '≤ 1.00×', target(m.seaStatus, m.status, 1));
    row(S, '  binary --help ÷ npm build --help', ratio(m.seaHelp, m.help));
    if (k) row(S, '  binary status ÷ kubectl get', ratio(m.seaStatus, k));
    row(S, '  with it: binary status ÷ npm build status', ratio(m.seaStatusCa, m.statusCa));
  } else row(S, 'single executable', 'not built (npm run build:sea); no rows', '');

  row(S, 'reference: bare node:http GET script', abs(m.bareGet));
  if (k) row(S, '  bare GET ÷ kubectl', ratio(m.bareGet, k));
  row(S, '  status ÷ bare GET (what the CLI adds)', ratio(m.status, m.bareGet));
  if (m.clientNode) {
    row(S, 'reference: naive @kubernetes/client-node 1.4 GET', abs(m.clientNode));
    if (k) row(S, '  client-node GET ÷ kubectl', ratio(m.clientNode, k));
  }
  if (m.statusB) {
    row(
      S,
      `A/B: status with ${COMPARE_BIN}`,
      `${abs(m.statusB)}; ÷ this tree ${ratio(m.statusB, m.status)}${k ? `; ÷ kubectl ${ratio(m.statusB, k)}` : ''}`,
    );
    row(S, `A/B: --help with ${COMPARE_BIN}`, `${abs(m.helpB)}; ÷ this tree ${ratio(m.helpB, m.help)}; ÷ node ${ratio(m.helpB, m.node)}`);
  }
  await startupTimeline(statusArgs);
}

/** A CA bundle for the NODE_EXTRA_CA_CERTS rows: the system's, else node's own roots in a file. */
function extraCaFile() {
  const system = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'].find((f) => existsSync(f));
  if (system) return system;
  const file = join(TMP, 'extra-ca.pem');
  writeFileSync(file, `${tls.rootCertificates.join('\n')}\n`);
  return file;
}

/**
 * The timeline of one `status -o json` run (KUBECTL_KRUISE_TIMELINE=1, src/runtime/timeline.ts):
 * medians over the runs of each phase's end, in ms since the process started.
 */
async function startupTimeline(statusArgs) {
  const runs = [];
  for (let i = 0; i < P.runs; i++) {
    const r = await runTimed(BIN, statusArgs, { env: { ...ENV, KUBECTL_KRUISE_TIMELINE: '1' }, cwd: ROOT });
    const line = r.stderr.split('\n').find((l) => l.startsWith('{"timeline"'));
    if (r.code === 0 && line) runs.push(JSON.parse(line).timeline);
  }
  if (runs.length === 0) return row('1 start-up', 'timeline of status', 'no timeline printed', '', false);
  const at = (f) => median(runs.map(f).filter(Number.isFinite));
  const markAt =
    (name, nth = 0) =>
    (t) =>
      t.marks.filter(([n]) => (typeof name === 'string' ? n === name : name.test(n)))[nth]?.[1];
  const phases = [
    ['node: V8 and environment up', (t) => t.node.environment],
    ['node: bootstrap complete', (t) => t.node.bootstrapComplete],
    ['bin/ shim running (the shim read and compiled)', markAt('shim')],
    ['dist/cli.cjs loaded (read, compiled from the code cache, top level run)', markAt('loaded')],
    ['main(): program built, argv parsed, status command loaded', markAt('kubeconfig-start')],
    ['kubeconfig read', markAt('kubeconfig-loaded')],
    ['request 1 sent (GET the Rollout)', markAt(/^GET (?!.* answered$)/, 0)],
    ['request 1 answered', markAt(/ answered$/, 0)],
    ['request 2 sent (GET the workload)', markAt(/^GET (?!.* answered$)/, 1)],
    ['request 2 answered', markAt(/ answered$/, 1)],
    ['view built and printed, main() returned', markAt('returned')],
    ['process exit', (t) => t.exit],
  ];
  let prev = 0;
  const timeline = [];
  for (const [label, f] of phases) {
    const t = at(f);
    timeline.push({ label, at: t, delta: t - prev });
    row('1 start-up', `timeline of status: ${label}`, `at ${fmtMs(t)} (+${fmtMs(t - prev)})`);
    prev = t;
  }
  figures.timeline = timeline;
}

/** (2) requests per command, counted by a proxy in front of the sandbox. */
async function benchRequests(ctx) {
  const { c, proxy, kcProxy } = ctx;
  const count = async (args) => {
    const from = proxy.log.length;
    const r = await runTimed(BIN, ['--kubeconfig', kcProxy, ...args], { env: ENV, cwd: ROOT });
    return { r, reqs: proxy.since(from) };
  };
  log('requests: approve, pause, resume, status, watch');
  await resetPaused(c, 'default', 'rollouts-demo');
  const approve = await count(['rollout', 'approve', 'rollout/rollouts-demo']);
  const ok2 = (x, n) => x.r.code === 0 && x.reqs.length === n;
  row(
    '2 requests',
    'approve (uncontended)',
    `${describeRequests(approve.reqs)}${approve.r.code ? ` (exit ${approve.r.code}: ${approve.r.stderr.trim()})` : ''}`,
    'GET 1 + PUT 1',
    ok2(approve, 2) && approve.reqs[0].method === 'GET' && approve.reqs[1].method === 'PUT',
  );
  const pause = await count(['rollout', 'pause', 'rollout/rollouts-demo']);
  row('2 requests', 'pause', describeRequests(pause.reqs), '2', ok2(pause, 2));
  const resume = await count(['rollout', 'resume', 'rollout/rollouts-demo']);
  row('2 requests', 'resume', describeRequests(resume.reqs), '2', ok2(resume, 2));
  const status = await count(['rollout', 'status', 'rollout/rollouts-demo', '-o', 'json']);
  // The Rollout, its workload, its BatchRelease while Progressing, and one LIST of the workload's pods.
  const podLists = status.reqs.filter((q) => q.path.endsWith('/pods')).length;
  row(
    '2 requests',
    'status',
    describeRequests(status.reqs),
    '≤ 4 (pods: 1 LIST)',
    status.r.code === 0 && status.reqs.length <= 4 && podLists <= 1,
  );
  figures.requests = { approve: approve.reqs.length, pause: pause.reqs.length, resume: resume.reqs.length, status: status.reqs.length };

  // watch: connect, stay idle, one change, one dropped connection.
  await resetPaused(c, 'default', 'rollouts-demo', 'bench-watch-0');
  const from = proxy.log.length;
  const child = spawn(
    process.execPath,
    [BIN, '--kubeconfig', kcProxy, 'rollout', 'watch', 'rollouts-demo', '--until', 'completed', '-o', 'json'],
    { env: ENV, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const reader = ndjsonReader(child.stdout);
  try {
    await reader.waitFor((o) => String(o.message).includes('bench-watch-0'), 15_000);
    await sleep(300);
    const initial = proxy.since(from);
    const streams = initial.filter((r) => r.watch).length;
    const idleFrom = proxy.log.length;
    await sleep(P.idleMs);
    const idle = proxy.since(idleFrom);
    const changeFrom = proxy.log.length;
    await resetPaused(c, 'default', 'rollouts-demo', 'bench-watch-1');
    await reader.waitFor((o) => String(o.message).includes('bench-watch-1'), 10_000);
    await sleep(200);
    const change = proxy.since(changeFrom);
    const dropFrom = proxy.log.length;
    proxy.dropAll();
    const t0 = performance.now();
    while (proxy.since(dropFrom).filter((r) => r.watch).length < streams && performance.now() - t0 < 5000) await sleep(50);
    await sleep(500);
    const reconnect = proxy.since(dropFrom);
    await resetPaused(c, 'default', 'rollouts-demo', 'bench-watch-2');
    const after = await reader
      .waitFor((o) => String(o.message).includes('bench-watch-2'), 10_000)
      .then(
        () => true,
        () => false,
      );
    figures.requests.watch = {
      initial: initial.length,
      streams,
      idle: idle.length,
      change: change.length,
      reconnect: reconnect.length,
      seesChangesAfterReconnect: after,
    };
    row(
      '2 requests',
      `watch: to first output (${streams} stream${streams === 1 ? '' : 's'})`,
      `${describeRequests(initial)} = ${fmtRatio(initial.length / Math.max(1, streams)).replace('×', '')} per stream`,
      '1 per stream',
      streams > 0 && initial.length === streams,
    );
    row('2 requests', `watch: while nothing changes (${fmtMs(P.idleMs)})`, describeRequests(idle), '0', idle.length === 0);
    row('2 requests', 'watch: one status change', describeRequests(change), '0 (same stream)', change.length === 0);
    row(
      '2 requests',
      'watch: after the connections drop',
      `${describeRequests(reconnect)}${after ? '' : ' — and no output after it!'}`,
      '1 per stream',
      after && reconnect.length === streams,
    );
  } catch (err) {
    row('2 requests', 'watch', `failed: ${err.message} ${stderr.trim().slice(0, 200)}`, '1 per stream', false);
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * (3t) reconcile-once -A over N rollouts routing traffic through a Service and an nginx Ingress
 * each (docs/controller.md §16): the first pass, the pass that starts N releases (the stable
 * Services narrowed to their revision), and the pass after the grace period (the first batches).
 */
async function benchReconcileTraffic(_ctx, { canaryStyle = false } = {}) {
  // 3c: the same in canary style, each release creating a canary Deployment (docs/controller.md §18).
  const section = canaryStyle ? '3c canary style' : '3t traffic';
  const tag = canaryStyle ? 'canary' : 'traffic';
  const results = [];
  for (const size of P.sizes) {
    const sb = await startSandbox({
      root: ROOT,
      dir: TMP,
      name: `${tag}-${size}`,
      extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'],
    });
    const proxy = await startCountingProxy(sb.url);
    const kc = writeKubeconfig(join(TMP, `${tag}-${size}-proxy.kc`), proxy.url);
    const c = jsonClient(sb.url);
    try {
      const empty = [];
      for (let i = 0; i < Math.max(3, Math.min(P.runs, 5)); i++)
        empty.push((await runTimed(BIN, ['--kubeconfig', kc, 'rollout', 'reconcile-once', '-A'], { env: ENV, cwd: ROOT })).ms);
      const fixed = median(empty);
      log(`${tag}: seeding ${size} Services + Ingresses + Deployments + Rollouts`);
      await seedTrafficPairs(c, 'bench', size, { parallel: 16, replicas: 2, canaryStyle });
      await settle(c);
      const pass = async () => {
        const from = proxy.log.length;
        const r = await runTimed(BIN, ['--kubeconfig', kc, 'rollout', 'reconcile-once', '-A', '-o', 'json'], {
          env: ENV,
          cwd: ROOT,
          tmp: TMP,
        });
        const lines = r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        return { ms: r.ms, code: r.code, reqs: proxy.since(from), passes: lines.length, stderr: r.stderr };
      };
      const first = await pass();
      await settle(c);
      // A new template for every Deployment: admission pauses each for its Rollout.
      await pool(
        Array.from({ length: size }, (_, i) => i),
        16,
        async (i) => {
          const d = await c.must('GET', `${paths.deployments('bench')}/app-${i}`);
          d.spec.template.spec.containers[0].env = [{ name: 'VERSION', value: 'version-2' }];
          await c.must('PUT', `${paths.deployments('bench')}/app-${i}`, d);
        },
      );
      await settle(c);
      const start = await pass();
      await settle(c);
      await sleep(3200); // the grace period after the stable Services changed
      const batch = await pass();
      const services = (await c.request('GET', '/api/v1/namespaces/bench/services')).json?.items ?? [];
      const narrowed = services.filter((s) => s.spec?.selector?.['pod-template-hash']).length;
      const deployments = (await c.request('GET', '/apis/apps/v1/namespaces/bench/deployments')).json?.items ?? [];
      const canaries = deployments.filter((d) => d.metadata.labels?.['rollouts.kruise.io/canary-deployment']).length;
      results.push({ size, fixed, first, start, batch, narrowed, canaries });
    } finally {
      c.close();
      await proxy.close();
      await sb.stop();
    }
  }
  figures[canaryStyle ? 'canaryStyle' : 'traffic'] = results.map((r) => ({
    size: r.size,
    fixedMs: r.fixed,
    narrowedServices: r.narrowed,
    canaryDeployments: r.canaries,
    ...Object.fromEntries(
      ['first', 'start', 'batch'].map((k) => [k, { ms: r[k].ms, requests: describeRequests(r[k].reqs), passes: r[k].passes }]),
    ),
  }));
  const perRollout = (r, p) => (p.ms - r.fixed) / r.size;
  for (const r of results) {
    // Reads: 7 LISTs, then each further pass of a rollout (reconcile-once goes on while the state
    // changes) re-reads it: 7 GETs (Rollout, Deployment, BatchRelease, 2 Services, 2 Ingresses)
    // and 2 LISTs (ReplicaSets, pods), in canary style a third (the canary Deployments by label).
    // Writes: only the needed ones (canary style: one more, the canary Deployment's create).
    const readsPer = canaryStyle ? 20 : 18;
    for (const [label, p, writesPer] of [
      ['first pass', r.first, 4],
      ['releases start (stable Services narrowed)', r.start, 4],
      ['after the grace period (first batches)', r.batch, canaryStyle ? 9 : 8],
    ]) {
      const reads = p.reqs.filter((q) => q.method === 'GET' && !q.watch).length;
      const writes = p.reqs.filter((q) => q.method !== 'GET').length;
      const good = p.code === 0 && p.passes === r.size;
      row(
        section,
        `-A over ${fmtInt(r.size)} with Service + Ingress: ${label}`,
        `${fmtMs(p.ms)} (${fmtMs(perRollout(r, p))}/rollout); ${describeRequests(p.reqs)}${good ? '' : `; exit ${p.code}, ${p.passes}/${r.size} ${p.stderr.trim().split('\n')[0] ?? ''}`}`,
        `≤ 7 + ${readsPer}/rollout reads, ≤ ${writesPer} writes/rollout`,
        good && reads <= 7 + readsPer * r.size && writes <= writesPer * r.size,
      );
    }
    if (canaryStyle)
      row(
        section,
        `-A over ${fmtInt(r.size)}: canary Deployments after the first batches`,
        `${fmtInt(r.canaries)}`,
        'one per rollout',
        r.canaries === r.size,
      );
    row(
      section,
      `-A over ${fmtInt(r.size)}: stable Services narrowed to their revision`,
      `${fmtInt(r.narrowed)}`,
      'all',
      r.narrowed === r.size,
    );
  }
  if (results.length >= 2) {
    const [a, b] = [results[0], results[results.length - 1]];
    const ratio = perRollout(b, b.start) / perRollout(a, a.start);
    row(
      section,
      `per-rollout cost ${fmtInt(b.size)} ÷ ${fmtInt(a.size)} (releases start)`,
      `${fmtRatio(ratio)} (${fmtMs(perRollout(b, b.start))} vs ${fmtMs(perRollout(a, a.start))})`,
      'flat (≤ 1.5×)',
      ratio <= 1.5,
    );
    if (canaryStyle) {
      const batchRatio = perRollout(b, b.batch) / perRollout(a, a.batch);
      row(
        section,
        `per-rollout cost ${fmtInt(b.size)} ÷ ${fmtInt(a.size)} (first batches: canary Deployments created)`,
        `${fmtRatio(batchRatio)} (${fmtMs(perRollout(b, b.batch))} vs ${fmtMs(perRollout(a, a.batch))})`,
        'flat (≤ 1.5×)',
        batchRatio <= 1.5,
      );
    }
  }
}

/** (3) reconcile-once -A over N rollouts with their Deployments: requests, writes, wall time. */
async function benchReconcile(_ctx) {
  const results = [];
  for (const size of P.sizes) {
    const sb = await startSandbox({
      root: ROOT,
      dir: TMP,
      name: `reconcile-${size}`,
      extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'],
    });
    const proxy = await startCountingProxy(sb.url);
    const kc = writeKubeconfig(join(TMP, `reconcile-${size}-proxy.kc`), proxy.url);
    const c = jsonClient(sb.url);
    try {
      // Fixed cost: the same command over an empty cluster (process start + the lists).
      const empty = [];
      for (let i = 0; i < Math.max(3, Math.min(P.runs, 5)); i++)
        empty.push((await runTimed(BIN, ['--kubeconfig', kc, 'rollout', 'reconcile-once', '-A'], { env: ENV, cwd: ROOT })).ms);
      const fixed = median(empty);
      log(`reconcile: seeding ${size} Deployments + Rollouts`);
      const s0 = performance.now();
      await seedPairs(c, 'bench', size, { parallel: 16, replicas: 2 });
      await settle(c);
      log(`reconcile: seeded ${size} in ${fmtMs(performance.now() - s0)}`);
      const pass = async () => {
        const from = proxy.log.length;
        const r = await runTimed(BIN, ['--kubeconfig', kc, 'rollout', 'reconcile-once', '-A', '-o', 'json'], {
          env: ENV,
          cwd: ROOT,
          tmp: TMP,
        });
        const reqs = proxy.since(from);
        const lines = r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        return {
          ms: r.ms,
          rssKiB: r.rssKiB,
          code: r.code,
          reqs,
          passes: lines.length,
          ok: lines.filter((l) => l.ok).length,
          stderr: r.stderr,
        };
      };
      const p1 = await pass();
      await settle(c);
      const p2 = await pass();
      // (5) a list of N objects, straight from the sandbox.
      const listMs = [];
      for (let i = 0; i < P.listRuns; i++) {
        const t = performance.now();
        const r = await c.request('GET', paths.rollouts('bench'));
        listMs.push(performance.now() - t);
        if (r.json?.items?.length !== size) throw new Error(`list returned ${r.json?.items?.length} rollouts, want ${size}`);
      }
      const allListMs = [];
      for (let i = 0; i < P.listRuns; i++) {
        const t = performance.now();
        await c.request('GET', '/api/v1/pods');
        allListMs.push(performance.now() - t);
      }
      results.push({ size, fixed, p1, p2, listMs: median(listMs), podsListMs: median(allListMs) });
    } finally {
      c.close();
      await proxy.close();
      await sb.stop();
    }
  }
  figures.reconcile = results.map((r) => ({
    size: r.size,
    fixedMs: r.fixed,
    pass1: { ms: r.p1.ms, rssKiB: r.p1.rssKiB, requests: describeRequests(r.p1.reqs), ok: r.p1.ok, passes: r.p1.passes },
    pass2: { ms: r.p2.ms, requests: describeRequests(r.p2.reqs), ok: r.p2.ok, passes: r.p2.passes },
    listMs: r.listMs,
    podsListMs: r.podsListMs,
  }));
  const perRollout = (r, p) => (p.ms - r.fixed) / r.size;
  for (const r of results) {
    for (const [label, p] of [
      ['pass 1', r.p1],
      ['pass 2 (steady)', r.p2],
    ]) {
      const lists = p.reqs.filter((q) => q.method === 'GET' && !q.watch).length;
      const writes = p.reqs.filter((q) => q.method !== 'GET').length;
      const good = p.code === 0 && p.passes === r.size;
      row(
        '3 reconcile',
        `-A over ${fmtInt(r.size)}: ${label}`,
        `${fmtMs(p.ms)} (${fmtMs(perRollout(r, p))}/rollout after ${fmtMs(r.fixed)} fixed); ${describeRequests(p.reqs)}${good ? '' : `; exit ${p.code}, ${p.passes}/${r.size} passes ${p.stderr.trim().split('\n')[0] ?? ''}`}`,
        label === 'pass 1' ? 'a handful of lists + needed writes' : 'lists only, 0 writes',
        good && lists <= 8 && (label === 'pass 1' ? writes <= 3 * r.size : writes === 0),
      );
    }
    if (haveGnuTime) row('3 reconcile', `-A over ${fmtInt(r.size)}: peak RSS`, fmtKiB(r.p1.rssKiB));
  }
  if (results.length >= 2) {
    const [a, b] = [results[0], results[results.length - 1]];
    const ratio = perRollout(b, b.p1) / perRollout(a, a.p1);
    row(
      '3 reconcile',
      `per-rollout cost ${fmtInt(b.size)} ÷ ${fmtInt(a.size)} (pass 1)`,
      `${fmtRatio(ratio)} (${fmtMs(perRollout(b, b.p1))} vs ${fmtMs(perRollout(a, a.p1))})`,
      'flat (≤ 1.5×)',
      ratio <= 1.5,
    );
  }
  for (const r of results) {
    row(
      '5 sandbox',
      `list of ${fmtInt(r.size)} rollouts (direct GET)`,
      fmtMs(r.listMs),
      r.size >= 1000 ? '≪ 1 s (≤ 250 ms)' : '',
      r.size >= 1000 ? r.listMs <= 250 : undefined,
    );
    row('5 sandbox', `list of all ${fmtInt(r.size * 2)} pods`, fmtMs(r.podsListMs));
  }
}

/** (4) `rollout watch -o json` over many status changes: RSS and event-to-output latency. */
async function benchWatch(ctx) {
  const { c, kc } = ctx;
  const ns = 'wbench';
  let ro = await seedPaused(c, ns, 'watch-bench', 'watch-app');
  const status0 = ro.status;
  const child = spawn(
    process.execPath,
    [BIN, '--kubeconfig', kc, '-n', ns, 'rollout', 'watch', 'watch-bench', '--until', 'completed', '-o', 'json'],
    { env: ENV, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const seen = new Map();
  const reader = ndjsonReader(child.stdout, (obj, t) => {
    const m = /bench-(\d+)/.exec(String(obj.message));
    if (m && !seen.has(Number(m[1]))) seen.set(Number(m[1]), t);
  });
  const N = P.watchChanges;
  const lat = [];
  const rss = [];
  let missing = 0;
  try {
    await reader.waitFor(() => true, 15_000);
    await sleep(200);
    rss.push({ at: 0, kib: procStatusKiB(child.pid, 'VmRSS') });
    log(`watch: ${fmtInt(N)} status changes, one at a time (PUT, then wait for its line)`);
    const t0 = performance.now();
    for (let i = 1; i <= N; i++) {
      const body = {
        ...ro,
        status: { ...status0, message: `Rollout is in step(1/3), and you need manually confirm to enter the next step bench-${i}` },
      };
      ro = await c.must('PUT', paths.rollout(ns, 'watch-bench', 'status'), body);
      const tResp = performance.now();
      if (!seen.has(i)) {
        try {
          await reader.waitFor((o) => String(o.message).endsWith(`bench-${i}`), 5000);
        } catch {
          missing++;
        }
      }
      if (seen.has(i)) lat.push(Math.max(0, seen.get(i) - tResp));
      seen.delete(i);
      if (i % Math.max(1, N / 10) === 0) rss.push({ at: i, kib: procStatusKiB(child.pid, 'VmRSS') });
    }
    const elapsed = performance.now() - t0;
    const hwm = procStatusKiB(child.pid, 'VmHWM');
    const start = rss[0].kib;
    // Steady state is judged from 1,000 changes on (the heap grows to its working size first);
    // a run shorter than 2,000 changes (--quick) reports the figures without a verdict.
    const warmAt = rss.find((x) => x.at >= 1000 && x.at < N);
    const warm = warmAt?.kib ?? NaN;
    const end = rss[rss.length - 1].kib;
    figures.watch = {
      changes: N,
      elapsedMs: elapsed,
      p50: quantile(lat, 0.5),
      p99: quantile(lat, 0.99),
      max: Math.max(...lat),
      missing,
      rssKiB: rss,
      hwmKiB: hwm,
    };
    row(
      '4 watch',
      `${fmtInt(N)} status changes`,
      `${fmtMs(elapsed)} (${fmtInt((N / elapsed) * 1000)} changes/s, closed loop); ${missing} missing`,
      'every change printed',
      missing === 0 && child.exitCode === null,
    );
    row(
      '4 watch',
      'event-to-output latency p50 / p99',
      `${fmtMs(quantile(lat, 0.5))} / ${fmtMs(quantile(lat, 0.99))} (max ${fmtMs(Math.max(...lat))})`,
    );
    row(
      '4 watch',
      warmAt ? `RSS: start → after ${fmtInt(warmAt.at)} → after ${fmtInt(N)} (peak)` : `RSS: start → after ${fmtInt(N)} (peak)`,
      warmAt
        ? `${fmtKiB(start)} → ${fmtKiB(warm)} → ${fmtKiB(end)} (${fmtKiB(hwm)})`
        : `${fmtKiB(start)} → ${fmtKiB(end)} (${fmtKiB(hwm)})`,
      warmAt ? `flat: end ≤ after-${fmtInt(warmAt.at)} + 10 MiB` : 'flat (judged on full runs)',
      warmAt ? end - warm <= 10 * 1024 : undefined,
    );
  } catch (err) {
    row('4 watch', 'watch', `failed: ${err.message} ${stderr.trim().slice(0, 200)}`, '', false);
  } finally {
    child.kill('SIGTERM');
  }
}

/** (5) the sandbox itself: GET and PUT throughput, watch fan-out. */
async function benchSandbox(ctx) {
  const { url, c } = ctx;
  log(`sandbox: GET and PUT load for ${fmtMs(P.loadMs)} each, fan-out to ${P.fanWatchers} watchers`);
  const get = await loadGet(url, paths.rollout('default', 'rollouts-demo'), { concurrency: 16, durationMs: P.loadMs });
  row(
    '5 sandbox',
    'GET rollout, 16 connections',
    `${fmtInt(get.rps)} req/s (p50 ${fmtMs(get.p50)}, p99 ${fmtMs(get.p99)}, ${get.errors} errors)`,
  );
  const put = await loadPut(url, c, { concurrency: 16, durationMs: P.loadMs });
  row(
    '5 sandbox',
    'PUT rollout status, 16 connections',
    `${fmtInt(put.rps)} req/s (p50 ${fmtMs(put.p50)}, p99 ${fmtMs(put.p99)}, ${put.errors} errors)`,
  );
  // The same PUT load on sandboxes with --data-dir: the journal append (and with --fsync an
  // fdatasync) happens before every answer.
  for (const [key, name, args] of [
    ['journal', '--data-dir', ['--data-dir', join(TMP, 'journal')]],
    ['fsync', '--data-dir --fsync', ['--data-dir', join(TMP, 'journal-fsync'), '--fsync']],
  ]) {
    const jsb = await startSandbox({
      root: ROOT,
      dir: TMP,
      name: `sandbox-${key}`,
      extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0', ...args],
    });
    try {
      const jput = await loadPut(jsb.url, jsonClient(jsb.url), { concurrency: 16, durationMs: P.loadMs });
      row(
        '5 sandbox',
        `PUT rollout status, 16 connections, ${name}`,
        `${fmtInt(jput.rps)} req/s (p50 ${fmtMs(jput.p50)}, p99 ${fmtMs(jput.p99)}, ${jput.errors} errors); ${(jput.rps / put.rps).toFixed(2)}× without`,
      );
      put[key] = jput;
    } finally {
      await jsb.stop();
    }
  }
  const fan = await fanOut(url, c, { watchers: P.fanWatchers, events: P.fanEvents });
  row(
    '5 sandbox',
    `watch fan-out: ${fan.watchers} watchers × ${fan.events} changes`,
    `delivery p50 ${fmtMs(fan.p50)}, p99 ${fmtMs(fan.p99)}; last watcher p99 ${fmtMs(fan.lastP99)}; ${fmtInt(fan.deliveriesPerSec)} deliveries/s; ${fan.missing} missing`,
    'all delivered',
    fan.missing === 0,
  );
  figures.sandbox = { get, put, fan };
}

/**
 * (6) availability during a release: the guide's release (steps 1, 50%, 100%, approved with the
 * CLI) of a Deployment with the default maxSurge/maxUnavailable (25%), on a sandbox running its
 * rollout controller with pods that take 200 ms to become Ready. A watch on the pods records the
 * fewest ready pods while each batch rolls (from its trigger until the step waits again).
 */
async function benchAvailability(_ctx) {
  const sb = await startSandbox({ root: ROOT, dir: TMP, name: 'availability', extraArgs: ['--pod-ready-delay', '200ms'] });
  const c = jsonClient(sb.url);
  try {
    for (const [replicas, floor] of [
      [10, 8],
      [1, 1],
    ]) {
      const lowest = await releaseLowestReady(c, sb, `avail-${replicas}`, replicas);
      row(
        '6 availability',
        `${replicas} replica${replicas === 1 ? '' : 's'}, maxUnavailable 25%: fewest ready pods in batch 1 / 2 / 3`,
        lowest.join(' / '),
        `≥ ${floor}`,
        lowest.length === 3 && lowest.every((n) => n >= floor),
      );
      (figures.availability ??= {})[replicas] = lowest;
    }
  } finally {
    c.close();
    await sb.stop();
  }
}

/** Releases Deployment `name` in three batches; resolves the fewest ready pods seen in each. */
async function releaseLowestReady(c, sb, name, replicas) {
  const ns = 'default';
  const dPath = `${paths.deployments(ns)}/${name}`;
  const until = async (what, pred, ms = 30_000) => {
    const start = performance.now();
    while (performance.now() - start < ms) {
      if (await pred()) return;
      await sleep(20);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const getRollout = () => c.must('GET', paths.rollout(ns, name));
  await c.must('POST', paths.deployments(ns), deployment(ns, name, { replicas }));
  await until('the Deployment ready', async () => (await c.must('GET', dPath)).status?.readyReplicas === replicas);
  await c.must('POST', paths.rollouts(ns), rollout(ns, name, name));
  await until('the first deploy', async () => (await getRollout()).status?.phase === 'Healthy');

  // Every pod event from now on, through one watch.
  const list = await c.must('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${name}`);
  const ready = new Map(list.items.map((p) => [p.metadata.name, isPodReady(p)]));
  const readyCount = () => [...ready.values()].filter(Boolean).length;
  const lowest = [];
  let batch = -1;
  const watch = await openWatch(
    `${sb.url}/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${name}&watch=1&resourceVersion=${list.metadata.resourceVersion}`,
    (e) => {
      if (e.type === 'DELETED') ready.delete(e.object.metadata.name);
      else ready.set(e.object.metadata.name, isPodReady(e.object));
      if (batch >= 0) lowest[batch] = Math.min(lowest[batch], readyCount());
    },
  );
  const startBatch = (i) => {
    batch = i;
    lowest[i] = readyCount();
  };
  const approve = async (step) => {
    const r = await runTimed(BIN, ['rollout', 'approve', name, '--step', String(step), '--kubeconfig', sb.kubeconfig], { env: ENV });
    if (r.code !== 0) throw new Error(`approve step ${step}: ${r.stderr.trim()}`);
  };
  const pausedAt = async (step) => {
    const s = (await getRollout()).status;
    return s?.canaryStatus?.currentStepIndex === step && s.canaryStatus.currentStepState === 'StepPaused';
  };
  try {
    startBatch(0);
    const d = await c.must('GET', dPath);
    d.spec.template.spec.containers[0].env = [{ name: 'VERSION', value: 'version-2' }];
    await c.must('PUT', dPath, d);
    await until('step 1 paused', () => pausedAt(1));
    startBatch(1);
    await approve(1);
    await until('step 2 paused', () => pausedAt(2));
    startBatch(2);
    await approve(2);
    await until('every pod updated and ready', async () => {
      const s = await c.must('GET', dPath);
      return (
        (await getRollout()).status?.phase === 'Healthy' &&
        s.status?.updatedReplicas === replicas &&
        readyCount() === replicas &&
        ready.size === replicas
      );
    });
    return lowest;
  } finally {
    watch.close();
  }
}

function isPodReady(p) {
  return !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
}

/** A watch stream (NDJSON) calling onEvent for every event; resolves { close() } once connected. */
function openWatch(url, onEvent) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`watch ${url}: ${res.statusCode}`));
      void ndjsonReader(res, onEvent);
      resolve({ close: () => req.destroy() });
    });
    req.on('error', (err) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
  });
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  const started = Date.now();
  log(`${QUICK ? 'quick' : 'full'} run; ${P.runs} runs per timed command; temp dir ${TMP}`);
  const haveKubectl = await probe('kubectl', ['version', '--client']);
  // A dev dependency: the reference row is skipped where it is not installed.
  const haveClientNode = existsSync(join(ROOT, 'node_modules/@kubernetes/client-node/package.json'));
  const sb = await startSandbox({ root: ROOT, dir: TMP, extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'] });
  const proxy = await startCountingProxy(sb.url);
  const kcProxy = writeKubeconfig(join(TMP, 'proxy.kc'), proxy.url);
  const c = jsonClient(sb.url);
  const ctx = { url: sb.url, kc: sb.kubeconfig, kcProxy, proxy, c, haveKubectl, haveClientNode };
  try {
    await seedPaused(c, 'default', 'rollouts-demo', 'workload-demo');
    await settle(c);
    const rss0 = procStatusKiB(sb.pid, 'VmRSS');
    const reqs0 = proxy.log.length;
    if (want('startup')) await benchStartup(ctx);
    if (want('requests')) await benchRequests(ctx);
    if (want('watch')) await benchWatch(ctx);
    if (want('sandbox')) await benchSandbox(ctx);
    // The sandbox keeps a log of every request it served: how much does a busy hour cost it?
    if (want('watch') || want('sandbox')) {
      const served =
        (figures.watch?.changes ?? 0) +
        (figures.sandbox ? figures.sandbox.get.requests + figures.sandbox.put.requests + figures.sandbox.fan.events : 0) +
        proxy.log.length -
        reqs0;
      row(
        '5 sandbox',
        `sandbox RSS before → after ~${fmtInt(served)} requests`,
        `${fmtKiB(rss0)} → ${fmtKiB(procStatusKiB(sb.pid, 'VmRSS'))}`,
      );
    }
  } finally {
    c.close();
    await proxy.close();
    await sb.stop();
  }
  if (want('reconcile')) await benchRecon(ctx);
  // Each section below runs on its own: one that fails is a failed row, and the others still run.
  const section = async (name, id, figure, run) => {
    if (!want(name)) return;
    try {
      await run();
    } catch (err) {
      row(id, figure, `failed: ${err.message}`, '', false);
    }
  };
  await section('traffic', '3t traffic', 'reconcile-once with traffic routing', () => benchReconcileTraffic(ctx));
  await section('canary', '3c canary style', 'reconcile-once in canary style with traffic routing', () =>
    benchReconcileTraffic(ctx, { canaryStyle: true }),
  );
  if (ctx.haveKubectl)
    await section('app', '7 app', 'kubectl apply of an application', async () => {
      figures.app = await benchAppApply({ root: ROOT, tmp: TMP, env: ENV, runs: Math.min(P.runs, 5), row, log });
    });
  await section('availability', '6 availability', 'release with pods watched', () => benchAvailability(ctx));
  const replicas = QUICK ? 200 : 1000;
  await section('cloneset', '8 cloneset', 'CloneSet release in 5 batches', async () => {
    figures.cloneset = await benchCloneSetRelease({ root: ROOT, tmp: TMP, env: ENV, row, log, replicas });
  });
  await section('daemonset', '8b daemonset', 'Advanced DaemonSet release in 5 batches', async () => {
    figures.daemonset = await benchDaemonSetRelease({ root: ROOT, tmp: TMP, env: ENV, row, log, replicas });
  });
  await section('dashboard', '9 dashboard', 'page with 100 rollouts', async () => {
    figures.dashboard = await benchDashboard({ root: ROOT, tmp: TMP, env: ENV, runs: Math.min(P.runs, 5), row, log });
  });

  const header = ['section', 'figure', 'measured', 'target', 'result'];
  process.stdout.write(
    `\nkubectl-kruise bench (${QUICK ? 'quick' : 'full'}, ${P.runs} interleaved runs per timed command, medians; node ${process.version}, ${new Date().toISOString()})\n\n`,
  );
  process.stdout.write(`${table(header, rows)}\n\n`);
  const missed = rows.filter((r) => r[4] === 'MISS').length;
  const passed = rows.filter((r) => r[4] === 'PASS').length;
  process.stdout.write(`targets: ${passed} PASS, ${missed} MISS; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (JSON_OUT)
    writeFileSync(
      JSON_OUT,
      `${JSON.stringify({ quick: QUICK, runs: P.runs, node: process.version, at: new Date().toISOString(), rows, figures }, null, 2)}\n`,
    );
}

async function benchRecon(ctx) {
  try {
    await benchReconcile(ctx);
  } catch (err) {
    row('3 reconcile', 'reconcile-once', `failed: ${err.message}`, '', false);
  }
}

try {
  await main();
} finally {
  rmSync(TMP, { recursive: true, force: true });
}
