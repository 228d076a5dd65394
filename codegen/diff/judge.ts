/**
 * Severity = rule × reader × experimental. A change is judged once for each reader that
 * parses the type (server for client-sent data, client for server-sent data); the report
 * keeps the worst. Old clients were told experimental methods may change, so a judgement
 * that only experimental methods reach counts as a warning at most, unless the caller asks
 * for strict treatment.
 */
import type { Reader, Severity, Verdict } from "./types.js";
import { READERS, worse } from "./types.js";
import type { Judge } from "./verdicts.js";

export interface ReaderUse {
  readonly reader: Reader;
  readonly experimental: boolean;
}

export interface JudgeOptions {
  readonly strictExperimental: boolean;
}

export interface Judged {
  readonly severity: Severity;
  readonly reason: string;
  readonly judgements: readonly (Verdict & { readonly reader: Reader })[];
}

const READ_BY: Record<Reader, string> = {
  server: "read by the server",
  client: "read by clients",
};

/**
 * `uses` empty means the change is in a type no method uses: both readers are considered and
 * the result is capped like an experimental one, since no message carries it.
 */
export function judgeChange(judge: Judge, uses: readonly ReaderUse[], options: JudgeOptions): Judged {
  const orphan = uses.length === 0;
  const judgements: (Verdict & { reader: Reader })[] = [];
  for (const reader of READERS) {
    const verdict = judge[reader];
    const mine = uses.filter((use) => use.reader === reader);
    if (verdict === undefined || (!orphan && mine.length === 0)) continue;
    const experimentalOnly = !orphan && mine.every((use) => use.experimental);
    const capped =
      verdict.severity === "breaking" && (orphan || (experimentalOnly && !options.strictExperimental));
    const note = orphan ? " (no method uses this type)" : capped ? " (experimental: warning at most)" : "";
    judgements.push({
      reader,
      severity: capped ? "warning" : verdict.severity,
      reason: `${READ_BY[reader]}: ${verdict.reason}${note}`,
    });
  }
  const [first, ...rest] = judgements;
  if (first === undefined) return { severity: "safe", reason: "no reader is affected", judgements };
  const worst = rest.reduce((a, b) => (worse(a.severity, b.severity) === a.severity ? a : b), first);
  return { severity: worst.severity, reason: worst.reason, judgements };
}
