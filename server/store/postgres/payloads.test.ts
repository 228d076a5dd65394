import { expect, it } from "vitest";
import { describeWithPostgres } from "./test-database.js";

describeWithPostgres("PostgreSQL payloads", (database) => {
  it("hand back turn start params as compact JSON text with every digit and character kept", async () => {
    const { store, dispose } = await database().openStore();
    await store.createThread({ id: "t" });
    // Keys already in jsonb's order (shorter first), so the text must come back unchanged.
    const text = '{"a":[{"t":"héllo \\"wörld\\" 🌍 \\n a, b: c"},18446744073709551615,1.50,-7,null]}';
    const appended = await store.appendQueuedTurn("t", text);
    expect(appended.turnStartParamsJson).toBe(text);
    expect((await store.listVisibleQueuedTurns("t"))[0]?.turnStartParamsJson).toBe(text);
    await dispose();
  });

  it("store objects as jsonb does: keys in jsonb's order, a repeated key once", async () => {
    const { store, dispose } = await database().openStore();
    await store.createThread({ id: "t" });
    const row = await store.appendQueuedTurn("t", '{"threadId":"t","b":1,"a":2,"b":3}');
    expect(row.turnStartParamsJson).toBe('{"a":2,"b":3,"threadId":"t"}');
    await dispose();
  });

  it("refuse text jsonb cannot take as invalid_json, failures included", async () => {
    const { store, dispose } = await database().openStore();
    await store.createThread({ id: "t" });
    await expect(store.appendQueuedTurn("t", '{"text":"nul \\u0000 inside"}')).rejects.toMatchObject({ code: "invalid_json" });
    await expect(store.appendQueuedTurn("t", "[1,]")).rejects.toMatchObject({ code: "invalid_json" });
    const row = await store.appendQueuedTurn("t", "{}");
    await store.claimHeadQueuedTurn("t");
    await expect(store.markQueuedTurnFailed(row.queuedTurnId, "{oops")).rejects.toMatchObject({ code: "invalid_json" });
    await expect(store.recoverDispatchingQueuedTurns("t", "")).rejects.toMatchObject({ code: "invalid_json" });
    expect(await store.markQueuedTurnFailed(row.queuedTurnId, '{"message":"m"}')).toBe(true);
    expect((await store.listVisibleQueuedTurns("t"))[0]?.failureJson).toBe('{"message":"m"}');
    await dispose();
  });
});
