import path from "node:path";

/**
 * A path as errors and generated headers show it, "/" separators: relative to `cwd` — however
 * the user spelled it, so generated headers do not depend on the spelling — unless the path
 * and `cwd` share nothing but the filesystem root: then it is absolute, as the user would have
 * written it (`--schema /nope` is `/nope`, not `../../../nope`).
 */
export function displayPath(absolutePath: string, cwd: string): string {
  const target = path.resolve(absolutePath);
  const relative = path.relative(cwd, target);
  const shown = topFolder(target) !== topFolder(path.resolve(cwd)) ? target : relative === "" ? "." : relative;
  return shown.split(path.sep).join("/");
}

/** The root and first folder below it: `/work` of `/work/a/b`, `C:\Users` on Windows. */
function topFolder(absolute: string): string {
  const { root } = path.parse(absolute);
  return root + (absolute.slice(root.length).split(path.sep)[0] ?? "");
}
