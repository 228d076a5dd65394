import type { GeneratedFile } from "../model/model.js";
import type { ExistingFile } from "./output-tree.js";

/** How the output directory must change to match the generated files. */
export interface OutputPlan {
  /** Generated files that are absent on disk. */
  readonly create: readonly GeneratedFile[];
  /** Generated files whose codegen-owned copy on disk differs. */
  readonly update: readonly { readonly file: GeneratedFile; readonly existing: ExistingFile }[];
  readonly unchanged: readonly string[];
  /** Codegen-owned files on disk that no emitter produces any more. */
  readonly remove: readonly ExistingFile[];
  /** Hand-written files (no generated header) at a path an emitter wants to write. */
  readonly foreign: readonly { readonly file: GeneratedFile; readonly existing: ExistingFile }[];
}

export function planOutput(files: readonly GeneratedFile[], existing: ReadonlyMap<string, ExistingFile>): OutputPlan {
  const create: GeneratedFile[] = [];
  const update: { file: GeneratedFile; existing: ExistingFile }[] = [];
  const unchanged: string[] = [];
  const foreign: { file: GeneratedFile; existing: ExistingFile }[] = [];
  const produced = new Set<string>();
  for (const file of files) {
    produced.add(file.path);
    const onDisk = existing.get(file.path);
    if (!onDisk) create.push(file);
    else if (!onDisk.generated) foreign.push({ file, existing: onDisk });
    else if (onDisk.contents !== file.contents) update.push({ file, existing: onDisk });
    else unchanged.push(file.path);
  }
  const remove = [...existing.values()].filter((file) => file.generated && !produced.has(file.path));
  return { create, update, unchanged, remove, foreign };
}

export function isUpToDate(plan: OutputPlan): boolean {
  return plan.create.length === 0 && plan.update.length === 0 && plan.remove.length === 0 && plan.foreign.length === 0;
}
