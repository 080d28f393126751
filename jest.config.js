/** Jest in ESM mode with ts-jest; run through `npm test` (node --experimental-vm-modules). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }],
    // The sandbox's embedded CRDs: a YAML import is the file's documents, as in the bundle.
    '^.+\\.yaml$': '<rootDir>/scripts/yaml-module.cjs',
    // The dashboard's page: its text, as esbuild's text loader gives it to the bundle.
    '^.+\\.html$': '<rootDir>/scripts/text-module.cjs',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // Two cores on CI machines: e2e tests spawn processes and servers.
  maxWorkers: 2,
};
