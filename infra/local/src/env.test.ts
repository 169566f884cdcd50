import { describe, expect, it } from "vitest";
import { parseStackEnv } from "./env.js";
import { withDatabase, withUser } from "./pg-admin.js";

describe("parseStackEnv", () => {
  it("treats empty variables as unset, so the local server is used", () => {
    const env = parseStackEnv({ DATABASE_URL: "", TEMPORAL_ADDRESS: "", CI: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
    expect(env.CI).toBe(false);
  });

  it("names the variable that is malformed", () => {
    expect(() => parseStackEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => parseStackEnv({ TEMPORAL_ADDRESS: "http://x:7233" })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
  });

  it("reads CI=true and CI=1 as on, CI=false as off", () => {
    expect(parseStackEnv({ CI: "true" }).CI).toBe(true);
    expect(parseStackEnv({ CI: "1" }).CI).toBe(true);
    expect(parseStackEnv({ CI: "false" }).CI).toBe(false);
  });
});

describe("database URLs", () => {
  it("derives the app URL by swapping the user and dropping the password", () => {
    expect(withUser("postgres://owner:pw@db.example:5432/holdfast?sslmode=require", "holdfast_app")).toBe(
      "postgres://holdfast_app@db.example:5432/holdfast?sslmode=require",
    );
  });

  it("points a server URL at another database", () => {
    expect(withDatabase("postgres://postgres@127.0.0.1:5432/postgres", "holdfast")).toBe("postgres://postgres@127.0.0.1:5432/holdfast");
  });
});
