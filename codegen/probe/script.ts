/**
 * What a session sends, one entry per message, each decided at the moment it is sent: a
 * generated call fills its pool holes from what the server has answered so far; a replayed
 * transcript line substitutes the values its `bind` names from this server's answers.
 */
import { parsePointer, valueAtTokens } from "../load/json-pointer.js";
import type { JsonRpcId } from "../runtime/jsonrpc.js";
import { applyMutation, type MutationChoice } from "./mutation.js";
import type { PoolOrigin, ValuePool } from "./pool.js";
import { pointerOf, resolveTemplate, type Generated, type JsonValue } from "./template.js";
import type { Binding, Intent, SendEvent } from "./transcript.js";

/** What the session has received so far, for bindings. */
export interface Received {
  response(id: JsonRpcId): unknown;
  notification(method: string, index: number): unknown;
}

export interface PlanContext {
  readonly pool: ValuePool;
  readonly received: Received;
}

export interface PlannedMessage {
  readonly method: string;
  readonly request: boolean;
  /** The id to use; undefined lets the session number it. */
  readonly id?: JsonRpcId;
  readonly params: JsonValue | undefined;
  /** "init" for the handshake; otherwise what was meant (the validator has the last word). */
  readonly intent: Intent;
  readonly mutation?: string;
  readonly bind: readonly Binding[];
}

export interface ScriptEntry {
  readonly phase: "init" | "call";
  plan(context: PlanContext): PlannedMessage;
}

/** One generated call: the method, its params template, and the mutation to apply, if any. */
export interface Step {
  readonly method: string;
  readonly request: boolean;
  readonly params: Generated | undefined;
  readonly mutate: MutationChoice | undefined;
}

export function stepEntry(step: Step): ScriptEntry {
  return {
    phase: "call",
    plan: ({ pool }) => {
      const bind: Binding[] = [];
      let params: JsonValue | undefined;
      if (step.params !== undefined) {
        params = resolveTemplate(step.params.template, (ref, path) => {
          const entry = pool.lookup(ref.key, ref.kind, ref.pick);
          if (entry === undefined) return undefined;
          bind.push({ at: pointerOf(["params", ...path]), from: entry.origin });
          return entry.value;
        });
      }
      if (step.mutate === undefined || step.params === undefined || params === undefined) {
        return { method: step.method, request: step.request, params, intent: "valid", bind };
      }
      const applied = applyMutation(params, step.params.sites, step.mutate);
      if (applied === undefined) return { method: step.method, request: step.request, params, intent: "valid", bind };
      // A bound value the mutation replaced or removed must not be put back by a replay.
      const touched = pointerOf(["params", ...applied.touched]);
      const kept = bind.filter((binding) => binding.at !== touched && !binding.at.startsWith(touched + "/"));
      return { method: step.method, request: step.request, params: applied.params, intent: "invalid", mutation: applied.description, bind: kept };
    },
  };
}

/** A message from a transcript or an --init file, sent as recorded but for its bindings. */
export function recordedEntry(event: SendEvent, phase: "init" | "call"): ScriptEntry {
  return {
    phase,
    plan: ({ received }) => {
      const message = structuredClone(event.send) as unknown as Record<string, JsonValue>;
      for (const binding of event.bind ?? []) {
        const value = originValue(binding.from, received);
        if (value !== undefined) setAt(message, binding.at, value);
      }
      const request = Object.hasOwn(message, "id");
      const id = request ? (message.id as JsonRpcId) : undefined;
      return {
        method: String(message.method),
        request,
        ...(id === undefined ? {} : { id }),
        params: message.params,
        intent: phase === "init" ? "init" : event.intent === "init" ? "valid" : event.intent,
        ...(event.mutation === undefined ? {} : { mutation: event.mutation }),
        bind: event.bind ?? [],
      };
    },
  };
}

function originValue(origin: PoolOrigin, received: Received): JsonValue | undefined {
  const source = "response" in origin ? received.response(origin.response) : received.notification(origin.notification, origin.index);
  const tokens = parsePointer(origin.pointer);
  if (source === undefined || tokens === undefined) return undefined;
  return valueAtTokens(source, tokens) as JsonValue | undefined;
}

function setAt(root: Record<string, JsonValue>, pointer: string, value: JsonValue): void {
  const tokens = parsePointer(pointer);
  if (tokens === undefined || tokens.length === 0) return;
  const parent = valueAtTokens(root, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent) && /^(0|[1-9][0-9]*)$/.test(last)) parent[Number(last)] = value;
  else if (parent !== null && typeof parent === "object" && !Array.isArray(parent)) (parent as Record<string, JsonValue>)[last] = value;
}
