// Bench section "dashboard": the page of `kubectl-kruise dashboard` in headless chromium
// (playwright-core, Debian's /usr/bin/chromium or KK_CHROMIUM) against a sandbox with 100 rollouts
// waiting for approval. Two figures, medians: the time from navigation to the page showing all
// 100 rollouts (first render), and from a change written to the API server to the page showing it
// (the watch → server → Server-Sent Events → DOM path). Figures, not gates.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jsonClient, paths, seedPaused, stepPausedStatus } from './lib/http.mjs';
import { startSandbox } from './lib/sandbox.mjs';
import { fmtMs, median, quantile } from './lib/stats.mjs';

const ROLLOUTS = 100;
const NS = 'bench-dashboard';
const CHANGES = 20;

/** Starts the built dashboard on any free port; resolves with its URL and a stop(). */
function startDashboard(root, env, kubeconfig) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/kubectl-kruise'), 'dashboard', '--port', '0', '-n', NS, '--kubeconfig', kubeconfig],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`dashboard exited ${code}: ${err.trim()}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)\n/m.exec(out);
      if (m)
        resolve({
          url: m[1],
          stop: () =>
            new Promise((done) => {
              child.removeAllListeners('exit');
              child.once('exit', () => done());
              child.kill('SIGINT');
            }),
        });
    });
  });
}

/** Adds the "dashboard" rows; returns the figures. */
export async function benchDashboard({ root, tmp, env, runs, row, log }) {
  const chromiumPath = process.env.KK_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) {
    row('9 dashboard', 'page with 100 rollouts', `skipped: no chromium at ${chromiumPath}`);
    return undefined;
  }
  const { chromium } = await import('playwright-core');
  const sb = await startSandbox({ root, dir: tmp, name: 'dashboard', extraArgs: ['--no-rollout-controller', '--pod-ready-delay', '0'] });
  const c = jsonClient(sb.url);
  let dash;
  let browser;
  try {
    log(`dashboard: ${ROLLOUTS} rollouts waiting for approval; ${runs} page loads, ${CHANGES} changes`);
    for (let i = 0; i < ROLLOUTS; i++) await seedPaused(c, NS, `ro-${i}`, `app-${i}`);
    dash = await startDashboard(root, env, sb.kubeconfig);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    const render = [];
    for (let r = -1; r < runs; r++) {
      const page = await browser.newPage();
      await page.goto(dash.url);
      await page.waitForFunction((n) => document.querySelectorAll('li.card').length === n, ROLLOUTS, { polling: 'raf', timeout: 30_000 });
      const ms = await page.evaluate(() => performance.now());
      if (r >= 0) render.push(ms); // the first load warms the browser up
      await page.close();
    }
    const page = await browser.newPage();
    await page.goto(dash.url);
    await page.waitForFunction((n) => document.querySelectorAll('li.card').length === n, ROLLOUTS, { polling: 'raf', timeout: 30_000 });
    const latency = [];
    for (let i = 0; i < CHANGES; i++) {
      const message = `bench change ${i}`;
      // Timed in the page: the moment the DOM shows the message (a MutationObserver, not polling).
      const seen = page.evaluate(
        (m) =>
          new Promise((resolve) => {
            const mo = new MutationObserver(() => {
              if (!document.body.textContent.includes(m)) return;
              mo.disconnect();
              resolve(Date.now());
            });
            mo.observe(document.body, { subtree: true, childList: true, characterData: true });
          }),
        message,
      );
      const name = `ro-${(i * 37) % ROLLOUTS}`;
      const ro = await c.must('GET', paths.rollout(NS, name));
      const status = stepPausedStatus(ro, ro.status?.canaryStatus?.observedWorkloadGeneration ?? 1, message);
      // From the moment the write is sent (the read before it is not part of the figure).
      const t0 = Date.now();
      await c.must('PUT', paths.rollout(NS, name, 'status'), { ...ro, status });
      latency.push((await seen) - t0);
    }
    const figures = { rollouts: ROLLOUTS, renderMs: render, latencyMs: latency };
    row('9 dashboard', `page: first render of ${ROLLOUTS} rollouts (navigation → all shown)`, fmtMs(median(render)));
    row(
      '9 dashboard',
      'page: a change on the API server → shown (median / p95)',
      `${fmtMs(median(latency))} / ${fmtMs(quantile(latency, 0.95))}`,
    );
    return figures;
  } finally {
    await browser?.close();
    await dash?.stop();
    c.close();
    await sb.stop();
  }
}
