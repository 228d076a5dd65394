/**
 * Names the validators emitter puts into code. Type and namespace names come from schemas, so
 * each passes the shared identifier check first, and every name a generated module declares is
 * checked against the others in that module: a clash is an error, never a silent rename.
 */
import type { NamedType } from "../../model/model.js";
import { assertDeclarationName, InvalidNameError } from "../shared/identifiers.js";

export { standaloneExportName } from "./request.js";

export function isFunctionName(type: NamedType): string {
  return `is${type.name}`;
}

export function validateFunctionName(type: NamedType): string {
  return `validate${type.name}`;
}

/** Checks a type's name and namespace segments before any of them becomes code. */
export function assertTypeNames(type: NamedType): void {
  const subject = `type "${type.id}" (${type.source.file})`;
  assertDeclarationName(type.name, subject);
  for (const segment of type.namespace) assertDeclarationName(segment, `namespace of ${subject}`);
}

/** Records the names one generated module declares and throws on the first duplicate. */
export class ModuleNames {
  private readonly owners = new Map<string, string>();

  constructor(private readonly file: string) {}

  claim(name: string, owner: string): string {
    const previous = this.owners.get(name);
    if (previous !== undefined) {
      throw new InvalidNameError(
        `${this.file}: ${owner} and ${previous} both need the name ${JSON.stringify(name)}; rename one of them in the schema`,
      );
    }
    this.owners.set(name, owner);
    return name;
  }
}
