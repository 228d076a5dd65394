import path from "node:path";
import type { DeferredEmitter, Emitter, GeneratedFile, ProtocolModel } from "../model/model.js";
import { normalizeLineEnds } from "./generated-marker.js";

/** An emitter bug (not a schema problem): reported as an internal error, exit 3. */
export class EmitterContractError extends Error {
  override readonly name = "EmitterContractError";
}

/**
 * Every emitter's files in emitter order, line ends normalised. Two emitters writing one
 * path, or a path that escapes the output directory, is an emitter bug and throws.
 * Deferred emitters are started before the others run, and awaited after.
 */
export async function runEmitters(emitters: readonly (Emitter | DeferredEmitter)[], model: ProtocolModel): Promise<GeneratedFile[]> {
  const started = emitters.map((emit) => (typeof emit === "function" ? undefined : emit.start(model)));
  // A deferred emitter that fails while the others run is reported below, not as unhandled.
  for (const pending of started) pending?.catch(() => undefined);
  const outputs: (GeneratedFile[] | undefined)[] = emitters.map((emit) => (typeof emit === "function" ? emit(model) : undefined));
  for (const [index, pending] of started.entries()) if (pending !== undefined) outputs[index] = await pending;
  const files: GeneratedFile[] = [];
  const producer = new Map<string, number>();
  emitters.forEach((emit, index) => {
    for (const file of outputs[index] ?? []) {
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
