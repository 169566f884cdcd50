import { describe, expect, it } from "vitest";
import { parseStackEnv } from "./env.js";
import { withDatabase, withUser } from "./pg-admin.js";

describe("parseStackEnv", () => {
  it("treats empty variables as unset, so the local server is used", () => {
    const env = parseStackEnv({ DATABASE_URL: "", TEMPORAL_ADDRESS: "", SMTP_URL: "", CI: "" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.CI).toBe(false);
  });

  it("names the variable that is malformed", () => {
    expect(() => parseStackEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => parseStackEnv({ TEMPORAL_ADDRESS: "http://x:7233" })).toThrow(/TEMPORAL_ADDRESS: must be host:port/);
    expect(() => parseStackEnv({ SMTP_URL: "127.0.0.1:1025" })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => parseStackEnv({ MAIL_API_URL: "not a url" })).toThrow(/MAIL_API_URL/);
  });

  it("accepts an SMTP server of one's own, with credentials and TLS", () => {
    expect(parseStackEnv({ SMTP_URL: "smtps://user:pw@mail.example:465" }).SMTP_URL).toBe("smtps://user:pw@mail.example:465");
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
