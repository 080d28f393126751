// The single executable's entry (scripts/build-sea.mjs): one CommonJS bundle that Node runs as the
// binary's main script. In a single executable, process.argv[1] is the executable again.
import { runAsProcess } from './process.js';

void runAsProcess(process.argv.slice(2), process.execPath);
