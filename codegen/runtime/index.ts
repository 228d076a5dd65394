/**
 * The runtime in one import (the protocol package's `/runtime`): message types and
 * classification with the error table (jsonrpc.ts re-exports errors.ts), the `Transport`
 * contract, the untyped connection engine, line framing and the transports.
 * The WebSocket transports load the optional `ws` package only when a socket is dialled.
 */
export * from "./jsonrpc.js";
export * from "./transport.js";
export * from "./connection.js";
export * from "./framing.js";
export * from "./line-stream.js";
export * from "./transports/stdio-child.js";
export * from "./transports/websocket-client.js";
export * from "./transports/websocket-socket.js";
export * from "./transports/memory.js";
