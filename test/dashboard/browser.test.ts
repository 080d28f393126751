// The dashboard in a real headless browser (Debian's chromium, driven by playwright-core): the real
// binary serves the page for a sandbox running the rollout controller and the guide's objects.
// Screenshots of the main states go to test/dashboard/screenshots/ (git-ignored; docs/ keeps one).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { type RunningBinary, runBinary, startBinary } from '../helpers/cli.js';
import { controllerSandbox, guide, quiet, releaseTo, requests, rolloutOf, until } from '../verbs/helpers.js';

/** The browser: Debian's chromium (CI installs it, see .ci/run), or KK_CHROMIUM. */
const CHROMIUM = process.env.KK_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM)
  console.log(`dashboard: no chromium at ${CHROMIUM} (apt-get install chromium, or set KK_CHROMIUM); skipping the browser tests`);
/** The little of the DOM the in-page checks use (the project is type-checked without lib "dom"). */
interface El {
  textContent: string | null;
  parentElement: El | null;
}
interface PageGlobals {
  document: { activeElement: El | null; querySelectorAll(selector: string): Iterable<El> };
  getComputedStyle(el: El): { color: string; backgroundColor: string };
}
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const STATUS = '/apis/rollouts.kruise.io/v1beta1/namespaces/default/rollouts/rollouts-demo/status';

/**
 * The page's notice line once it says something matching `re`: the action's response arrives
 * before the page has rendered it. After 10 s, whatever it says (the expectation then shows it).
 */
async function noticeMatching(page: Page, re: RegExp): Promise<string> {
  await page
    .waitForFunction(
      ([source, flags]) => {
        const doc = (globalThis as unknown as { document: { querySelector(q: string): { textContent: string | null } | null } }).document;
        return new RegExp(source!, flags).test(doc.querySelector('#notice')?.textContent ?? '');
      },
      [re.source, re.flags],
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  return (await page.locator('#notice').textContent()) ?? '';
}

(HAVE_CHROMIUM ? describe : describe.skip)('dashboard (real binary, sandbox, headless chromium)', () => {
  let sb: Sandbox;
  let dir: string;
  let kubeconfig: string;
  let dash: RunningBinary;
  let url: string;
  let origin: string;
  let browser: Browser;
  let page: Page;

  /** The sandbox's writes since `from` (the controller's too: refusals are checked once it is quiet). */
  const writesSince = (from: number) => requests(sb, from, true);
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sb = await controllerSandbox();
    await guide(sb);
    await releaseTo(sb, 'version-2', 1);
    dir = mkdtempSync(join(tmpdir(), 'kk-dashboard-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sandboxKubeconfig(sb.url));
    dash = startBinary(['dashboard', '--port', '0', '--kubeconfig', kubeconfig]);
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      dash.child.stdout!.on('data', (d) => {
        out += d;
        const m = /^(http:\/\/\S+)\n/m.exec(out);
        if (m) resolve(m[1]!);
      });
      void dash.exited.then((code) => reject(new Error(`dashboard exited ${code}: ${dash.stderr()}`)));
    });
    origin = new URL(url).origin;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 700 }, colorScheme: 'light' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    dash?.child.kill('SIGINT');
    await dash?.exited;
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL with a token and says what it serves', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    expect(dash.stderr()).toContain('dashboard of namespace default; Ctrl-C stops it.');
  });

  it("lists the guide's rollout at step 1/3, waiting for approval, with its batch and images", async () => {
    await page.goto(url);
    const card = page.locator('li.card[data-key="default/rollouts-demo"]');
    await card.getByText('waiting for approval').waitFor();
    const text = await card.textContent();
    expect(text).toContain('step 1/3');
    expect(text).toContain('StepPaused');
    expect(text).toContain('1: 1/1 ready');
    await expect(card.getByRole('button', { name: 'Approve step 1/3' }).isVisible()).resolves.toBe(true);
    expect(await card.getAttribute('class')).toContain('waiting');
    await shot('waiting-for-approval');
  });

  it('is usable from the keyboard and keeps WCAG AA contrast in the light and the dark theme', async () => {
    // Tab order: the rollout's link, then its Approve button (after the header's link and toggle).
    const focused: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(focused).toEqual(['Kruise Rollouts', 'Theme', 'rollouts-demo', 'Approve step 1/3']);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // Text against the nearest opaque background (WCAG 2 relative luminance): the lowest ratio.
      const worst = await page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
        const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
        const lum = (c: number[]) => {
          const [r, g, b] = c.slice(0, 3).map((v) => {
            const x = v / 255;
            return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const background = (el: El | null): number[] => {
          for (let e = el; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length === 3 || (c[3] ?? 0) > 0.99) return c;
          }
          return [255, 255, 255];
        };
        let low = { ratio: 21, text: '' };
        for (const el of document.querySelectorAll('h1 a, h2 a, .badge, button, .muted, .row span, .seg .lbl, #conn')) {
          const a = lum(rgb(getComputedStyle(el).color));
          const b = lum(background(el));
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < low.ratio) low = { ratio, text: el.textContent?.trim().slice(0, 30) ?? '' };
        }
        return low;
      });
      expect({ scheme, ok: worst.ratio >= 4.5, worst }).toEqual({ scheme, ok: true, worst });
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('waiting-for-approval-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('pushes changes without polling: an idle page sends no requests', async () => {
    const sent: string[] = [];
    const onRequest = (r: { url(): string }) => sent.push(r.url());
    page.on('request', onRequest);
    await page.waitForTimeout(1500);
    page.off('request', onRequest);
    expect(sent).toEqual([]);
  });

  it('an approve click sends step 1 and the page moves to 5 pods without a reload', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { kkSamePage: boolean }).kkSamePage = true;
    });
    const from = sb.requests.length;
    const card = page.locator('li.card[data-key="default/rollouts-demo"]');
    const answer = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await card.getByRole('button', { name: 'Approve step 1/3' }).click();
    const res = await answer;
    expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({ step: 1 });
    expect(await noticeMatching(page, /approved/)).toBe(
      'rollout.rollouts.kruise.io/rollouts-demo approved step 1/3 (releasing step 2: 50% of the pods)',
    );
    await card.getByText('2: 5/5 ready').waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('step 2/3');
    // The same document: updated by the push, not reloaded.
    await expect(page.evaluate(() => (globalThis as unknown as { kkSamePage?: boolean }).kkSamePage)).resolves.toBe(true);
    expect(writesSince(from)).toContain(`PUT ${STATUS}`);
    expect(writesSince(from).filter((r) => r.startsWith('PATCH'))).toEqual([]);
    await shot('step-2-five-pods');
  });

  it('the detail view lists steps, pods, conditions and events', async () => {
    await page.locator('li.card h2 a').first().click();
    await page.getByRole('heading', { name: 'Pods' }).waitFor();
    const text = await page.locator('#view').textContent();
    expect(text).toMatch(/Steps[\s\S]*Pods[\s\S]*Conditions[\s\S]*Events/);
    expect(text).toContain('workload-demo-');
    expect(await page.locator('table').nth(1).locator('tbody tr').count()).toBe(10);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('detail-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(url);
  });

  it('a stale approve (another approver got there first) shows the refusal and writes nothing', async () => {
    const card = page.locator('li.card[data-key="default/rollouts-demo"]');
    await card.getByRole('button', { name: 'Approve step 2/3' }).waitFor();
    // The click leaves while the page shows step 2; before it arrives, someone else approves step 2.
    await page.route('**/approve', async (route) => {
      const other = await runBinary(['rollout', 'approve', 'rollouts-demo', '--step', '2', '--kubeconfig', kubeconfig]);
      expect(other.code).toBe(0);
      await until(sb, 'step 3', () => (rolloutOf(sb)?.status?.canaryStatus?.currentStepIndex ?? 0) >= 3);
      await route.continue();
    });
    const answer = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await card.getByRole('button', { name: 'Approve step 2/3' }).click();
    await answer;
    await page.unroute('**/approve');
    const notice = page.locator('#notice');
    expect(await noticeMatching(page, /approved/)).toMatch(
      /^rollout\.rollouts\.kruise\.io\/rollouts-demo already approved step 2\/3 \(the rollout is at step 3\/3, \w+\); nothing was written$/,
    );
    expect(await notice.getAttribute('class')).toBe('warn');
    await shot('stale-approve');
  });

  it('refuses a request without the token, from another origin, or to a foreign Host', async () => {
    await until(sb, 'release complete', () => rolloutOf(sb)?.status?.phase === 'Healthy', 15_000);
    const from = await quiet(sb);
    const approve = `${origin}/api/rollouts/default/rollouts-demo/approve`;
    const token = new URL(url).searchParams.get('token')!;
    const post = (headers: Record<string, string>) =>
      fetch(approve, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"step":3}' });
    const noToken = await post({});
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { message: string }).message).toBe(
      'error: this request has no valid dashboard token: open the URL the dashboard printed',
    );
    expect((await post({ 'x-dashboard-token': 'f'.repeat(64) })).status).toBe(403);
    const foreign = await post({ 'x-dashboard-token': token, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { message: string }).message).toBe(
      'error: origin "http://evil.example" is not this dashboard: requests from other pages are refused',
    );
    // fetch cannot send another Host: a DNS-rebinding page's request, by hand.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(approve, { method: 'POST', headers: { host: 'evil.example', 'x-dashboard-token': token } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{"step":3}');
    });
    expect(rebound).toBe(403);
    expect((await fetch(`${origin}/api/stream`)).status).toBe(403);
    expect(writesSince(from)).toEqual([]);
  });

  it('a page elsewhere cannot approve, even knowing the token', async () => {
    const token = new URL(url).searchParams.get('token')!;
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const from = await quiet(sb);
      const other = await browser.newPage();
      await other.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      const results = await other.evaluate(
        async ({ target, token }) => {
          const tries = [
            fetch(target, { method: 'POST', mode: 'no-cors', body: '{}' }),
            fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'x-dashboard-token': token }, body: '{}' }),
          ];
          return Promise.all(
            tries.map((p) =>
              p.then(
                (r) => `answered ${r.type} ${r.status}`,
                (e: Error) => `failed ${e.name}`,
              ),
            ),
          );
        },
        { target: `${origin}/api/rollouts/default/rollouts-demo/pause`, token },
      );
      await other.close();
      // no-cors: an opaque answer (the server said 403); with the header: the preflight is not answered with CORS.
      expect(results).toEqual(['answered opaque 0', 'failed TypeError']);
      expect(writesSince(from)).toEqual([]);
      expect(rolloutOf(sb)?.spec?.strategy?.paused).not.toBe(true);
    } finally {
      await new Promise((r) => evil.close(r));
    }
  });
});
