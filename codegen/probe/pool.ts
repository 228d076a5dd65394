/**
 * Values the server handed out during a session, by field name and JSON kind, so later calls
 * can use them: `thread.id` from a `thread/start` result is offered to every `threadId` field,
 * the ids of `queuedTurns` in a `thread/queue/changed` notification to `queuedTurnIds`.
 *
 * Field names are taken as they are and, for an `id` inside an object, also as the parent's
 * name plus "Id" (`thread.id` → `threadId`, `queuedTurns[0].id` → `queuedTurnId`): the
 * convention of Codex's protocol and of most JSON-RPC APIs.
 */
import type { JsonRpcId } from "../runtime/jsonrpc.js";
import { joinPointer } from "../load/json-pointer.js";
import { singular } from "./params-arbitrary.js";
import { jsonKindOf, type JsonValue, type PoolKind } from "./template.js";

/** Where a pooled value came from, so a transcript can say "the thread id request 2 returned". */
export type PoolOrigin =
  | { readonly response: JsonRpcId; readonly pointer: string }
  | { readonly notification: string; readonly index: number; readonly pointer: string };

export interface PoolEntry {
  readonly value: JsonValue;
  readonly origin: PoolOrigin;
}

const PER_KEY = 64;

export class ValuePool {
  private readonly entries = new Map<string, PoolEntry[]>();

  recordResult(id: JsonRpcId, result: unknown): void {
    this.walk(result, "/result", undefined, (pointer) => ({ response: id, pointer }));
  }

  recordNotification(method: string, index: number, params: unknown): void {
    this.walk(params, "/params", undefined, (pointer) => ({ notification: method, index, pointer }));
  }

  /** The `pick`-th most recent value (modulo how many there are), or undefined. */
  lookup(key: string, kind: PoolKind, pick: number): PoolEntry | undefined {
    const list = this.entries.get(slot(key, kind));
    if (list === undefined || list.length === 0) return undefined;
    return list[list.length - 1 - (pick % list.length)];
  }

  private walk(value: unknown, pointer: string, parentKey: string | undefined, origin: (pointer: string) => PoolOrigin): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.walk(item, joinPointer(pointer, index), parentKey, origin));
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const at = joinPointer(pointer, key);
      const kind = poolKind(child);
      if (kind !== undefined) {
        this.add(key, kind, child as JsonValue, origin(at));
        if (key === "id" && parentKey !== undefined && kind !== "array") this.add(`${singular(parentKey)}Id`, kind, child as JsonValue, origin(at));
      }
      if (Array.isArray(child) && child.length > 0 && child.every((item) => isObjectWithId(item))) {
        const ids = child.map((item) => (item as { id: JsonValue }).id);
        this.add(`${singular(key)}Ids`, "array", ids, origin(at));
      }
      if (typeof child === "object" && child !== null) this.walk(child, at, key, origin);
    }
  }

  private add(key: string, kind: PoolKind, value: JsonValue, origin: PoolOrigin): void {
    const name = slot(key, kind);
    const list = this.entries.get(name) ?? [];
    const text = JSON.stringify(value);
    const existing = list.findIndex((entry) => JSON.stringify(entry.value) === text);
    if (existing >= 0) list.splice(existing, 1);
    list.push({ value, origin });
    if (list.length > PER_KEY) list.shift();
    this.entries.set(name, list);
  }
}

function slot(key: string, kind: PoolKind): string {
  return `${kind}\u0000${key}`;
}

function poolKind(value: unknown): PoolKind | undefined {
  if (Array.isArray(value)) {
    return value.length > 0 && value.every((item) => typeof item === "string" || typeof item === "number") ? "array" : undefined;
  }
  const kind = jsonKindOf(value);
  return kind === "string" || kind === "integer" || kind === "number" || kind === "boolean" ? kind : undefined;
}

function isObjectWithId(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const id = (value as Record<string, unknown>).id;
  return typeof id === "string" || typeof id === "number";
}
