/**
 * docs/guarantees.md names, for each promise, the test that proves it. This keeps those
 * names true: every test file it cites exists, and every test title it quotes (`file ›
 * *title*`, "…" marking a prefix) is a describe or it title in that file.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/server-process.js";

const doc = readFileSync(join(REPO_ROOT, "docs/guarantees.md"), "utf8");

/** A bare file name lives in test/reliability/; anything with a folder is from the repo root. */
const resolveCited = (cited: string): string => join(REPO_ROOT, cited.includes("/") ? cited : `test/reliability/${cited}`);

describe("docs/guarantees.md", () => {
  it("cites only test files that exist", () => {
    const cited = [...new Set([...doc.matchAll(/`([\w./-]+\.test\.ts)`/g)].map((match) => match[1] ?? ""))];
    expect(cited.length).toBeGreaterThan(10);
    for (const file of cited) expect(existsSync(resolveCited(file)), file).toBe(true);
  });

  it("quotes only test titles that those files contain", () => {
    const quoted = [...doc.matchAll(/`([\w./-]+\.test\.ts)` › \*([^*]+)\*/g)].map((match) => ({ file: match[1] ?? "", title: match[2] ?? "" }));
    expect(quoted.length).toBeGreaterThan(10);
    for (const { file, title } of quoted) {
      const source = readFileSync(resolveCited(file), "utf8");
      expect(source, `${file} › ${title}`).toContain(title.replace(/…$/, ""));
    }
  });
});
