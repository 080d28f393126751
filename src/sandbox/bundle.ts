// What the CLI (src/cli/sandbox.ts, src/cli/rollout-demo.ts) imports to run an API server in
// its own process. The npm build makes this its own file, dist/sandbox.cjs, required only by the
// commands that start a sandbox (scripts/build.mjs): it is half of the CLI's code, and every other
// command, --help first, would otherwise read it and keep its code cache. Nothing here may be an
// error class the CLI tests with instanceof: this file has its own copies of what it shares.
export * from '../reconcile/workload-admission.js';
export * from './kubeconfig.js';
export * from './server.js';
export * from './tls.js';
export * from './wire-rollout-controller.js';
