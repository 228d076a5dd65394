/** What the probe reports: one finding per broken promise of the protocol. */

export const FINDING_KINDS = {
  timeout: "no answer within the timeout",
  "invalid-result": "a result does not match the method's result schema",
  "malformed-error": "an error response without the JSON-RPC error shape",
  "wrong-error-code": "params the schema rejects were answered with another error code than the protocol's",
  "accepted-invalid-params": "params the schema rejects were answered with a result",
  "rejected-valid-params": "params the schema accepts were answered with -32602 (invalid params)",
  "internal-error": "params the schema accepts were answered with -32603 (internal error)",
  "init-rejected": "a request of the --init handshake was answered with an error",
  "unknown-notification": "a notification whose method the protocol does not define (server → client)",
  "invalid-notification": "a notification whose params do not match its schema",
  "unknown-server-request": "a server → client request whose method the protocol does not define",
  "invalid-server-request": "a server → client request whose params do not match its schema",
  "malformed-message": "a message that is not JSON-RPC, or a response to no request",
  "server-exited": "the server process exited",
  "connection-closed": "the server closed the connection",
} as const;

export type FindingKind = keyof typeof FINDING_KINDS;

export interface Finding {
  readonly kind: FindingKind;
  /** The method of the call the finding belongs to (the last call sent, for notifications and exits). */
  readonly method: string;
  /** For notification and server-request findings: the method the server sent. */
  readonly received?: string;
  /** The error code of the answer, for findings about an error answer. */
  readonly code?: number;
  /** Index of the call in the generated sequence; -1 while the --init handshake runs. */
  readonly step: number;
  readonly detail: string;
}

/**
 * Two findings are "the same fault" for shrinking when these agree. A message the server sends
 * on its own is known by its method alone: which call it follows depends on timing (a
 * notification sent after an answer arrives during the next call).
 */
export function signatureOf(finding: Finding): string {
  return finding.received === undefined ? `${finding.kind}\u0000${finding.method}` : `${finding.kind}\u0000\u0000${finding.received}`;
}

export function sameFault(a: Finding, b: Finding): boolean {
  return signatureOf(a) === signatureOf(b);
}

export function describeFinding(finding: Finding): string {
  const about = finding.received === undefined ? finding.method : `${finding.received} (after ${finding.method})`;
  return `${finding.kind} ${about}: ${finding.detail}`;
}

export type FindingFilter = (finding: Finding) => boolean;

/**
 * `--ignore KIND`, `KIND:METHOD-GLOB` or `KIND:METHOD-GLOB:CODE`: a known fault (a baseline)
 * that is counted and reported but does not fail the run. The glob is matched against the
 * call's method, or for messages the server sends unasked, the method it sent; the code, for
 * findings about an error answer, against its code.
 */
export function parseIgnore(patterns: readonly string[], glob: (pattern: string) => RegExp): { ok: true; filter: FindingFilter } | { ok: false; message: string } {
  const rules: { kind: FindingKind; method: RegExp | undefined; code: number | undefined }[] = [];
  for (const pattern of patterns) {
    const [kind = "", method, code, ...rest] = pattern.split(":");
    if (rest.length > 0 || (code !== undefined && !/^-?\d+$/.test(code))) {
      return { ok: false, message: `--ignore ${JSON.stringify(pattern)}: expected KIND, KIND:METHOD-GLOB or KIND:METHOD-GLOB:CODE` };
    }
    if (!Object.hasOwn(FINDING_KINDS, kind)) {
      return { ok: false, message: `--ignore ${JSON.stringify(pattern)}: ${JSON.stringify(kind)} is not a finding kind (one of ${Object.keys(FINDING_KINDS).join(", ")})` };
    }
    rules.push({ kind: kind as FindingKind, method: method === undefined ? undefined : glob(method), code: code === undefined ? undefined : Number(code) });
  }
  return {
    ok: true,
    filter: (finding) =>
      rules.some(
        (rule) =>
          rule.kind === finding.kind &&
          (rule.method === undefined || rule.method.test(finding.received ?? finding.method)) &&
          (rule.code === undefined || rule.code === finding.code),
      ),
  };
}

/** How an ignored finding is shown and counted: "rejected-valid-params:thread/list". */
export function ignoreKey(finding: Finding): string {
  return `${finding.kind}:${finding.received ?? finding.method}`;
}
