import { processDeps } from '../../src/cli/deps.js';
import { invokedAsFrom } from '../../src/cli/invoked-as.js';
import { runCli } from '../helpers/cli.js';

describe('invokedAsFrom', () => {
  it.each([
    // kubectl's plugin lookup: the shell set `_` to kubectl's path, kubectl passed it on.
    ['/usr/bin/kubectl', 'kubectl kruise'],
    ['/usr/local/bin/kubectl', 'kubectl kruise'],
    ['kubectl', 'kubectl kruise'],
    ['C:\\Program Files\\kubectl.exe', 'kubectl kruise'],
    ['C:\\tools\\KUBECTL.EXE', 'kubectl kruise'],
    // Run directly: `_` is the plugin's own path (or whatever ran it).
    ['/home/u/.krew/bin/kubectl-kruise', 'kubectl-kruise'],
    ['/usr/bin/node', 'kubectl-kruise'],
    ['/usr/bin/kubectl-1.20', 'kubectl-kruise'],
    ['/opt/kubectl/bin/oc', 'kubectl-kruise'],
    ['', 'kubectl-kruise'],
    [undefined, 'kubectl-kruise'],
  ])('_=%s -> %s', (underscore, expected) => {
    expect(invokedAsFrom(underscore === undefined ? {} : { _: underscore })).toBe(expected);
  });

  it('is what processDeps uses for the env it is given', () => {
    expect(processDeps({ env: { _: '/usr/bin/kubectl' } }).invokedAs).toBe('kubectl kruise');
    expect(processDeps({ env: { _: '/usr/bin/kubectl-kruise' } }).invokedAs).toBe('kubectl-kruise');
    // An explicit override still wins (rollout demo prints `kubectl-kruise …` lines).
    expect(processDeps({ env: { _: '/usr/bin/kubectl' }, invokedAs: 'kubectl-kruise' }).invokedAs).toBe('kubectl-kruise');
  });

  it('shows the invoked name in usage and examples', async () => {
    const viaKubectl = await runCli(['rollout', 'approve', '--help'], { env: { _: '/usr/bin/kubectl', HOME: '/nonexistent' } });
    expect(viaKubectl.stdout).toContain('Usage: kubectl kruise rollout approve');
    expect(viaKubectl.stdout).toContain('\n  kubectl kruise rollout approve rollouts-demo --step 1\n');
    expect(viaKubectl.stdout).not.toContain('kubectl-kruise rollout');
    const direct = await runCli(['rollout', 'approve', '--help'], { env: { _: '/usr/local/bin/kubectl-kruise', HOME: '/nonexistent' } });
    expect(direct.stdout).toContain('Usage: kubectl-kruise rollout approve');
    expect(direct.stdout).toContain('\n  kubectl-kruise rollout approve rollouts-demo --step 1\n');
  });
});
