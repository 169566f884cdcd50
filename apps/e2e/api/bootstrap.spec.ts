import { expect, test } from "@playwright/test";
import { bearer, createTenantWithCli } from "../src/tenants";

test("an operator bootstraps a tenant with the CLI and its key works against /api/v1", async ({ request }) => {
  const a = createTenantWithCli("bootstrap");
  expect(a.apiKey).toMatch(/^hf_/);

  const org = await request.get(`/api/v1/organizations/${a.orgId}`, { headers: bearer(a.apiKey) });
  expect(org.status()).toBe(200);
  expect(await org.json()).toMatchObject({ id: a.orgId, name: "bootstrap Inc" });

  const members = await request.get("/api/v1/members", { headers: bearer(a.apiKey) });
  expect(members.status()).toBe(200);
  expect(await members.json()).toMatchObject({ items: [{ userId: a.ownerUserId, email: a.email, role: "owner" }] });

  // The key acts: it creates a second key. That use is in the audit log, attributed to the key.
  const created = await request.post("/api/v1/api-keys", { headers: bearer(a.apiKey), data: { name: "ci deploy", role: "viewer" } });
  expect(created.status()).toBe(201);
  const { apiKey, key } = (await created.json()) as { apiKey: { id: string }; key: string };
  expect(key).toMatch(/^hf_/);

  const audit = await request.get("/api/v1/audit-events?limit=50", { headers: bearer(a.apiKey) });
  expect(audit.status()).toBe(200);
  const events = ((await audit.json()) as { items: { action: string; actorType: string; targetId: string | null }[] }).items;
  expect(events[0]).toMatchObject({ action: "api_key.created", actorType: "api_key", targetId: apiKey.id });
  expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["organization.created", "api_key.created"]));

  const keys = await request.get("/api/v1/api-keys", { headers: bearer(a.apiKey) });
  const listed = ((await keys.json()) as { items: { id: string; lastUsedAt: string | null }[] }).items;
  expect(listed.some((k) => k.lastUsedAt !== null)).toBe(true);

  // A revoked key is refused from then on.
  expect((await request.delete(`/api/v1/api-keys/${apiKey.id}`, { headers: bearer(a.apiKey) })).status()).toBe(200);
  const refused = await request.get("/api/v1/members", { headers: bearer(key) });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
});

test("the OpenAPI document describes the API", async ({ request }) => {
  const res = await request.get("/api/v1/openapi.json");
  expect(res.status()).toBe(200);
  const doc = (await res.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
  expect(doc.openapi).toMatch(/^3\.1\./);
  expect(doc.servers[0]?.url).toMatch(/\/api\/v1$/);
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/organizations/{id}", "/members", "/api-keys", "/api-keys/{id}", "/audit-events"]));
});
