import { describe, expect, it } from "vitest";
import { ConfigError, mailConfig } from "./index";

describe("mailConfig", () => {
  it("defaults to the local mailpit sink and Holdfast's own sender outside production", () => {
    expect(mailConfig({})).toEqual({ smtpUrl: "smtp://127.0.0.1:1025", from: "Holdfast <no-reply@holdfast.local>" });
  });

  it("requires SMTP_URL in production, so no deployment mails into a sink that is not there", () => {
    expect(() => mailConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => mailConfig({ NODE_ENV: "production" })).toThrow(/SMTP_URL is not set/);
    expect(mailConfig({ NODE_ENV: "production", SMTP_URL: "smtps://u:p@mail.example:465" }).smtpUrl).toBe("smtps://u:p@mail.example:465");
  });

  it("names a malformed SMTP_URL or sender", () => {
    expect(() => mailConfig({ SMTP_URL: "http://mail.example" })).toThrow(/SMTP_URL is invalid: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => mailConfig({ SMTP_URL: "mail.example:25" })).toThrow(/SMTP_URL is invalid/);
    expect(() => mailConfig({ HOLDFAST_MAIL_FROM: "Holdfast" })).toThrow(/HOLDFAST_MAIL_FROM is invalid: must be an address/);
    expect(mailConfig({ HOLDFAST_MAIL_FROM: "alerts@example.com" }).from).toBe("alerts@example.com");
  });
});
