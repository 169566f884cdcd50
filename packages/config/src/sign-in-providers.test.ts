import { describe, expect, it } from "vitest";
import { ConfigError, signInProvidersConfig } from "./index";

describe("signInProvidersConfig", () => {
  it("points both providers at the sandbox's discovery documents and dev clients in sandbox mode", () => {
    expect(signInProvidersConfig({ SANDBOX_URL: "http://127.0.0.1:24610/" })).toEqual({
      google: { wellKnown: "http://127.0.0.1:24610/google/.well-known/openid-configuration", clientId: "holdfast-dev.apps.googleusercontent.com", clientSecret: "sandbox-dev-secret" },
      microsoft: { wellKnown: "http://127.0.0.1:24610/microsoft/organizations/v2.0/.well-known/openid-configuration", clientId: "5a0b1d3e-7c2f-4e6a-9b1d-0d0e5a7c3f21", clientSecret: "sandbox-dev-secret" },
    });
    // The apps registered for a run (apps/e2e) are the ones sign-in uses.
    expect(signInProvidersConfig({ HOLDFAST_MICROSOFT_CLIENT_ID: "m-id", HOLDFAST_MICROSOFT_CLIENT_SECRET: "m-secret" }).microsoft).toMatchObject({ clientId: "m-id", clientSecret: "m-secret" });
  });

  it("uses Google's and Entra's public endpoints in production, offering only the configured providers", () => {
    const env = { NODE_ENV: "production", HOLDFAST_GOOGLE_CLIENT_ID: "g-id", HOLDFAST_GOOGLE_CLIENT_SECRET: "g-secret" };
    expect(signInProvidersConfig(env)).toEqual({ google: { wellKnown: "https://accounts.google.com/.well-known/openid-configuration", clientId: "g-id", clientSecret: "g-secret" } });
    expect(signInProvidersConfig({ ...env, HOLDFAST_MICROSOFT_CLIENT_ID: "m", HOLDFAST_MICROSOFT_CLIENT_SECRET: "s" }).microsoft?.wellKnown).toBe(
      "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
    );
    expect(signInProvidersConfig({ NODE_ENV: "production" })).toEqual({});
  });

  it("names the missing half of a client", () => {
    expect(() => signInProvidersConfig({ NODE_ENV: "production", HOLDFAST_MICROSOFT_CLIENT_ID: "m" })).toThrow(new ConfigError("Invalid sign-in providers configuration: HOLDFAST_MICROSOFT_CLIENT_SECRET is not set"));
  });
});
