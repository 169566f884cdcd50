import { describe, expect, it } from "vitest";
import { authConfig, ConfigError, dbConfig } from "./index";

describe("config presets", () => {
  it("names a missing secret", () => {
    expect(() => authConfig({ NEXTAUTH_SECRET: "x".repeat(40) })).toThrow(/HOLDFAST_KEK is not set/);
  });
  it("names a malformed value", () => {
    expect(() => dbConfig({ DATABASE_URL: "mysql://nope" })).toThrow(ConfigError);
    expect(() => dbConfig({ DATABASE_URL: "mysql://nope" })).toThrow(/DATABASE_URL is invalid: must be a postgres:\/\/ URL/);
  });
  it("rejects a key of the wrong length", () => {
    const kek = Buffer.alloc(16).toString("base64");
    expect(() => authConfig({ NEXTAUTH_SECRET: "x".repeat(40), HOLDFAST_KEK: kek })).toThrow(/HOLDFAST_KEK is invalid: must be 32 bytes/);
  });
  it("applies defaults", () => {
    expect(dbConfig({ DATABASE_URL: "postgres://a@b/c" })).toEqual({ url: "postgres://a@b/c", poolMax: 10 });
  });
});
