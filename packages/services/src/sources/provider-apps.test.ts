import { providerAppsConfig } from "@holdfast/config";
import { describe, expect, it } from "vitest";

describe("providerAppsConfig", () => {
  it("in real mode, refuses to start without the platform apps' ids and secrets, naming each", () => {
    expect(() => providerAppsConfig({ HOLDFAST_PROVIDERS: "real" })).toThrow(
      /HOLDFAST_GOOGLE_CLIENT_ID is not set.*HOLDFAST_GOOGLE_CLIENT_SECRET is not set.*HOLDFAST_MICROSOFT_CLIENT_ID is not set.*HOLDFAST_MICROSOFT_CLIENT_SECRET is not set/,
    );
  });

  it("in real mode, uses Google's and Microsoft's own endpoints", () => {
    const apps = providerAppsConfig({
      HOLDFAST_PROVIDERS: "real",
      HOLDFAST_GOOGLE_CLIENT_ID: "g-id",
      HOLDFAST_GOOGLE_CLIENT_SECRET: "g-secret",
      HOLDFAST_MICROSOFT_CLIENT_ID: "m-id",
      HOLDFAST_MICROSOFT_CLIENT_SECRET: "m-secret",
    });
    expect(apps.google).toMatchObject({ clientId: "g-id", authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth", tokenUrl: "https://oauth2.googleapis.com/token", issuers: ["accounts.google.com", "https://accounts.google.com"] });
    expect(apps.microsoft).toMatchObject({ clientId: "m-id", clientSecret: "m-secret", authorityHost: "https://login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" });
    expect(apps.sandboxUrl).toBeUndefined();
  });

  it("in sandbox mode, defaults to the sandbox's built-in development clients and endpoints", () => {
    const apps = providerAppsConfig({ HOLDFAST_PROVIDERS: "sandbox", SANDBOX_URL: "http://127.0.0.1:4010" });
    expect(apps.google).toMatchObject({
      clientId: "holdfast-dev.apps.googleusercontent.com",
      authorizeUrl: "http://127.0.0.1:4010/google/o/oauth2/v2/auth",
      tokenUrl: "http://127.0.0.1:4010/google/token",
      issuers: ["http://127.0.0.1:4010/google"],
    });
    expect(apps.microsoft).toMatchObject({ clientId: "5a0b1d3e-7c2f-4e6a-9b1d-0d0e5a7c3f21", authorityHost: "http://127.0.0.1:4010/microsoft", graphBaseUrl: "https://127.0.0.1:4011/microsoft/graph" });
  });
});
