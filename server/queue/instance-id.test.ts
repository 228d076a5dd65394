import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { ZombieParent, zombieParentUnavailable } from "../../test/support/zombie-parent.js";
import { isLocalOwnerGone, newInstanceId, processState } from "./instance-id.js";

describe("instance ids", () => {
  it("name this host and process, and differ per instance", () => {
    const id = newInstanceId();
    expect(id.startsWith(`${hostname()}#${process.pid}#`)).toBe(true);
    expect(newInstanceId()).not.toBe(id);
  });

  it("tell a dead local owner from a live one, and assume alive when in doubt", () => {
    const self = newInstanceId();
    const exited = spawnSync(process.execPath, ["-e", ""]).pid;
    expect(isLocalOwnerGone(`${hostname()}#${exited}#abcd1234`, self)).toBe(true);
    // A previous incarnation with our pid (a container restarted as pid 1).
    expect(isLocalOwnerGone(`${hostname()}#${process.pid}#00000000`, self)).toBe(true);
    expect(isLocalOwnerGone(self, self)).toBe(false);
    expect(isLocalOwnerGone(`${hostname()}#${process.ppid}#abcd1234`, self)).toBe(false);
    expect(isLocalOwnerGone(`another-host#${exited}#abcd1234`, self)).toBe(false);
    expect(isLocalOwnerGone("not an instance id", self)).toBe(false);
  });
});

describe.skipIf(zombieParentUnavailable() !== undefined)("a zombie owner", () => {
  it("is gone although kill(pid, 0) still succeeds on it", async () => {
    const { holder } = await ZombieParent.start(process.execPath, ["-e", ""]);
    try {
      await vi.waitFor(() => expect(processState(holder.pid)).toBe("Z"), { timeout: 10_000, interval: 20 });
      expect(() => process.kill(holder.pid, 0)).not.toThrow();
      expect(isLocalOwnerGone(`${hostname()}#${holder.pid}#abcd1234`, newInstanceId())).toBe(true);
    } finally {
      await holder.reap();
    }
    expect(processState(holder.pid)).toBeUndefined();
  });

  it("reads a live process's state, whatever its command name", () => {
    expect(processState(process.pid)).toMatch(/^[RSD]$/);
  });
});
