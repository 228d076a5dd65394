export * from "./queue-store.js";
export * from "./queue-cursor.js";
export { SqliteQueueStore, type SqliteQueueStoreOptions, type CommittedBatch } from "./sqlite/sqlite-queue-store.js";
export type { SqliteSynchronous } from "./sqlite/open-database.js";
export { PostgresQueueStore, StoreUnavailableError, isStoreUnavailableError, type PostgresQueueStoreOptions } from "./postgres/index.js";
