#!/usr/bin/env node
// Load check of the sandbox API server (not a timed test): starts `bin/kubectl-kruise sandbox`,
// creates N pods, lists them, then runs GET+PUT pairs from C concurrent keep-alive clients.
// Usage: node scripts/sandbox-load.mjs [N=1000] [PAIRS=4000] [C=8]   (build first: npm run build)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [N = 1000, PAIRS = 4000, C = 8] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'kk-load-'));
const bin = fileURLToPath(new URL('../bin/kubectl-kruise', import.meta.url));
const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--kubeconfig-out', join(dir, 'kc'), '--no-rollout-controller'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((resolve) => child.stdout.once('data', resolve));
const base = /server: (\S+)/.exec(readFileSync(join(dir, 'kc'), 'utf8'))[1];
const agent = new http.Agent({ keepAlive: true, maxSockets: C * 2 });
const req = (method, path, body) =>
  new Promise((resolve, reject) => {
    const r = http.request(base + path, { method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    r.on('error', reject);
    r.end(body);
  });
const P = '/api/v1/namespaces/default/pods';
let t = Date.now();
for (let i = 0; i < N; i++) {
  await req(
    'POST',
    P,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, labels: { app: 'load' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    }),
  );
}
console.log(`create ${N} pods (sequential): ${Date.now() - t} ms`);
t = Date.now();
const list = await req('GET', P);
console.log(`list ${N} pods: ${Date.now() - t} ms (${list.text.length} bytes)`);
t = Date.now();
let i = 0;
let conflicts = 0;
await Promise.all(
  Array.from({ length: C }, async () => {
    while (i < PAIRS) {
      const k = i++ % N;
      const pod = JSON.parse((await req('GET', `${P}/p${k}`)).text);
      pod.metadata.labels.n = String(i);
      if ((await req('PUT', `${P}/p${k}`, JSON.stringify(pod))).status === 409) conflicts++;
    }
  }),
);
const ms = Date.now() - t;
console.log(
  `${PAIRS} GET+PUT pairs, ${C} clients: ${ms} ms → ${Math.round((2 * PAIRS) / (ms / 1000))} requests/s (${conflicts} conflicts)`,
);
agent.destroy();
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
rmSync(dir, { recursive: true, force: true });
