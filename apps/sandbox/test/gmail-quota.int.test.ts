// Gmail's per-user quota units through googleapis: documented per-method costs against a small
// configured budget, 429 userRateLimitExceeded with Retry-After, budgets per user, and the
// control API's throttling endpoint for Google tenants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantSummary } from "../src/index";
import { gmail, startSandbox, userToken, type Harness } from "./harness";

const READONLY = "https://www.googleapis.com/auth/gmail.readonly";

let h: Harness;
let tenant: TenantSummary;

type QuotaError = { status: number; response: { headers: Headers; data: { error: { code: number; errors: { reason: string; domain: string }[]; status: string } } } };

beforeAll(async () => {
  h = await startSandbox();
  tenant = await h.createTenant({ seed: 41, users: 2, itemsPerUser: 20 });
});
afterAll(() => h.close());

describe("Gmail quota units", () => {
  it("defaults to 15,000 units per user per minute and rejects nonsense limits", async () => {
    expect((await h.control("GET", `/_control/tenants/${tenant.id}/throttling`)).body).toEqual({ unitsPerUserPerMinute: 15_000, windowSeconds: 60 });
    expect((await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, { unitsPerUserPerMinute: 0 })).status).toBe(400);
  });

  it("charges each method its documented cost and answers 429 userRateLimitExceeded with Retry-After", async () => {
    const put = await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, { unitsPerUserPerMinute: 12 });
    expect(put.body).toEqual({ unitsPerUserPerMinute: 12, windowSeconds: 60 });
    const [alice, bob] = tenant.units.map((u) => u.email ?? "");
    const api = gmail(h.url, await userToken(h, alice ?? "", [READONLY]));

    // messages.list 5 + messages.get 5 + labels.list 1 = 11 of 12 units.
    const listed = await api.users.messages.list({ userId: "me", maxResults: 1 }, { retry: false });
    const id = listed.data.messages?.[0]?.id ?? "";
    await api.users.messages.get({ userId: "me", id, format: "metadata" }, { retry: false });
    await api.users.labels.list({ userId: "me" }, { retry: false });

    // A 5-unit get no longer fits; a 1-unit getProfile still does.
    const err = (await api.users.messages.get({ userId: "me", id }, { retry: false }).catch((e: unknown) => e)) as QuotaError;
    expect(err.status).toBe(429);
    const retryAfter = Number(err.response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(err.response.data.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED", errors: [{ reason: "userRateLimitExceeded", domain: "usageLimits" }] });
    expect((await api.users.getProfile({ userId: "me" }, { retry: false })).data.emailAddress).toBe(alice);
    await expect(api.users.labels.list({ userId: "me" }, { retry: false })).rejects.toMatchObject({ status: 429 });

    // Another user of the same tenant has a budget of their own.
    const other = gmail(h.url, await userToken(h, bob ?? "", [READONLY]));
    expect((await other.users.messages.list({ userId: "me", maxResults: 1 }, { retry: false })).status).toBe(200);
  });

  it("a new configuration starts a fresh window", async () => {
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, { unitsPerUserPerMinute: 5 });
    const api = gmail(h.url, await userToken(h, tenant.adminEmail, [READONLY]));
    expect((await api.users.messages.list({ userId: "me", maxResults: 1 }, { retry: false })).status).toBe(200);
    await expect(api.users.history.list({ userId: "me", startHistoryId: "1" }, { retry: false })).rejects.toMatchObject({ status: 429 });
    await h.control("PUT", `/_control/tenants/${tenant.id}/throttling`, {});
    expect((await api.users.messages.list({ userId: "me", maxResults: 1 }, { retry: false })).status).toBe(200);
  });
});
