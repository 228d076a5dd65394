import { describeQueueCoordinationContract } from "../queue-coordination.cases.js";
import { describeQueueStoreContract } from "../queue-store.cases.js";
import type { QueueStore } from "../queue-store.js";
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

describeQueueCoordinationContract("sqlite file", async () => {
  const db = tempDatabase();
  const store = await SqliteQueueStore.open({ path: db.path });
  const peers: QueueStore[] = [];
  return {
    store,
    openPeer: async () => {
      const peer = await SqliteQueueStore.open({ path: db.path });
      peers.push(peer);
      return peer;
    },
    dispose: async () => {
      for (const peer of peers) await peer.close();
      await store.close();
      db.remove();
    },
  };
});
