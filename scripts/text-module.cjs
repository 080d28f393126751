// Makes a file importable as a module whose default export is its text (the dashboard's page,
// src/dashboard/page.html): esbuild's `text` loader does it for the bundle (scripts/build.mjs),
// jest.config.js uses this file as the transform for the tests, which run the TypeScript sources.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

const self = createHash('sha256').update(readFileSync(__filename)).digest('hex');

module.exports = {
  process(sourceText) {
    return { code: `module.exports = ${JSON.stringify(sourceText)};\n` };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256').update(self).update(sourcePath).update(sourceText).digest('hex');
  },
};
