// The one place the sandbox and the rollout controller meet: the controller gets the store as a
// change feed and a real HTTP client pointed at the sandbox, so src/reconcile needs nothing from
// src/sandbox.
import { createKubeClient } from '../kube/http-client.js';
import { type ChangeFeed, type RolloutControllerOptions, type RunningController, startRolloutController } from '../reconcile/controller.js';
import type { SandboxStore } from './store.js';
import type { SandboxController } from './types.js';

/** The store's changes and reads, as the controller sees them. */
function storeFeed(store: SandboxStore): ChangeFeed {
  return {
    onChange: (listener) => store.subscribe((e) => listener({ type: e.type, resource: e.resource, object: e.object })),
    get: (resource, namespace, name) => store.get(resource, namespace, name),
    list: (resource, namespace) => store.list(resource, namespace === undefined ? undefined : { namespace }),
  };
}

/** The embedded Kruise Rollout controller, started and stopped by the sandbox. */
export function rolloutController(opts: Pick<RolloutControllerOptions, 'debounceMs' | 'onError' | 'log'> = {}): SandboxController {
  let running: RunningController | undefined;
  let close = () => {};
  return {
    name: 'rollout-controller',
    start(ctx) {
      const client = createKubeClient(
        {
          server: ctx.url,
          token: ctx.token,
          namespace: 'default',
          source: 'sandbox rollout controller',
          insecureSkipTlsVerify: true,
          timeoutMs: 30_000,
          timeoutText: '30s',
        },
        { userAgent: 'kubectl-kruise/rollout-controller' },
      );
      close = () => client.close();
      running = startRolloutController({ ...opts, feed: storeFeed(ctx.store), client, now: ctx.now, clock: ctx.clock });
    },
    async stop() {
      await running?.stop();
      close();
    },
  };
}
