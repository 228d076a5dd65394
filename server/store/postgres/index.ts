export { PostgresQueueStore, type PostgresQueueStoreOptions } from "./postgres-queue-store.js";
export { StoreUnavailableError, isStoreUnavailableError } from "./errors.js";
