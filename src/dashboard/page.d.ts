// The dashboard's page: one self-contained HTML file, embedded as text (esbuild's text loader in
// scripts/build.mjs; scripts/text-module.cjs under jest).
declare module '*.html' {
  const text: string;
  export default text;
}
