/** The checks on each exchange and on each message the server sends unasked. */
import type { TypeId } from "../model/model.js";
import { ErrorCodes } from "../runtime/errors.js";
import type { ClassifiedMessage } from "../runtime/jsonrpc.js";
import type { Finding } from "./findings.js";
import type { MethodIndex } from "./methods.js";
import type { Intent } from "./transcript.js";
import { formatIssues, type ProtocolValidators } from "./validators.js";

export interface SentCall {
  readonly method: string;
  readonly intent: Intent;
  /** The result type to check against; null when the protocol does not name one. */
  readonly resultType: TypeId | null;
}

export interface CheckSettings {
  readonly methods: MethodIndex;
  readonly validators: ProtocolValidators;
  /** The code the protocol answers invalid params with (-32602 in JSON-RPC 2.0; Codex: -32600). */
  readonly invalidParamsCode: number;
  /** With it, only an error with that code *and* a matching message is an invalid-params answer. */
  readonly invalidParamsMessage: RegExp | undefined;
}

export type Problem = Omit<Finding, "method" | "step">;

export function judgeAnswer(call: SentCall, answer: ClassifiedMessage, settings: CheckSettings): Problem | undefined {
  if (answer.kind === "invalid") return { kind: "malformed-error", detail: `the answer is not a JSON-RPC response: ${answer.reason}` };
  if (answer.kind === "response") {
    if (call.intent === "invalid") return { kind: "accepted-invalid-params", detail: "answered with a result" };
    if (call.resultType === null) return undefined;
    const verdict = settings.validators.validate(call.resultType, answer.message.result);
    return verdict.ok ? undefined : { kind: "invalid-result", detail: `${formatIssues(verdict.issues, "result")} (schema ${call.resultType})` };
  }
  if (answer.kind !== "error") return { kind: "malformed-error", detail: `expected a response, got a ${answer.kind}` };
  const { code, message } = answer.message.error;
  const said = `${code} ${JSON.stringify(message)}`;
  switch (call.intent) {
    case "init":
      return { kind: "init-rejected", code, detail: `answered ${said}; check the --init file` };
    case "invalid":
      return isInvalidParamsAnswer(code, message, settings)
        ? undefined
        : { kind: "wrong-error-code", code, detail: `answered ${said}, expected ${expectedAnswer(settings)}` };
    case "valid":
      if (code === ErrorCodes.InvalidParams || (settings.invalidParamsMessage !== undefined && isInvalidParamsAnswer(code, message, settings))) {
        return { kind: "rejected-valid-params", code, detail: `answered ${said}` };
      }
      if (code === ErrorCodes.InternalError) return { kind: "internal-error", code, detail: `answered ${said}` };
      return undefined;
  }
}

function isInvalidParamsAnswer(code: number, message: string, settings: CheckSettings): boolean {
  return code === settings.invalidParamsCode && (settings.invalidParamsMessage === undefined || settings.invalidParamsMessage.test(message));
}

function expectedAnswer(settings: CheckSettings): string {
  const pattern = settings.invalidParamsMessage;
  return pattern === undefined ? String(settings.invalidParamsCode) : `${settings.invalidParamsCode} with a message matching ${String(pattern)}`;
}

export function judgeServerMessage(message: ClassifiedMessage, settings: CheckSettings): Problem | undefined {
  switch (message.kind) {
    case "invalid":
      return { kind: "malformed-message", detail: message.reason };
    case "notification":
    case "request": {
      const { method } = message.message;
      const spec = settings.methods.incoming(method);
      const what = message.kind === "notification" ? "notification" : "server request";
      if (spec === undefined || spec.kind !== (message.kind === "notification" ? "notification" : "request")) {
        return {
          kind: message.kind === "notification" ? "unknown-notification" : "unknown-server-request",
          received: method,
          detail: `the protocol defines no server → client ${what} ${JSON.stringify(method)}`,
        };
      }
      if (spec.params === null) return undefined;
      const verdict = settings.validators.validate(spec.params, message.message.params ?? null);
      if (verdict.ok) return undefined;
      return {
        kind: message.kind === "notification" ? "invalid-notification" : "invalid-server-request",
        received: method,
        detail: `${formatIssues(verdict.issues, "params")} (schema ${spec.params})`,
      };
    }
    default:
      return undefined;
  }
}
