/**
 * From frames (stdio lines, WebSocket text frames) to the callbacks of `Transport`: the one
 * place that maps unreadable input to the error a peer is answered with.
 */
import { invalidRequest, parseError, type RpcError } from "./errors.js";
import type { LineEvent } from "./framing.js";
import { parseJsonText } from "./jsonrpc.js";

export interface FrameSink {
  /** `text` is the frame the value was parsed from (a receiver may check what the parse lost). */
  message(value: unknown, text: string): void;
  frameError(error: RpcError): void;
}

/** Parses one text frame. Blank stdio lines are skipped by `deliverLineEvent`, not here. */
export function deliverText(text: string, sink: FrameSink): void {
  const parsed = parseJsonText(text);
  if (parsed.ok) sink.message(parsed.value, text);
  else sink.frameError(parseError(parsed.reason));
}

/** Blank lines are tolerated between messages, as most NDJSON readers do. */
export function deliverLineEvent(event: LineEvent, sink: FrameSink): void {
  switch (event.kind) {
    case "line":
      if (event.line.trim().length > 0) deliverText(event.line, sink);
      return;
    case "oversized":
      sink.frameError(parseError(`message exceeds the limit of ${event.limit} bytes`));
      return;
    case "invalid-utf8":
      sink.frameError(parseError("message is not valid UTF-8"));
      return;
  }
}

export function binaryFrameError(): RpcError {
  return invalidRequest("binary frames are not supported; send each message as a text frame");
}
