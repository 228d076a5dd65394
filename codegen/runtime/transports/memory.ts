/**
 * An in-memory pair of transports, for tests and for running a client and a server in one
 * process. Each message goes through JSON text on its way across, so a value that would not
 * survive the wire (undefined members, class instances, cycles) fails here as it would there,
 * and delivery is asynchronous, as on a real channel.
 */
import { connectionClosed } from "../errors.js";
import { deliverText } from "../frame-decoding.js";
import { serializeMessage, type JsonRpcMessage } from "../jsonrpc.js";
import { reportFrameError, type Transport } from "../transport.js";

export class MemoryTransport implements Transport {
  onmessage?: (message: unknown) => void;
  onframeerror?: Transport["onframeerror"];
  onerror?: (error: Error) => void;
  onclose?: () => void;

  /** Every message this end sent, in order, as the peer will read it. */
  readonly sent: JsonRpcMessage[] = [];
  private peer: MemoryTransport | undefined;
  private started = false;
  private closed = false;
  private readonly inbox: string[] = [];

  /** Use `createMemoryTransportPair`. */
  static pair(): [MemoryTransport, MemoryTransport] {
    const a = new MemoryTransport();
    const b = new MemoryTransport();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error("MemoryTransport already started");
    this.started = true;
    for (const text of this.inbox.splice(0)) this.deliver(text);
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.closed) throw connectionClosed();
    const text = serializeMessage(message);
    this.sent.push(JSON.parse(text) as JsonRpcMessage);
    this.peer?.receiveText(text);
  }

  /**
   * Makes this end receive raw text as if the peer had sent it, for testing garbage input
   * (bad JSON, invalid messages).
   */
  injectText(text: string): void {
    this.receiveText(text);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Queued behind the messages already sent, so the peer reads them before the hang-up.
    const peer = this.peer;
    queueMicrotask(() => peer?.hangUp());
    queueMicrotask(() => this.onclose?.());
  }

  private hangUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  private receiveText(text: string): void {
    queueMicrotask(() => {
      if (this.closed) return;
      if (this.started) this.deliver(text);
      else this.inbox.push(text);
    });
  }

  private deliver(text: string): void {
    deliverText(text, {
      message: (value) => this.onmessage?.(value),
      frameError: (error) => reportFrameError(this, error),
    });
  }
}

export function createMemoryTransportPair(): [MemoryTransport, MemoryTransport] {
  return MemoryTransport.pair();
}
