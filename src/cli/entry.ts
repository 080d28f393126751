// The npm build's entry (dist/cli.mjs): main for tests and the completion shim, runAsProcess for bin/.
export { main } from './main.js';
export { runAsProcess } from './process.js';
