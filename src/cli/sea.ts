// The single executable's entry (scripts/build-sea.mjs): the CLI bundle (src/cli/entry.ts, built
// first) is built into it as text, and the launcher runs it with the code cache made where it runs
// (src/runtime/launch.ts), as the npm build does. In a single executable, process.argv[1] is the
// executable again.
import { runEmbedded } from '../runtime/launch.js';

/** The CLI bundle's source (scripts/build-sea.mjs defines it). */
declare const __KK_CLI_BUNDLE__: string;

void runEmbedded(__KK_CLI_BUNDLE__, process.execPath, process.argv.slice(2));
