import { describeQueueCoordinationContract } from "../queue-coordination.cases.js";
import { describeQueueStoreContract } from "../queue-store.cases.js";
import { MemoryDatabase, MemoryQueueStore } from "./memory-queue-store.js";

// The in-memory store that the queue's unit tests run on behaves as the real backends do.
describeQueueStoreContract("memory", async () => {
  const store = new MemoryQueueStore();
  return { store, dispose: () => store.close() };
});

describeQueueCoordinationContract("memory", async () => {
  const database = new MemoryDatabase();
  const store = new MemoryQueueStore({ database });
  const peers: MemoryQueueStore[] = [];
  return {
    store,
    openPeer: async () => {
      const peer = new MemoryQueueStore({ database });
      peers.push(peer);
      return peer;
    },
    dispose: async () => {
      for (const peer of peers) await peer.close();
      await store.close();
    },
  };
});
