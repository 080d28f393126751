// The single executable's entry (scripts/build-sea.mjs): the CLI bundle (src/cli/entry.ts, built
// first) travels in the executable as an asset, and the launcher runs it with the code cache made
// where it runs (src/runtime/launch.ts), as the npm build does. In a single executable,
// process.argv[1] is the executable again.
import { getRawAsset } from 'node:sea';
import { runEmbedded } from '../runtime/launch.js';

// The build writes the bundle as ASCII (scripts/build-sea.mjs): latin1 is the fastest decoding, and
// a view of the asset's bytes, not a copy.
const source = Buffer.from(getRawAsset('cli.cjs') as ArrayBuffer).toString('latin1');
void runEmbedded(source, process.execPath, process.argv.slice(2));
