import type { QueueWriteOptions } from "./queue-store.js";

/**
 * The version half of `QueueWriteOptions.onCommitted`, shared by both backends: an operation
 * notes the queue version its bump produced while it runs, and once its batch has committed
 * the store reports it, then settles with the plain result.
 */
export interface Versioned<T> {
  readonly value: T;
  /** The thread's queue version this write committed at; null when nothing visible changed. */
  readonly version: number | null;
}

/** Collects the version one operation's bump produced (ops run one at a time per store). */
export class VersionCapture {
  private version: number | null = null;

  note(version: number): void {
    this.version = version;
  }

  /** Runs one operation's work and pairs its result with the version it noted. */
  run<T>(work: () => T): Versioned<T> {
    this.version = null;
    const value = work();
    return { value, version: this.version };
  }

  async runAsync<T>(work: () => Promise<T>): Promise<Versioned<T>> {
    this.version = null;
    const value = await work();
    return { value, version: this.version };
  }
}

/** The continuation every versioned store method ends with: report, then return the result. */
export function reportCommitted<T>(options: QueueWriteOptions<T> | undefined): (versioned: Versioned<T>) => T {
  return ({ value, version }) => {
    if (version !== null) options?.onCommitted?.(version, value);
    return value;
  };
}
