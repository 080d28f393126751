// An exec credential plugin that hangs past its deadline and ignores SIGTERM is killed, and the
// error says it timed out (it used to outlive the cap and then be reported as "invalid JSON").

import { readFileSync } from 'node:fs';
import { clearExecCredentialCache, execCredential } from '../../src/kube/exec-credential.js';
import { cleanup, execPlugin, tempDir } from '../corpus/helpers.js';

const dir = tempDir('kk-exec-timeout-');
afterAll(() => cleanup(dir));
beforeEach(() => clearExecCredentialCache());

it('a plugin ignoring SIGTERM past the deadline is killed and reported as timed out', async () => {
  const pidFile = `${dir}/pid`;
  // Prints half an answer, ignores SIGTERM, and would otherwise run for a minute.
  const plugin = execPlugin(
    dir,
    'stubborn',
    `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
process.on('SIGTERM', () => {});
process.stdout.write('{"apiVersion": "client.authentication.k8s.io/v1", ');
setTimeout(() => process.stdout.write('"kind": "ExecCredential", "status": {"token": "late"}}'), 60_000);`,
  );
  const started = Date.now();
  await expect(
    execCredential(
      { apiVersion: 'client.authentication.k8s.io/v1', command: plugin },
      { dir, user: 'u', env: process.env, timeoutMs: 3000 },
    ),
  ).rejects.toThrow(/^exec plugin ".*stubborn" for user "u" timed out after 3s and was stopped$/);
  // SIGTERM, then SIGKILL after the grace period: far less than the plugin's minute.
  expect(Date.now() - started).toBeLessThan(20_000);
  // The plugin had started (it wrote its pid) and is gone now.
  const pid = Number(readFileSync(pidFile, 'utf8'));
  expect(() => process.kill(pid, 0)).toThrow();
});
