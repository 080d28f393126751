// A `.yaml` import is the file's documents as plain data (scripts/yaml-module.cjs makes it so at build time).
declare module '*.yaml' {
  const documents: unknown[];
  export default documents;
}
