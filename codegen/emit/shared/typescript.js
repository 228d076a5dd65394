// The TypeScript compiler API, loaded with require(). typescript is one 9 MB CommonJS file:
// `import ts from "typescript"` makes node scan all of it for named exports before running it
// (about 250 ms of every codegen run, more on a busy machine); require() runs it directly.
// Same object either way (module.exports). Types: typescript.d.ts beside this file.
import { createRequire } from "node:module";

export default createRequire(import.meta.url)("typescript");
