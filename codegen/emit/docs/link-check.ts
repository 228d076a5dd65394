/**
 * Every relative `href`/`src` of the generated pages must name a generated file (and, with a
 * fragment, an `id` on it). Used by the tests on schema/ and on the upstream corpus; the
 * browser test crawls the same links for real.
 */
import { posix } from "node:path";
import type { GeneratedFile } from "../../model/model.js";

export function brokenLinks(files: readonly GeneratedFile[]): string[] {
  const byPath = new Map(files.map((file) => [file.path, file.contents]));
  const broken: string[] = [];
  for (const file of files) {
    if (!file.path.endsWith(".html")) continue;
    for (const match of file.contents.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const target = decodeEntities(match[1] ?? "");
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // absolute URLs: external links, not assets
      const [pathPart = "", fragment] = target.split("#");
      const resolved = pathPart === "" ? file.path : posix.normalize(posix.join(posix.dirname(file.path), pathPart.split("?")[0] ?? ""));
      const contents = byPath.get(resolved);
      if (contents === undefined) broken.push(`${file.path}: ${target} (no such file)`);
      else if (fragment && !contents.includes(`id="${fragment}"`)) broken.push(`${file.path}: ${target} (no id "${fragment}")`);
    }
  }
  return broken;
}

function decodeEntities(text: string): string {
  return text.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&amp;/g, "&");
}
