import path from "node:path";
import type { Emitter, GeneratedFile, ProtocolModel } from "../model/model.js";
import { normalizeLineEnds } from "./generated-marker.js";

/** An emitter bug (not a schema problem): reported as an internal error, exit 3. */
export class EmitterContractError extends Error {
  override readonly name = "EmitterContractError";
}

/**
 * Every emitter's files in emitter order, line ends normalised. Two emitters writing one
 * path, or a path that escapes the output directory, is an emitter bug and throws.
 */
export function runEmitters(emitters: readonly Emitter[], model: ProtocolModel): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const producer = new Map<string, number>();
  emitters.forEach((emit, index) => {
    for (const file of emit(model)) {
      const problem = pathProblem(file.path);
      if (problem) throw new EmitterContractError(`emitter #${index + 1} (${emit.name || "anonymous"}) produced ${JSON.stringify(file.path)}: ${problem}`);
      const earlier = producer.get(file.path);
      if (earlier !== undefined) {
        throw new EmitterContractError(
          `emitters #${earlier + 1} (${emitters[earlier]?.name || "anonymous"}) and #${index + 1} (${emit.name || "anonymous"}) both produce ${file.path}; each output path must have one owner`,
        );
      }
      producer.set(file.path, index);
      files.push({ path: file.path, contents: normalizeLineEnds(file.contents) });
    }
  });
  return files;
}

function pathProblem(filePath: string): string | undefined {
  if (filePath === "" || filePath.includes("\\")) return "paths must be non-empty and use \"/\" separators";
  if (path.posix.isAbsolute(filePath)) return "paths must be relative to the output directory";
  if (path.posix.normalize(filePath) !== filePath || filePath.split("/").includes("..")) {
    return "paths must be normalised and stay inside the output directory";
  }
  return undefined;
}
