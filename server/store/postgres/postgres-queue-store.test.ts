import { describeQueueStoreContract } from "../queue-store.cases.js";
import { describeWithPostgres } from "./test-database.js";

describeWithPostgres("PostgreSQL queue store", (database) => {
  // A fresh schema per case: the cases assume an empty store.
  describeQueueStoreContract("postgres", () => database().openStore());
});
