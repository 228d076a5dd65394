import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the OS temp dir for a test database; `remove()` deletes it. */
export function tempDatabase(prefix = "queue-store-"): { dir: string; path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: join(dir, "state", "queue.sqlite"), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
