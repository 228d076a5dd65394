/**
 * A notification sent to every subscriber of a thread, built, serialised and encoded at most
 * once for all of them (per JSON-RPC dialect), and not at all when no subscriber takes it (all
 * opted out, or none there): its params' JSON text is produced on the first `bytes()` call.
 * Connections queue the same bytes (ConnectionSession → OutboundQueue → `sendSerialized`).
 */
import type { ServerNotifications } from "../../generated/protocol/methods.js";

export type ServerNotificationMethod = keyof ServerNotifications & string;

const QUEUE_SNAPSHOT: ServerNotificationMethod = "thread/queue/changed";

export class PreparedNotification<M extends ServerNotificationMethod = ServerNotificationMethod> {
  private paramsJson: string | undefined;
  private plain: Uint8Array | undefined;
  private jsonrpc2: Uint8Array | undefined;

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

  /**
   * A notification of plain params (serialised with `JSON.stringify` when first needed). A
   * `thread/queue/changed` is a full state of its thread's queue, so it is keyed by the thread.
   */
  static of<N extends ServerNotificationMethod>(method: N, params: ServerNotifications[N]["params"]): PreparedNotification<N> {
    const threadId = method === QUEUE_SNAPSHOT ? (params as { threadId?: unknown }).threadId : undefined;
    return new PreparedNotification(method, () => JSON.stringify(params), typeof threadId === "string" ? threadId : undefined);
  }

  /** The whole message as UTF-8 JSON, encoded once per dialect (`jsonrpc2` for peers that declared it, SPEC §1). */
  bytes(jsonrpc2: boolean): Uint8Array {
    if (jsonrpc2) return (this.jsonrpc2 ??= this.encode(true));
    return (this.plain ??= this.encode(false));
  }

  /** The whole message as JSON text (what `bytes` encodes). */
  json(jsonrpc2: boolean): string {
    const head = jsonrpc2 ? `{"jsonrpc":"2.0","method":` : `{"method":`;
    this.paramsJson ??= this.writeParams();
    return `${head}${JSON.stringify(this.method)},"params":${this.paramsJson}}`;
  }

  private encode(jsonrpc2: boolean): Uint8Array {
    return Buffer.from(this.json(jsonrpc2), "utf8");
  }
}
