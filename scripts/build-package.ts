/**
 * Builds one package's `dist/` (run by its `prepack`, so `npm pack` and `npm publish` always
 * ship a fresh build): plain `tsc -p <package>/tsconfig.build.json`, then the files the
 * compiled code reads at run time and tsc does not copy.
 *
 *   tsx scripts/build-package.ts protocol|codegen|server
 *
 * Development never needs this: the repository runs its TypeScript sources through tsx.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

interface PackageBuild {
  /** Files and folders copied as they are, repository path → path under dist/. */
  readonly assets: readonly (readonly [from: string, to: string])[];
  /**
   * Whether dist/ gets a package.json of its own: server/main.ts reads its version from the
   * package.json one folder above it, which in the compiled tree is dist/package.json.
   */
  readonly versionFile: boolean;
}

const builds: Record<string, PackageBuild> = {
  protocol: {
    assets: [["generated/schema/protocol.schemas.json", "schema/protocol.schemas.json"]],
    versionFile: false,
  },
  codegen: {
    assets: [
      // The runtime emitter copies these TypeScript sources into every generated tree.
      ["codegen/runtime", "codegen/runtime"],
      ["codegen/load/registry-meta-schema.json", "codegen/load/registry-meta-schema.json"],
      // The reference site's stylesheet and search script, read by the docs emitter.
      ["codegen/emit/docs/assets", "codegen/emit/docs/assets"],
      // Hand-written JavaScript (typescript loaded with require(), see the file): tsc compiles
      // only .ts, so it is shipped as it is.
      ["codegen/emit/shared/typescript.js", "codegen/emit/shared/typescript.js"],
    ],
    versionFile: false,
  },
  server: {
    assets: [
      ["server/store/sqlite/migrations", "server/store/sqlite/migrations"],
      ["server/store/postgres/migrations", "server/store/postgres/migrations"],
    ],
    versionFile: true,
  },
};

/** Tests are never shipped, not even as data. */
function shipped(source: string): boolean {
  return !source.endsWith(".test.ts") && !source.endsWith(".md");
}

export function buildPackage(name: string): string {
  const build = builds[name];
  if (build === undefined) throw new Error(`unknown package ${JSON.stringify(name)}; one of ${Object.keys(builds).join(", ")}`);
  const packageDir = path.join(ROOT, "packages", name);
  const dist = path.join(packageDir, "dist");
  rmSync(dist, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  // Everything goes to stderr: `npm pack --json` prints its report on stdout after prepack.
  execFileSync(process.execPath, [tsc, "-p", path.join(packageDir, "tsconfig.build.json")], { stdio: ["ignore", 2, 2] });
  for (const [from, to] of build.assets) {
    cpSync(path.join(ROOT, from), path.join(dist, to), { recursive: true, filter: shipped });
  }
  if (build.versionFile) {
    const manifest = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { name: string; version: string };
    writeFileSync(path.join(dist, "package.json"), JSON.stringify({ name: manifest.name, version: manifest.version, type: "module", private: true }, null, 2) + "\n");
  }
  return dist;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const names = process.argv.slice(2);
  if (names.length === 0) {
    process.stderr.write(`usage: tsx scripts/build-package.ts ${Object.keys(builds).join("|")}…\n`);
    process.exit(2);
  }
  for (const name of names) {
    const dist = buildPackage(name);
    process.stderr.write(`built ${path.relative(ROOT, dist)} (${countFiles(dist)} files)\n`);
  }
}

function countFiles(directory: string): number {
  if (!existsSync(directory)) return 0;
  return readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
}
