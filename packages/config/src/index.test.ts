import { describe, expect, it } from "vitest";
import { authConfig, ConfigError, dbConfig, providersConfig, sandboxConfig, workerDbConfig } from "./index";

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

describe("workerDbConfig (ADR 0024)", () => {
  it("uses WORKER_DATABASE_URL when set", () => {
    expect(workerDbConfig({ WORKER_DATABASE_URL: "postgres://w:secret@db/h", DATABASE_URL: "postgres://holdfast_app:other@db/h", DATABASE_POOL_MAX: "4" })).toEqual({ url: "postgres://w:secret@db/h", poolMax: 4 });
  });
  it("derives the worker role from a password-less DATABASE_URL", () => {
    expect(workerDbConfig({ DATABASE_URL: "postgres://holdfast_app@127.0.0.1:5432/holdfast" })).toEqual({ url: "postgres://holdfast_worker@127.0.0.1:5432/holdfast", poolMax: 10 });
  });
  it("never reuses a password for another role, and says which variable to set", () => {
    expect(() => workerDbConfig({ DATABASE_URL: "postgres://holdfast_app:hunter2@db/h" })).toThrow(/WORKER_DATABASE_URL is required .*not derived from a DATABASE_URL that has a password/);
    expect(() => workerDbConfig({})).toThrow(/WORKER_DATABASE_URL is required \(a postgres:\/\/ URL for the holdfast_worker role\)$/);
  });
});

describe("sandboxConfig", () => {
  it("defaults to loopback on port 4010", () => {
    expect(sandboxConfig({})).toEqual({ host: "127.0.0.1", port: 4010 });
  });
  it("names a malformed port", () => {
    expect(() => sandboxConfig({ SANDBOX_PORT: "70000" })).toThrow(/SANDBOX_PORT is invalid/);
  });
});

describe("providersConfig", () => {
  it("points every provider at the sandbox outside production, Graph over its HTTPS listener", () => {
    expect(providersConfig({ SANDBOX_PORT: "4010" })).toEqual({
      mode: "sandbox",
      sandboxUrl: "http://127.0.0.1:4010",
      google: { rootUrl: "http://127.0.0.1:4010/", tokenUrl: "http://127.0.0.1:4010/google/token" },
      microsoft: { authorityHost: "http://127.0.0.1:4010/microsoft", graphBaseUrl: "https://127.0.0.1:4011/microsoft/graph" },
    });
  });
  it("uses the real providers in production, and names a bad mode", () => {
    expect(providersConfig({ NODE_ENV: "production" }).google.tokenUrl).toBe("https://oauth2.googleapis.com/token");
    expect(providersConfig({ NODE_ENV: "production" }).sandboxUrl).toBeUndefined();
    expect(() => providersConfig({ HOLDFAST_PROVIDERS: "mock" })).toThrow(/HOLDFAST_PROVIDERS is invalid/);
  });
});
