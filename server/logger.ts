/**
 * Logs go to stderr, always: on the stdio transport stdout is the protocol channel.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createStderrLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (at: LogLevel, message: string, error?: unknown): void => {
    if (ORDER[at] < ORDER[level]) return;
    const detail = error === undefined ? "" : `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    write(`[thread-queue-server] ${at}: ${message}${detail}\n`);
  };
  return {
    debug: (message) => emit("debug", message),
    info: (message) => emit("info", message),
    warn: (message, error) => emit("warn", message, error),
    error: (message, error) => emit("error", message, error),
  };
}
