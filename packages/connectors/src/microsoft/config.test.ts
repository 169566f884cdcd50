import { describe, expect, it } from "vitest";
import { MemoryLimiterStore, Throttle } from "../core/throttle";
import { parseMicrosoftConfig } from "./config";

const throttle = new Throttle({ store: new MemoryLimiterStore() });
const base = { tenantId: "contoso.onmicrosoft.com", clientId: "5a0b1d3e-7c2f-4e6a-9b1d-0d0e5a7c3f21", clientSecret: "s3cret-value", throttle };

describe("parseMicrosoftConfig", () => {
  it("defaults to Microsoft's endpoints and Graph's documented limits", () => {
    const c = parseMicrosoftConfig(base);
    expect(c.endpoints).toEqual({ authorityHost: "https://login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" });
    expect(c.limits.mailboxConcurrency).toBe(4);
    // No 10-minute span may exceed 10,000 requests per mailbox, none 60 s 1,200 resource units.
    expect(c.limits.mailboxBurst + c.limits.mailboxRequestsPerSecond * 600).toBeLessThanOrEqual(10_000);
    expect(c.limits.sharePointBurst + c.limits.sharePointUnitsPerSecond * 60).toBeLessThanOrEqual(1_200);
    expect(c.calendarWindow).toEqual({ pastDays: 730, futureDays: 365 });
    expect(c.uploadChunkBytes % (320 * 1024)).toBe(0);
  });

  it("trims trailing slashes from endpoints", () => {
    const c = parseMicrosoftConfig({ ...base, endpoints: { authorityHost: "https://127.0.0.1:4011/microsoft/", graphBaseUrl: "https://127.0.0.1:4011/microsoft/graph/" } });
    expect(c.endpoints).toEqual({ authorityHost: "https://127.0.0.1:4011/microsoft", graphBaseUrl: "https://127.0.0.1:4011/microsoft/graph" });
  });

  it("names each problem and never echoes the secret", () => {
    const bad = () => parseMicrosoftConfig({ ...base, tenantId: " ", clientSecret: "", uploadChunkBytes: 1000, endpoints: { graphBaseUrl: "ftp://x" } });
    expect(bad).toThrow(/tenantId: tenantId is required/);
    expect(bad).toThrow(/clientSecret: clientSecret is required/);
    expect(bad).toThrow(/uploadChunkBytes: uploadChunkBytes must be a positive multiple of 320 KiB/);
    expect(bad).toThrow(/endpoints\.graphBaseUrl/);
    expect(() => parseMicrosoftConfig({ ...base, throttle: {} as Throttle })).toThrow(/throttle must be a Throttle/);
    try {
      parseMicrosoftConfig({ ...base, pageSize: 0 });
    } catch (e) {
      expect(String(e)).not.toContain("s3cret-value");
    }
  });
});
