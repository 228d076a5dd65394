/**
 * Compares every reference type with ours: equal when each is assignable to the other after
 * normalisation (./normalise.ts), checked by the TypeScript compiler.
 */
import ts from "../emit/shared/typescript.js";
import type { GeneratedFile } from "../model/model.js";
import { createSidedProgram, type Side, type SidedProgram } from "./program.js";
import { declaredTypes, pairTypes, type DeclaredType, type TypePair } from "./pairing.js";
import type { TypeSourceFile } from "./reference.js";

export type Verdict = "equal" | "differing" | "missing";

export interface TypeComparison {
  readonly pair: TypePair;
  readonly verdict: Verdict;
}

export interface Comparison {
  readonly sided: SidedProgram;
  readonly results: readonly TypeComparison[];
  /** The declared type of a side's type, for deeper analysis. */
  typeOf(side: Side, declared: DeclaredType): ts.Type | undefined;
}

const typesPrefix = "types/";

export function compareTypes(ours: readonly GeneratedFile[], reference: readonly TypeSourceFile[]): Comparison {
  const oursFiles = ours.filter((file) => file.path.startsWith(typesPrefix) && file.path.endsWith(".ts"));
  const sided = createSidedProgram({ ours: oursFiles, reference });
  const { checker } = sided;
  const typeOf = (side: Side, declared: DeclaredType): ts.Type | undefined => {
    const file = sided.sourceFile(side, declared.path);
    const module = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    const symbol = module === undefined ? undefined : checker.getExportsOfModule(module).find((s) => s.name === declared.name);
    return symbol === undefined ? undefined : checker.getDeclaredTypeOfSymbol(symbol);
  };
  const pairs = pairTypes(declaredTypes(reference), declaredTypes(oursFiles, typesPrefix));
  const results = pairs.map((pair): TypeComparison => {
    const theirs = typeOf("reference", pair.reference);
    const mine = pair.ours === undefined ? undefined : typeOf("ours", pair.ours);
    if (mine === undefined || theirs === undefined) return { pair, verdict: "missing" };
    const equal = checker.isTypeAssignableTo(mine, theirs) && checker.isTypeAssignableTo(theirs, mine);
    return { pair, verdict: equal ? "equal" : "differing" };
  });
  return { sided, results, typeOf };
}
