/**
 * The recurring judgements. A change either lets the schema accept less (narrowing), more
 * (widening), something else (incompatible), or nothing different (documentation). The reader
 * decides how bad that is: a server reading client data must accept at least what it accepted
 * before; a client reading server data must not be sent more than it understood before.
 */
import type { Reader, Severity, Verdict } from "./types.js";

export type Judge = Readonly<Partial<Record<Reader, Verdict>>>;

export function verdict(severity: Severity, reason: string): Verdict {
  return { severity, reason };
}

export function judge(server: Verdict, client: Verdict): Judge {
  return { server, client };
}

/** The new schema accepts a subset of what the old one did. */
export function narrowing(): Judge {
  return judge(
    verdict("breaking", "old clients may still send what the server now rejects"),
    verdict("safe", "the server now sends a subset of what old clients accept"),
  );
}

/** The new schema accepts a superset; `clientSeverity` is how bad surprising a client is. */
export function widening(clientSeverity: Severity = "breaking", clientReason?: string): Judge {
  return judge(
    verdict("safe", "the server accepts everything old clients send"),
    verdict(clientSeverity, clientReason ?? "old clients may receive values they do not understand"),
  );
}

/** Neither side's values fit the other. */
export function incompatible(reason = "old and new values are incompatible"): Judge {
  return judge(verdict("breaking", reason), verdict("breaking", reason));
}

export function documentation(): Judge {
  const unchanged = verdict("safe", "documentation only; the wire format is unchanged");
  return judge(unchanged, unchanged);
}

/** A change the rules cannot judge: someone has to look. */
export function unjudged(reason: string): Judge {
  return judge(verdict("warning", reason), verdict("warning", reason));
}
