// /api/v1 end to end against a real Postgres (RLS on, app role): real Requests through the
// handler, keys made by the services, two unrelated tenants plus a partner with a child.
import { randomBytes } from "node:crypto";
import { apiKeys, eq, users } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, createOrganization, signUp, type ApiKey, type AuditEvent, type Organization, type Role } from "@holdfast/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRestHandler, type RestHandler } from "./handler";
import { BASE, memoryLogger } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
let handle: RestHandler;
const PASSWORD = "correct horse battery staple";
const tag = randomBytes(3).toString("hex");

interface Tenant {
  org: Organization;
  ownerEmail: string;
  admin: { key: string; id: string };
}
let A: Tenant;
let B: Tenant;
let partner: Tenant;
let child: Organization;
let viewerKeyA: string;

async function keyFor(tenantId: string, role: Role, name = `${role} key`) {
  const created = await createApiKey({ db: t.app.db, tenantId, actor: { type: "system", id: "test-setup" }, role: "owner" }, { name, role });
  return { key: created.key, id: created.apiKey.id };
}

async function customer(name: string): Promise<Tenant> {
  const ownerEmail = `${name.toLowerCase().replace(/\W/g, "")}-${tag}@example.test`;
  const { organization } = await signUp(t.app.db, { email: ownerEmail, password: PASSWORD, organizationName: name });
  return { org: organization, ownerEmail, admin: await keyFor(organization.id, "admin") };
}

async function call(method: string, path: string, opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}), ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] ??= "application/json";
  const res = await handle(
    new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body) }),
  );
  const json = (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string; details?: { issues?: { field: string; in?: string }[] } } };
  return { status: res.status, headers: res.headers, json };
}

beforeAll(async () => {
  t = await createTestDatabase("rest");
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger });
  A = await customer("Org A");
  B = await customer("Org B");
  viewerKeyA = (await keyFor(A.org.id, "viewer")).key;

  const [partnerOwner] = await t.app.db.insert(users).values({ email: `partner-${tag}@example.test`, name: "Partner owner" }).returning();
  if (!partnerOwner) throw new Error("no partner owner");
  const actor = { type: "system", id: "test-setup" } as const;
  const partnerOrg = await createOrganization(t.app.db, { name: "MSP", ownerUserId: partnerOwner.id, kind: "partner", actor });
  child = await createOrganization(t.app.db, { name: "MSP customer", ownerUserId: partnerOwner.id, parentId: partnerOrg.id, actor });
  partner = { org: partnerOrg, ownerEmail: partnerOwner.email, admin: await keyFor(partnerOrg.id, "admin") };
});

afterAll(async () => {
  await t?.drop();
});

describe("own resources", () => {
  it("GET /organizations/{id} returns the caller's organisation", async () => {
    const res = await call("GET", `/organizations/${A.org.id}`, { key: A.admin.key, headers: { "x-request-id": "own-org-1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("own-org-1");
    expect(res.json).toEqual(A.org);
  });

  it("GET /members lists the organisation's members", async () => {
    const res = await call("GET", "/members", { key: A.admin.key });
    expect(res.status).toBe(200);
    const items = res.json.items as { email: string; role: string }[];
    expect(items).toEqual([expect.objectContaining({ email: A.ownerEmail, role: "owner" })]);
  });

  it("GET /api-keys lists keys without any secret material", async () => {
    const res = await call("GET", "/api-keys", { key: A.admin.key });
    expect(res.status).toBe(200);
    const items = res.json.items as ApiKey[];
    expect(items.map((k) => k.id)).toContain(A.admin.id);
    const text = JSON.stringify(res.json);
    expect(text).not.toContain(A.admin.key.slice("hf_".length + 12 + 1)); // the secret (base64url: may hold "_")
    expect(text).not.toMatch(/secret|hash/i);
  });

  it("POST /api-keys creates a working key (201) and DELETE revokes it (200)", async () => {
    const created = await call("POST", "/api-keys", { key: A.admin.key, body: { name: "ci", role: "operator", expiresInDays: 30 } });
    expect(created.status).toBe(201);
    const { apiKey, key } = created.json as { apiKey: ApiKey; key: string };
    expect(key).toMatch(/^hf_[a-z0-9]{12}_/);
    expect(apiKey).toMatchObject({ name: "ci", role: "operator", revokedAt: null });
    expect(apiKey.expiresAt).not.toBeNull();
    expect((await call("GET", "/members", { key })).status).toBe(200);

    const revoked = await call("DELETE", `/api-keys/${apiKey.id}`, { key: A.admin.key });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id: apiKey.id, revokedAt: expect.any(String) as string });
    expect((await call("GET", "/members", { key })).status).toBe(401);
    expect((await call("DELETE", `/api-keys/${apiKey.id}`, { key: A.admin.key })).status).toBe(404);
  });

  it("a new key defaults to the viewer role", async () => {
    const created = await call("POST", "/api-keys", { key: A.admin.key, body: { name: "default role" } });
    expect(created.status).toBe(201);
    expect((created.json.apiKey as ApiKey).role).toBe("viewer");
  });
});

describe("cross-tenant access", () => {
  it("org A's key gets 404 for org B's organisation", async () => {
    const res = await call("GET", `/organizations/${B.org.id}`, { key: A.admin.key });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: "not_found", message: "Organization not found" } });
  });

  it("org A's key gets 404 revoking org B's key, and B's key keeps working", async () => {
    const res = await call("DELETE", `/api-keys/${B.admin.id}`, { key: A.admin.key });
    expect(res.status).toBe(404);
    expect(res.json.error?.code).toBe("not_found");
    expect((await call("GET", `/organizations/${B.org.id}`, { key: B.admin.key })).status).toBe(200);
  });

  it("org A's key cannot see a partner's child organisation", async () => {
    expect((await call("GET", `/organizations/${child.id}`, { key: A.admin.key })).status).toBe(404);
    expect((await call("GET", `/organizations/${partner.org.id}`, { key: A.admin.key })).status).toBe(404);
  });

  it("lists only the caller's own members, keys and audit events", async () => {
    const members = (await call("GET", "/members", { key: B.admin.key })).json.items as { email: string }[];
    expect(members.map((m) => m.email)).toEqual([B.ownerEmail]);
    const keys = (await call("GET", "/api-keys", { key: B.admin.key })).json.items as ApiKey[];
    expect(keys.map((k) => k.id)).toEqual([B.admin.id]);
    const events = (await call("GET", "/audit-events?limit=200", { key: B.admin.key })).json.items as AuditEvent[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => e.targetId === A.org.id || e.targetId === A.admin.id)).toBe(false);
  });

  it("a partner's key sees its child organisation but not an unrelated one", async () => {
    const own = await call("GET", `/organizations/${child.id}`, { key: partner.admin.key });
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ id: child.id, parentId: partner.org.id, kind: "customer" });
    expect((await call("GET", `/organizations/${partner.org.id}`, { key: partner.admin.key })).json).toMatchObject({ kind: "partner" });
    expect((await call("GET", `/organizations/${A.org.id}`, { key: partner.admin.key })).status).toBe(404);
  });

  it("a child organisation's key cannot see its partner", async () => {
    const childKey = await keyFor(child.id, "admin");
    expect((await call("GET", `/organizations/${partner.org.id}`, { key: childKey.key })).status).toBe(404);
    expect((await call("GET", `/organizations/${child.id}`, { key: childKey.key })).status).toBe(200);
  });
});

describe("authentication", () => {
  it.each([
    ["missing", undefined],
    ["malformed", "not-a-key"],
    ["unknown", `hf_${"x".repeat(12)}_${"y".repeat(43)}`],
  ])("a %s key gets 401", async (_label, key) => {
    const res = await call("GET", "/members", { key });
    expect(res.status).toBe(401);
    expect(res.json.error?.code).toBe("unauthorized");
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
  });

  it("a real prefix with the wrong secret gets 401", async () => {
    const [hf, prefix] = A.admin.key.split("_");
    const res = await call("GET", "/members", { key: `${hf}_${prefix}_${"z".repeat(43)}` });
    expect(res.status).toBe(401);
  });

  it("a revoked key gets 401", async () => {
    const k = await keyFor(A.org.id, "viewer", "to revoke");
    expect((await call("GET", "/members", { key: k.key })).status).toBe(200);
    expect((await call("DELETE", `/api-keys/${k.id}`, { key: A.admin.key })).status).toBe(200);
    expect((await call("GET", "/members", { key: k.key })).status).toBe(401);
  });

  it("an expired key gets 401", async () => {
    const k = await keyFor(A.org.id, "viewer", "to expire");
    await t.owner.db.update(apiKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiKeys.id, k.id));
    expect((await call("GET", "/members", { key: k.key })).status).toBe(401);
  });
});

describe("authorisation", () => {
  it("a viewer key gets 403 creating a key, listing keys or reading the audit log, but may list members", async () => {
    const create = await call("POST", "/api-keys", { key: viewerKeyA, body: { name: "nope" } });
    expect(create.status).toBe(403);
    expect(create.json.error?.code).toBe("forbidden");
    expect((await call("GET", "/api-keys", { key: viewerKeyA })).status).toBe(403);
    expect((await call("GET", "/audit-events", { key: viewerKeyA })).status).toBe(403);
    expect((await call("DELETE", `/api-keys/${A.admin.id}`, { key: viewerKeyA })).status).toBe(403);
    expect((await call("GET", "/members", { key: viewerKeyA })).status).toBe(200);
  });

  it("an admin key cannot mint an owner key", async () => {
    const res = await call("POST", "/api-keys", { key: A.admin.key, body: { name: "escalate", role: "owner" } });
    expect(res.status).toBe(403);
  });
});

describe("validation", () => {
  const fields = (res: Awaited<ReturnType<typeof call>>) => res.json.error?.details?.issues?.map((i) => i.field);

  it.each([
    [{ name: "" }, "name", /name: must not be empty/],
    [{}, "name", /name: is required/],
    [{ name: "x", role: "superuser" }, "role", /role:/],
    [{ name: "x", expiresInDays: 0 }, "expiresInDays", /expiresInDays:/],
    [{ name: "x", expiresInDays: "7" }, "expiresInDays", /expiresInDays:/],
  ])("POST /api-keys %j is 400 naming %s", async (body, field, message) => {
    const res = await call("POST", "/api-keys", { key: A.admin.key, body });
    expect(res.status).toBe(400);
    expect(res.json.error?.code).toBe("validation");
    expect(res.json.error?.message).toMatch(message);
    expect(fields(res)).toEqual([field]);
  });

  it("rejects a body that is not JSON", async () => {
    const res = await call("POST", "/api-keys", { key: A.admin.key, body: "{name:" });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(["body"]);
    const wrongType = await call("POST", "/api-keys", { key: A.admin.key, body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrongType.status).toBe(400);
  });

  it("rejects a path id that is not a UUID", async () => {
    const res = await call("GET", "/organizations/not-a-uuid", { key: A.admin.key });
    expect(res.status).toBe(400);
    expect(res.json.error?.details?.issues).toEqual([{ in: "path", field: "id", message: "must be a UUID" }]);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1000", "limit"],
    ["limit=abc", "limit"],
    ["cursor=abc", "cursor"],
  ])("GET /audit-events?%s is 400 naming %s", async (qs, field) => {
    const res = await call("GET", `/audit-events?${qs}`, { key: A.admin.key });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual([field]);
  });

  it("authenticates before validating, so an anonymous caller learns nothing from a bad body", async () => {
    expect((await call("POST", "/api-keys", { body: {} })).status).toBe(401);
  });
});

describe("audit log", () => {
  it("pages through every event exactly once, newest first", async () => {
    const seen: AuditEvent[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call("GET", `/audit-events?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { key: A.admin.key });
      expect(res.status).toBe(200);
      const page = res.json as { items: AuditEvent[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    // Compare with everything the tenant has, read around RLS as the owner.
    const all = await t.owner.pool.query<{ n: number }>("select count(*)::int as n from audit_events where tenant_id = $1", [A.org.id]);
    expect(seen.length).toBe(all.rows[0]?.n);
    expect(seen.every((e) => e.hash.length === 64)).toBe(true);
  });

  it("records a key's use as the api_key actor, with the request id and address", async () => {
    const requestId = `audit-${tag}`;
    const created = await call("POST", "/api-keys", { key: A.admin.key, body: { name: "audited" }, headers: { "x-request-id": requestId, "x-forwarded-for": "203.0.113.7, 10.0.0.1" } });
    expect(created.status).toBe(201);
    const newId = (created.json.apiKey as ApiKey).id;
    const res = await call("GET", "/audit-events?action=api_key.created&limit=200", { key: A.admin.key });
    const event = (res.json.items as AuditEvent[]).find((e) => e.targetId === newId);
    expect(event).toMatchObject({ action: "api_key.created", actorType: "api_key", actorId: A.admin.id, requestId, ip: "203.0.113.7", targetType: "api_key" });
    expect(event?.metadata).toMatchObject({ name: "audited", role: "viewer" });
  });

  it("filters by action", async () => {
    const res = await call("GET", "/audit-events?action=organization.created", { key: A.admin.key });
    const items = res.json.items as AuditEvent[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: "organization.created", targetId: A.org.id });
  });

  it("treats empty query values as absent", async () => {
    const res = await call("GET", "/audit-events?cursor=&limit=&action=", { key: A.admin.key });
    expect(res.status).toBe(200);
    expect((res.json.items as AuditEvent[]).length).toBeGreaterThan(0);
  });
});
