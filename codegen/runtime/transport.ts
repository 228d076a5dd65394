/**
 * The transport contract: moves JSON-RPC messages between two peers and knows nothing of
 * methods, ids or pending requests (that is `connection.ts` on the client and the dispatcher on
 * the server).
 *
 * Choice: a transport parses JSON and hands up *parsed values*, not raw text, but it does not
 * classify them. Two kinds of trouble are kept apart:
 * - a frame that is not a JSON value at all (unparsable text, invalid UTF-8, an oversized
 *   line, a binary WebSocket frame) goes to `onframeerror` with the `RpcError` the peer should
 *   be answered with (`{id: null, error}`; -32700 for unreadable text, -32600 for a frame of
 *   the wrong kind). A server answers it; a client reports it.
 * - a JSON value that is not a valid message goes to `onmessage` like any other, and the
 *   receiver's `classifyMessage` says why it is invalid, so that one function decides validity.
 * - `onerror` is for failures of the transport itself (socket errors, a child that cannot be
 *   spawned, a write that failed); when `onframeerror` is not set, frame errors go there too.
 *
 * Lifecycle: `start()` once, before which nothing is delivered; `close()` is idempotent and
 * resolves when the channel is closed; `send()` after `close()` rejects. `onclose` fires
 * exactly once, whichever side closed, and means no further message will arrive. A
 * half-closing channel (stdio: the peer ended its stdin but still reads stdout) may keep
 * accepting `send()` after `onclose` until `close()`, so replies to what was read get out.
 *
 * Flow control (optional; the server's transports have it): `sendSerialized` takes a message
 * its caller already serialized and encoded — a server that budgets its output in bytes has to
 * do that first, and should not pay for it twice — and `pauseInput`/`resumeInput` stop and restart
 * reading, so a peer that does not read its answers stops being read too (its writes then back
 * up in its own socket or pipe, as TCP and pipes do), instead of growing this side's memory.
 * Frames already read when `pauseInput` is called may still be delivered.
 */
import type { RpcError } from "./errors.js";
import type { JsonRpcMessage } from "./jsonrpc.js";

export interface Transport {
  start(): Promise<void>;
  /** Resolves when the message has been handed to the channel (respecting back-pressure). */
  send(message: JsonRpcMessage): Promise<void>;
  /** Like `send`, for a message already serialized with `JSON.stringify` and encoded as UTF-8. */
  sendSerialized?(message: Uint8Array): Promise<void>;
  /** Stops delivering new frames until `resumeInput` (back-pressure on the peer). */
  pauseInput?(): void;
  resumeInput?(): void;
  close(): Promise<void>;
  /**
   * Drops the connection at once, unsent output included, without a closing handshake (a peer
   * that stopped reading cannot take part in one). `onclose` follows.
   */
  abort?(reason: string): void;
  /** Who is on the other end, for log lines (`127.0.0.1:53412`, `stdio`). */
  readonly peerName?: string | undefined;
  /**
   * A parsed JSON value, not yet classified (see `classifyMessage`), with the text it was parsed
   * from when the transport has it (a server may refuse what `JSON.parse` silently changed).
   */
  onmessage?: ((message: unknown, text?: string) => void) | undefined;
  /** A frame that could not be turned into a JSON value; `error` is the answer to send. */
  onframeerror?: ((error: RpcError) => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onclose?: (() => void) | undefined;
}

/** Routes a frame error to `onframeerror`, or to `onerror` when nobody answers frames. */
export function reportFrameError(transport: Transport, error: RpcError): void {
  if (transport.onframeerror) transport.onframeerror(error);
  else transport.onerror?.(error);
}
