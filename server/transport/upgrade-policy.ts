/**
 * Who may open a WebSocket: decided from the upgrade request's headers, before the upgrade,
 * so a refused client gets a plain HTTP status (401 or 403) and never a socket.
 *
 * Origin: browsers send it and other clients do not, so a request that carries an Origin is
 * a web page trying to reach this server. Such a request is refused unless the origin is
 * listed; with no list, every page is refused (a local server must not be scriptable by any
 * website the user visits). Requests without an Origin are not browser-driven and pass.
 *
 * Token: when configured, `Authorization: Bearer <token>` must match; compared in constant
 * time so the check leaks nothing about the token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface UpgradePolicy {
  token?: string;
  allowedOrigins?: readonly string[];
}

export type UpgradeDecision =
  | { ok: true }
  | { ok: false; status: 401 | 403; message: string };

export function decideUpgrade(headers: IncomingHttpHeaders, policy: UpgradePolicy): UpgradeDecision {
  const origin = headers.origin;
  if (origin !== undefined && !(policy.allowedOrigins ?? []).includes(origin)) {
    return { ok: false, status: 403, message: `origin not allowed: ${origin}` };
  }
  if (policy.token !== undefined) {
    const presented = bearerToken(headers.authorization);
    if (presented === undefined) {
      return { ok: false, status: 401, message: "missing bearer token" };
    }
    if (!sameSecret(presented, policy.token)) {
      return { ok: false, status: 401, message: "invalid bearer token" };
    }
  }
  return { ok: true };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}

/** Hashing first gives equal lengths, which timingSafeEqual requires. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
