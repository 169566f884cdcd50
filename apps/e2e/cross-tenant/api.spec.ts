import { expect, test } from "@playwright/test";
import { bearer, createTenantWithCli, type Tenant } from "../src/tenants";

test.describe("cross-tenant: a key of organisation A never reaches organisation B", () => {
  let a: Tenant;
  let b: Tenant;
  test.beforeAll(() => {
    a = createTenantWithCli("xt-a");
    b = createTenantWithCli("xt-b");
  });

  test("B's organisation is 404 to A, and A's own is 200", async ({ request }) => {
    expect((await request.get(`/api/v1/organizations/${b.orgId}`, { headers: bearer(a.apiKey) })).status()).toBe(404);
    expect((await request.get(`/api/v1/organizations/${a.orgId}`, { headers: bearer(a.apiKey) })).status()).toBe(200);
  });

  test("B's API key cannot be revoked with A's key", async ({ request }) => {
    const bKeys = await request.get("/api/v1/api-keys", { headers: bearer(b.apiKey) });
    const bKeyId = ((await bKeys.json()) as { items: { id: string }[] }).items[0]?.id;
    expect(bKeyId).toBeTruthy();
    const res = await request.delete(`/api/v1/api-keys/${bKeyId}`, { headers: bearer(a.apiKey) });
    expect(res.status()).toBe(404);
    expect((await request.get("/api/v1/members", { headers: bearer(b.apiKey) })).status()).toBe(200);
  });

  test("lists show only the caller's tenant", async ({ request }) => {
    const members = (await (await request.get("/api/v1/members", { headers: bearer(a.apiKey) })).json()) as { items: { userId: string }[] };
    expect(members.items.map((m) => m.userId)).toEqual([a.ownerUserId]);
    const audit = (await (await request.get("/api/v1/audit-events", { headers: bearer(a.apiKey) })).json()) as { items: { targetId: string | null }[] };
    expect(audit.items.some((e) => e.targetId === b.orgId || e.targetId === b.ownerUserId)).toBe(false);
  });

  test("every resource refuses a missing, malformed or unknown key with 401", async ({ request }) => {
    const routes: [string, string][] = [
      ["GET", `/api/v1/organizations/${a.orgId}`],
      ["GET", "/api/v1/members"],
      ["GET", "/api/v1/api-keys"],
      ["POST", "/api/v1/api-keys"],
      ["DELETE", `/api/v1/api-keys/${a.orgId}`],
      ["GET", "/api/v1/audit-events"],
    ];
    for (const headers of [{}, { Authorization: "Bearer nope" }, bearer(`hf_aaaaaaaaaaaa_${"A".repeat(43)}`)]) {
      for (const [method, path] of routes) {
        const res = await request.fetch(path, { method, headers, data: method === "POST" ? { name: "x" } : undefined });
        expect(res.status(), `${method} ${path}`).toBe(401);
      }
    }
  });
});
