/**
 * References from generated server and client code to the generated validators. Each
 * namespace's validators module (validators/<ns…>/index.ts) is imported whole under an alias,
 * `validators` for the root and `validators_v2` for v2, so that equal type names in two
 * namespaces never clash and each reference reads `validators_v2.validateQueuedTurn`.
 */
import { posix } from "node:path";
import ts from "../shared/typescript.js";
import type { MethodSpec, NamedType, ProtocolModel, TypeId } from "../../model/model.js";
import { validateFunctionName } from "../validators/names.js";
import { compareCodeUnits } from "../shared/order.js";
import { moduleSpecifier } from "../shared/type-imports.js";
import { TypeIndex } from "./names.js";

const f = ts.factory;

/** The folder of the generated validators, relative to the output directory. */
const VALIDATORS_DIR = "validators";
/** protocol/validation.ts's wrapper for params a peer may leave out. */
const ALLOW_ABSENT = "allowAbsent";

export class ValidatorRefs {
  private readonly types: TypeIndex;
  private readonly used = new Map<string, readonly string[]>();
  private wrapsAbsent = false;

  /** `fromDir` is the output folder of the file that will hold the references ("server"). */
  constructor(model: ProtocolModel, private readonly fromDir: string) {
    this.types = new TypeIndex(model);
  }

  /** `validators_v2.validateThreadQueueAddParams`, or undefined for a method without that type. */
  forType(id: TypeId | null, spec: MethodSpec): ts.Expression | undefined {
    if (id === null) return undefined;
    const type = this.types.get(id, spec);
    const alias = this.aliasFor(type);
    return f.createPropertyAccessExpression(f.createIdentifier(alias), validateFunctionName(type));
  }

  /**
   * The check of a method's params: `validators_v2.validateX`, wrapped in `allowAbsent(…)`
   * when a peer may leave them out; undefined for a method without params.
   */
  forParams(spec: MethodSpec): ts.Expression | undefined {
    const validator = this.forType(spec.params, spec);
    if (validator === undefined || spec.paramsOptional !== true) return validator;
    this.wrapsAbsent = true;
    return f.createCallExpression(f.createIdentifier(ALLOW_ABSENT), undefined, [validator]);
  }

  /** One `import * as … from` per namespace referenced so far, sorted by path (and `allowAbsent` when used). */
  importDeclarations(): ts.ImportDeclaration[] {
    const namespaces = [...this.used.entries()]
      .map(([alias, namespace]) => ({ alias, specifier: moduleSpecifier(this.fromDir, posix.join(VALIDATORS_DIR, ...namespace, "index.ts")) }))
      .sort((a, b) => compareCodeUnits(a.specifier, b.specifier))
      .map(({ alias, specifier }) =>
        f.createImportDeclaration(undefined, f.createImportClause(false, undefined, f.createNamespaceImport(f.createIdentifier(alias))), f.createStringLiteral(specifier)),
      );
    if (!this.wrapsAbsent) return namespaces;
    const named = f.createNamedImports([f.createImportSpecifier(false, undefined, f.createIdentifier(ALLOW_ABSENT))]);
    const allowAbsent = f.createImportDeclaration(undefined, f.createImportClause(false, undefined, named), f.createStringLiteral(moduleSpecifier(this.fromDir, "protocol/validation.ts")));
    return [allowAbsent, ...namespaces];
  }

  private aliasFor(type: NamedType): string {
    // Namespace segments passed the identifier check when the types were emitted; joined
    // with "_" they stay identifiers. Two namespaces joining to one alias would be ambiguous.
    const alias = [VALIDATORS_DIR, ...type.namespace].join("_");
    const previous = this.used.get(alias);
    if (previous !== undefined && previous.join("/") !== type.namespace.join("/")) {
      throw new Error(`namespaces ${JSON.stringify(previous.join("/"))} and ${JSON.stringify(type.namespace.join("/"))} both import their validators as ${alias}; rename one in the schema`);
    }
    this.used.set(alias, type.namespace);
    return alias;
  }
}
