// Makes a YAML file importable as a module whose default export is the array of its documents,
// so the sandbox's CRDs exist once (src/sandbox/crds/*.yaml) and are turned into JSON at build
// time, the same way for both consumers: scripts/build.mjs uses yamlDocuments in an esbuild
// plugin (the bundle), and jest.config.js uses this file as the transform for `.yaml` imports
// (the tests, which run the TypeScript sources). Nothing reads the YAML at run time.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { parseAllDocuments } = require('yaml');

/** The non-empty documents of a YAML text, as plain data; throws on the first syntax error. */
function yamlDocuments(text, file = 'YAML') {
  const out = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

const self = createHash('sha256').update(readFileSync(__filename)).digest('hex');

module.exports = {
  yamlDocuments,
  // Jest transform: a CommonJS module (jest loads non-.ts files that way), whose default import is the array.
  process(sourceText, sourcePath) {
    return { code: `module.exports = ${JSON.stringify(yamlDocuments(sourceText, sourcePath))};\n` };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256').update(self).update(sourcePath).update(sourceText).digest('hex');
  },
};
