import type { CompareContext, Location } from "../context.js";
import { narrowing, widening } from "../verdicts.js";

/** Runs on every place, whichever of the three spellings of "or null" each side used. */
export function compareNullable(ctx: CompareContext, before: boolean, after: boolean, at: Location): void {
  if (before === after) return;
  ctx.report(
    after
      ? {
          kind: "null-added",
          detail: "null is now allowed",
          judge: widening("breaking", "old clients may receive null where they expect a value"),
        }
      : { kind: "null-removed", detail: "null is no longer allowed", judge: narrowing() },
    at,
  );
}
