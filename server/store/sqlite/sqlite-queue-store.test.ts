import { describeQueueStoreContract } from "../queue-store.cases.js";
import { SqliteQueueStore } from "./sqlite-queue-store.js";
import { tempDatabase } from "./temp-db.js";

describeQueueStoreContract("sqlite file", async () => {
  const db = tempDatabase();
  const store = await SqliteQueueStore.open({ path: db.path });
  return {
    store,
    dispose: async () => {
      await store.close();
      db.remove();
    },
  };
});
