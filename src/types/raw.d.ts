/** A `?raw` import is the file's text, embedded at build time (esbuild plugin in scripts/build.mjs; Vite in tests). */
declare module "*?raw" {
  const text: string;
  export default text;
}
