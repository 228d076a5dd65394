/**
 * A notification sent to every subscriber of a thread, built and serialised at most once for
 * all of them (per JSON-RPC dialect), and not at all when no subscriber takes it (all opted
 * out, or none there): its params' JSON text is produced on the first `message()` call.
 */
import type { ServerNotifications } from "../../generated/protocol/methods.js";
import { serializeMessage, withSerializedJson, type JsonRpcNotification } from "../../generated/runtime/jsonrpc.js";

export type ServerNotificationMethod = keyof ServerNotifications & string;

export class PreparedNotification<M extends ServerNotificationMethod = ServerNotificationMethod> {
  private paramsJson: string | undefined;
  private readonly messages: { plain?: JsonRpcNotification; jsonrpc2?: JsonRpcNotification } = {};

  /**
   * `writeParams` must return the JSON text of a valid `ServerNotifications[M]["params"]`.
   * `key`, when given, names what the notification is a full state of (a thread's queue): a
   * newer one with the same key makes an unsent older one pointless to a connection that is
   * behind.
   */
  constructor(
    readonly method: M,
    private readonly writeParams: () => string,
    readonly key?: string,
  ) {}

  /** The whole message as JSON text, written once per dialect (`jsonrpc2` for peers that declared it, SPEC §1). */
  json(jsonrpc2: boolean): string {
    return serializeMessage(this.message(jsonrpc2));
  }

  /** The envelope to send, with its JSON text attached (transports write that text as is). */
  message(jsonrpc2: boolean): JsonRpcNotification {
    const key = jsonrpc2 ? "jsonrpc2" : "plain";
    const cached = this.messages[key];
    if (cached !== undefined) return cached;
    const params = this.params();
    const head = jsonrpc2 ? `{"jsonrpc":"2.0","method":` : `{"method":`;
    const json = `${head}${JSON.stringify(this.method)},"params":${params}}`;
    const message = withSerializedJson(new PreparedEnvelope(this.method, params, jsonrpc2) as unknown as JsonRpcNotification, json);
    this.messages[key] = message;
    return message;
  }

  private params(): string {
    this.paramsJson ??= this.writeParams();
    return this.paramsJson;
  }
}

/**
 * The envelope handed to transports. They write its attached JSON text; anything that reads it
 * in-process gets `params` parsed on first access, and `JSON.stringify` gets the same text
 * through `toJSON` — without a closure per message (they are made by the thousand).
 */
class PreparedEnvelope {
  declare readonly jsonrpc?: "2.0";
  readonly method: string;
  readonly #paramsJson: string;
  #parsed: unknown;

  constructor(method: string, paramsJson: string, jsonrpc2: boolean) {
    if (jsonrpc2) (this as { jsonrpc?: "2.0" }).jsonrpc = "2.0";
    this.method = method;
    this.#paramsJson = paramsJson;
  }

  get params(): unknown {
    this.#parsed ??= JSON.parse(this.#paramsJson);
    return this.#parsed;
  }

  toJSON(): { jsonrpc?: "2.0"; method: string; params: unknown } {
    return this.jsonrpc === undefined ? { method: this.method, params: this.params } : { jsonrpc: this.jsonrpc, method: this.method, params: this.params };
  }
}
