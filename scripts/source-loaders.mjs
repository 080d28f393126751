// How the sources' non-code imports are bundled, the same in both builds (scripts/build.mjs for
// dist/, scripts/build-sea.mjs for the single executable): YAML files (the sandbox's CRDs) as their
// documents in JSON, HTML files (the dashboard's page) as text. The jest transforms do the same
// (scripts/yaml-module.cjs, scripts/text-module.cjs).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const { yamlDocuments } = createRequire(import.meta.url)('./yaml-module.cjs');

/** `import docs from './x.yaml'`: the file's documents, as JSON in the bundle. */
export const yamlAsJson = {
  name: 'yaml-as-json',
  setup(b) {
    b.onLoad({ filter: /\.yaml$/ }, async (args) => ({
      contents: JSON.stringify(yamlDocuments(await readFile(args.path, 'utf8'), args.path)),
      loader: 'json',
    }));
  },
};

/** esbuild's `loader` option: `import PAGE from './page.html'` is the file's text. */
export const textLoaders = { '.html': 'text' };
