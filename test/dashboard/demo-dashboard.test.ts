// `rollout demo --dashboard`: the walkthrough waits at each batch until it is approved in the page,
// in a real headless browser, and ends with every pod at version-2.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { startBinary } from '../helpers/cli.js';

const CHROMIUM = process.env.KK_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);

(HAVE_CHROMIUM ? test : test.skip)(
  'rollout demo --dashboard: each batch is approved in the page; the walkthrough ends at 10 version-2 pods',
  async () => {
    // An opener that records the URL instead of starting a browser (xdg-open on PATH).
    const bin = mkdtempSync(join(tmpdir(), 'kk-demo-open-'));
    const opened = join(bin, 'opened');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" > ${opened}\n`, { mode: 0o755 });
    const demo = startBinary(['rollout', 'demo', '--dashboard'], { env: { NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}` } });
    let out = '';
    demo.child.stdout!.on('data', (d) => (out += d));
    let browser: Browser | undefined;
    try {
      const waitFor = async (text: string) => {
        for (let i = 0; i < 600 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
        expect(out).toContain(text);
      };
      await waitFor('Dashboard (approve each batch there): ');
      const url = /Dashboard \(approve each batch there\): (\S+)/.exec(out)![1]!;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const page = await browser.newPage();
      await page.goto(url);
      for (const step of [1, 2]) {
        await waitFor(`waiting for you: click "Approve step ${step}/3"`);
        await page.getByRole('button', { name: `Approve step ${step}/3` }).click({ timeout: 20_000 });
      }
      expect(await demo.exited).toBe(0);
      expect(out).toMatch(/Done in \d+\.\ds: 10 of 10 pods run version-2\.\n$/);
      expect(existsSync(opened) ? (await import('node:fs')).readFileSync(opened, 'utf8').trim() : '').toBe(url);
    } finally {
      await browser?.close();
      demo.child.kill('SIGKILL');
      rmSync(bin, { recursive: true, force: true });
    }
  },
  90_000,
);
