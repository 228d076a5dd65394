/**
 * The types emitter: one `export type` per named type under `types/<namespace…>/<Name>.ts`,
 * and an `index.ts` per namespace folder. See docs/DESIGN.md and ./schema-to-type.ts for
 * how schemas map to TypeScript.
 */
import type { Emitter, GeneratedFile, NamedType, TypeId } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";
import { emitIndexFiles } from "./index-files.js";
import { describeType } from "./source.js";
import { emitTypeFile } from "./type-file.js";

export const emitTypes: Emitter = (model) => {
  const typesById = new Map<TypeId, NamedType>(model.types.map((type) => [type.id, type]));
  const typeFiles = model.types.map((type) => ({ owner: describeType(type), file: emitTypeFile(type, typesById) }));
  const indexFiles = emitIndexFiles(model.types, model.sourceLabel).map((file) => ({
    owner: `the namespace index (${model.sourceLabel})`,
    file,
  }));
  // Index files first, so a clash names the type that took an index's place.
  const all = [...indexFiles, ...typeFiles];
  assertDistinctPaths(all);
  return all.map((entry) => entry.file).sort((a, b) => compareCodeUnits(a.path, b.path));
};

/**
 * Two outputs whose paths differ only in case overwrite each other on macOS and Windows
 * checkouts (a type `Index` would also replace the folder's `index.ts`), so they are an error.
 */
function assertDistinctPaths(entries: readonly { owner: string; file: GeneratedFile }[]): void {
  const seen = new Map<string, { owner: string; file: GeneratedFile }>();
  for (const entry of entries) {
    const key = entry.file.path.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new Error(
        `${entry.owner} would be written to ${entry.file.path}, which clashes with ${earlier.file.path} from ${earlier.owner} (paths differ only in case or coincide); rename one in the schema`,
      );
    }
    seen.set(key, entry);
  }
}
