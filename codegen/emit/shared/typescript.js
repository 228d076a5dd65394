// The TypeScript compiler API, loaded with require(). typescript is one 9 MB CommonJS file:
// `import ts from "typescript"` makes node scan all of it for named exports before running it
// (about 250 ms of every codegen run, more on a busy machine); require() runs it directly.
// Same object either way (module.exports). Types: typescript.d.ts beside this file.
//
// Compiling those 9 MB is most of what is left (~0.5 s of a run). V8 can reuse its compiled
// code from an earlier run: Node 22.1+ does that itself (module.enableCompileCache, used when
// present); on Node 20 this file keeps V8's code cache for typescript.js in
// node_modules/.cache/thread-queue-codegen/ beside the installed typescript, keyed by its
// version and node's. V8 checks the cache against the source and refuses one that does not
// fit, and any problem with the cache only means a plain load.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import module, { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);

function cacheDirectory(entry) {
  const nodeModules = path.dirname(path.dirname(path.dirname(entry)));
  return path.join(nodeModules, ".cache", "thread-queue-codegen");
}

function loadWithCodeCache() {
  const entry = require.resolve("typescript");
  if (typeof module.enableCompileCache === "function") {
    module.enableCompileCache(cacheDirectory(entry));
    return require(entry);
  }
  const { version } = require("typescript/package.json");
  const cacheFile = path.join(cacheDirectory(entry), `typescript-${version}-node-${process.version}-${process.arch}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(module.wrap(readFileSync(entry, "utf8")), { filename: entry, cachedData });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, createRequire(entry), loaded, entry, path.dirname(entry));
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      mkdirSync(path.dirname(cacheFile), { recursive: true });
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch {
      // A read-only node_modules: every run compiles typescript, as without the cache.
    }
  }
  return loaded.exports;
}

function load() {
  try {
    return loadWithCodeCache();
  } catch {
    return require("typescript");
  }
}

export default load();
