import { describeQueueCoordinationContract } from "../queue-coordination.cases.js";
import { describeQueueStoreContract } from "../queue-store.cases.js";
import { describeWithPostgres } from "./test-database.js";

describeWithPostgres("PostgreSQL queue store", (database) => {
  // A fresh schema per case: the cases assume an empty store.
  describeQueueStoreContract("postgres", () => database().openStore());
  describeQueueCoordinationContract("postgres", async () => {
    const opened = await database().openStore();
    const peers: Array<{ dispose(): Promise<void> }> = [];
    return {
      store: opened.store,
      openPeer: async () => {
        // Same schema: another instance. Its dispose must not drop the schema under the first.
        const peer = await database().openStore({ schema: opened.schema, applicationName: "peer" });
        peers.push({ dispose: () => peer.store.close() });
        return peer.store;
      },
      dispose: async () => {
        for (const peer of peers) await peer.dispose();
        await opened.dispose();
      },
    };
  });
});
