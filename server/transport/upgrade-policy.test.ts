import { describe, expect, it } from "vitest";
import { decideUpgrade } from "./upgrade-policy.js";

describe("decideUpgrade", () => {
  it("lets a client without Origin through when no token is configured", () => {
    expect(decideUpgrade({}, {})).toEqual({ ok: true });
  });

  it("accepts the bearer scheme case-insensitively and rejects other schemes", () => {
    expect(decideUpgrade({ authorization: "bearer tok" }, { token: "tok" })).toEqual({ ok: true });
    expect(decideUpgrade({ authorization: "Basic dG9r" }, { token: "tok" })).toEqual({
      ok: false,
      status: 401,
      message: "missing bearer token",
    });
  });

  it("rejects a token that is a prefix or extension of the right one", () => {
    for (const presented of ["to", "tok2", "TOK"]) {
      expect(decideUpgrade({ authorization: `Bearer ${presented}` }, { token: "tok" })).toMatchObject({
        ok: false,
        status: 401,
      });
    }
  });

  it("checks the origin before the token", () => {
    expect(
      decideUpgrade({ origin: "https://x.example", authorization: "Bearer tok" }, { token: "tok", allowedOrigins: [] }),
    ).toMatchObject({ ok: false, status: 403 });
  });

  it("matches origins exactly", () => {
    const policy = { allowedOrigins: ["https://app.example"] };
    expect(decideUpgrade({ origin: "https://app.example" }, policy)).toEqual({ ok: true });
    expect(decideUpgrade({ origin: "https://app.example:8443" }, policy)).toMatchObject({ status: 403 });
    expect(decideUpgrade({ origin: "null" }, policy)).toMatchObject({ status: 403 });
  });
});
