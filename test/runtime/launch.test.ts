// The launcher's pure parts (src/runtime/launch.ts): which cache file a run uses and where it is.
// Loading, writing and rejecting caches run end to end in test/e2e/loader.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codeCacheDir, commandKey } from '../../src/runtime/launch.js';

describe('commandKey', () => {
  it.each([
    [['--help'], 'root'],
    [[], 'root'],
    [['rollout', 'status', 'rollouts-demo', '-o', 'json'], 'rollout-status'],
    // A flag's value is not a command word; `--flag=value` carries its own.
    [['--kubeconfig', '/tmp/kc', '-n', 'default', 'rollout', 'approve', 'x'], 'rollout-approve'],
    [['--context=prod', 'rollout', 'watch', 'x', '--until', 'paused'], 'rollout-watch'],
    [['version', '-o', 'yaml'], 'version'],
    // Anything else is never part of a file name: no dots, slashes or capitals.
    [['../../etc', 'Rollout', 'x'], 'x'],
  ])('%j → %s', (argv, key) => {
    expect(commandKey(argv)).toBe(key);
  });
});

describe('codeCacheDir', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'kk-launch-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("is kubectl's cache directory: $KUBECACHEDIR, else ~/.kube/cache", () => {
    expect(codeCacheDir({ HOME: home })).toBe(path.join(home, '.kube', 'cache', 'kubectl-kruise'));
    expect(codeCacheDir({ HOME: home, KUBECACHEDIR: '/var/cache/kube' })).toBe(path.join('/var/cache/kube', 'kubectl-kruise'));
  });

  it('is none when turned off, or with no home directory to keep it in', () => {
    expect(codeCacheDir({ HOME: home, KUBECTL_KRUISE_NO_CODE_CACHE: '1' })).toBeUndefined();
    expect(codeCacheDir({ HOME: path.join(home, 'missing') })).toBeUndefined();
    expect(codeCacheDir({})).toBeUndefined();
  });
});
