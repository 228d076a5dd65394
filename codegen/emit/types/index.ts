/**
 * The types emitter: one `export type` per named type under `types/<namespace…>/<Name>.ts`,
 * the built-in `JsonValue` when a schema needs it, and an `index.ts` per namespace folder.
 * See docs/DESIGN.md and ./schema-to-type.ts for how schemas map to TypeScript.
 */
import type { Emitter, GeneratedFile, NamedType, TypeId } from "../../model/model.js";
import { compareCodeUnits } from "../shared/order.js";
import { typesWithOptionalDefaults, type DefaultedParams } from "./defaulted-properties.js";
import { emitIndexFiles } from "./index-files.js";
import { JSON_VALUE_ID, jsonValueClash, jsonValueType } from "./json-value.js";
import { describeType } from "./source.js";
import { emitTypeFile } from "./type-file.js";

export interface TypesEmitterOptions {
  /**
   * `required` (default): a non-required property with a `default` is required everywhere, as
   * ts-rs writes it. `optional`: it stays optional in types only clients write. See
   * ./defaulted-properties.ts.
   */
  readonly defaultedParams: DefaultedParams;
}

export const defaultTypesEmitterOptions: TypesEmitterOptions = { defaultedParams: "required" };

export function typesEmitter(options: TypesEmitterOptions = defaultTypesEmitterOptions): Emitter {
  return (model) => {
    const builtin = jsonValueType(model);
    const own = model.types.find((type) => type.id === JSON_VALUE_ID);
    const typesById = new Map<TypeId, NamedType>(model.types.map((type) => [type.id, type]));
    const optionalDefaults = typesWithOptionalDefaults(model, options.defaultedParams);
    const emitFor = (type: NamedType) =>
      emitTypeFile(type, typesById, { defaultedPropertiesRequired: !optionalDefaults.has(type.id), jsonValue: builtin, command: model.regenerateCommand });
    const emitted = model.types.map((type) => ({ owner: describeType(type), ...emitFor(type) }));

    const types = [...model.types];
    if (emitted.some((entry) => entry.usesJsonValue)) {
      if (own !== undefined) throw jsonValueClash(own);
      emitted.push({ owner: "the built-in JsonValue type", ...emitFor(builtin) });
      types.push(builtin);
    }
    const indexFiles = emitIndexFiles(types, model.sourceLabel, model.regenerateCommand).map((file) => ({
      owner: `the namespace index (${model.sourceLabel})`,
      file,
    }));
    // Index files first, so a clash names the type that took an index's place.
    const all = [...indexFiles, ...emitted];
    assertDistinctPaths(all);
    return all.map((entry) => entry.file).sort((a, b) => compareCodeUnits(a.path, b.path));
  };
}

export const emitTypes: Emitter = typesEmitter();

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
