import path from "node:path";

/** A path as errors and generated headers show it: relative to `cwd`, "/" separators. */
export function displayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  return (relative === "" ? "." : relative).split(path.sep).join("/");
}
