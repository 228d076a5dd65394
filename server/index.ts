/**
 * What an embedder imports from the `thread-queue-server` package: the runtime with its own
 * `TurnRunner` and `QueueStore`, the JSON-RPC front (`QueueServer`) and the transports the
 * `thread-queue-server` command itself uses (see README › Plugging in a real agent).
 * The process entry is server/main.ts; this module starts nothing.
 */
export { createServerRuntime, DEFAULT_LEASE_TTL_MS, type LeaseOptions, type ServerRuntime, type ServerRuntimeInit } from "./runtime.js";
export { DEFAULT_SERVER_OPTIONS, type ServerOptions, type ServerOptionsInit } from "./server-options.js";
export { QueueServer } from "./rpc/queue-server.js";
export * from "./store/index.js";
export type { TurnEvents, TurnOutcome, TurnRunner, TurnStartRequest } from "./turns/turn-runner.js";
export { TurnStartError } from "./turns/turn-runner.js";
export { EchoTurnRunner } from "./turns/echo-turn-runner.js";
export { createStderrLogger, type Logger, type LogLevel } from "./logger.js";
export { StdioServerTransport, type StdioServerTransportOptions } from "./transport/stdio.js";
export { WebSocketListener, type WebSocketListenerOptions, type ListenAddress, type ListeningAddress, type WebSocketConnectionInfo } from "./transport/websocket.js";
