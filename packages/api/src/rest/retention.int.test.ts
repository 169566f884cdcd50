// Retention over /api/v1 against a real Postgres (RLS on, app role): real Requests through the
// handler with API keys of each role, and a second organisation whose ids must stay invisible.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, DEFAULT_RETENTION_POLICY, listAuditEvents, listUnits, registerSource, signUp, syncDiscoveredUnits, systemContext, type Role, type TenantContext } from "@holdfast/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRestHandler, type RestHandler } from "./handler";
import { BASE, memoryLogger } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const D = DEFAULT_RETENTION_POLICY;
let t: TestDatabase;
let handle: RestHandler;

type Json = Record<string, unknown> & { items?: Record<string, unknown>[]; error?: { code: string; message: string; details?: { issues?: { field: string; in?: string }[] } } };

async function call(method: string, path: string, opts: { key?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await handle(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json };
}

async function tenant(label: string) {
  const { organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(owner, { name: `${role} key`, role })).key;
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "unused" } });
  await syncDiscoveredUnits(systemContext(t.app.db, organization.id, "test-worker"), { sourceId: source.id, units: [{ kind: "drive", externalId: "d1", displayName: `${label} Drive` }] });
  const [unit] = await listUnits(owner, source.id);
  return { owner, tenantId: organization.id, sourceId: source.id, unitId: unit?.id ?? "", admin: await key("admin"), viewer: await key("viewer"), operator: await key("operator") };
}

let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;

beforeAll(async () => {
  t = await createTestDatabase("rest-retention");
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger });
  [A, B] = await Promise.all([tenant("acme"), tenant("other")]);
});

afterAll(async () => {
  await t?.drop();
});

describe("retention over /api/v1", () => {
  it("GET /retention: a viewer key reads the policy in force, for the organisation or one unit", async () => {
    expect(await call("GET", "/retention", { key: A.viewer })).toEqual({ status: 200, json: { effective: D, scope: "default", organization: null, legalHolds: [] } });
    const unit = await call("GET", `/retention?unitId=${A.unitId}`, { key: A.viewer });
    expect(unit).toMatchObject({ status: 200, json: { scope: "default", source: null, unit: null } });
    const bad = await call("GET", "/retention?unitId=nope", { key: A.viewer });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.details?.issues?.[0]).toMatchObject({ in: "query", field: "unitId" });
  });

  it("PUT /retention/policy: an admin key lengthens; a viewer key is 403; a shortening is asked for (503 here: no job runner)", async () => {
    const policy = { ...D, yearly: 10 };
    const viewer = await call("PUT", "/retention/policy", { key: A.viewer, body: { scope: "organization", policy } });
    expect(viewer.status).toBe(403);
    expect(viewer.json.error?.code).toBe("forbidden");
    expect(viewer.json.error?.message).toMatch(/requires the admin role/);
    expect(await call("PUT", "/retention/policy", { key: A.operator, body: { scope: "organization", policy } })).toMatchObject({ status: 403 });

    expect(await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "organization", policy } })).toEqual({ status: 200, json: { outcome: "applied", scope: "organization", scopeId: null, policy, comparison: "longer" } });
    // A shortening is a guarded request; this handler has no job runner, so it is refused and nothing
    // changes (guard.int.test.ts covers the 202 with a runner).
    const shorter = await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "organization", policy: { ...policy, offboardedKeepDays: 30 } } });
    expect(shorter.status).toBe(503);
    expect(shorter.json.error?.code).toBe("unavailable");
    expect((await call("GET", "/retention", { key: A.viewer })).json).toMatchObject({ scope: "organization", effective: policy });
    // The request and its cancellation are in the audit log (the service's doing; checked so a transport that swallowed it would show).
    const events = await listAuditEvents(A.owner, { limit: 20 });
    expect(events.items.map((e) => e.action)).toEqual(expect.arrayContaining(["retention.policy_changed", "guarded_request.created", "guarded_request.start_failed"]));
  });

  it("PUT /retention/policy: names invalid fields, and another organisation's source is 404", async () => {
    const invalid = await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "organization", policy: { ...D, keepAllDays: 0 } } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error?.details?.issues?.map((i) => i.field)).toEqual(["policy.keepAllDays"]);
    const noScopeId = await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "unit", policy: D } });
    expect(noScopeId.status).toBe(400);
    expect(noScopeId.json.error?.details?.issues?.map((i) => i.field)).toEqual(["scopeId"]);
    expect((await call("PUT", "/retention/policy", { key: B.admin, body: { scope: "source", scopeId: A.sourceId, policy: { ...D, forever: true } } })).status).toBe(404);
    expect((await call("GET", `/retention?sourceId=${A.sourceId}`, { key: B.admin })).status).toBe(404);
  });

  it("GET /retention/overrides lists each override with its name", async () => {
    await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "unit", scopeId: A.unitId, policy: { ...D, yearly: 10, forever: true } } });
    const res = await call("GET", "/retention/overrides", { key: A.viewer });
    expect(res.status).toBe(200);
    expect(res.json.items?.map(({ updatedAt, ...o }) => [o, typeof updatedAt])).toEqual([[{ scope: "unit", scopeId: A.unitId, name: "acme Drive", sourceName: "acme.example", policy: { ...D, yearly: 10, forever: true } }, "string"]]);
    expect((await call("GET", "/retention/overrides", { key: B.viewer })).json.items).toEqual([]);
  });

  it("POST /legal-holds places a hold (admin key), GET lists it with the unit's name, release is asked for (503 here)", async () => {
    expect((await call("POST", "/legal-holds", { key: A.viewer, body: { reason: "x" } })).status).toBe(403);
    const whole = await call("POST", "/legal-holds", { key: A.admin, body: { reason: "Litigation 2026-17" } });
    expect(whole).toMatchObject({ status: 201, json: { unitId: null, reason: "Litigation 2026-17", active: true, releasedAt: null, placedByUserId: null } });
    const one = await call("POST", "/legal-holds", { key: A.admin, body: { unitId: A.unitId, reason: "HR investigation" } });
    expect(one.status).toBe(201);
    expect((await call("POST", "/legal-holds", { key: A.admin, body: { reason: "" } })).json.error?.details?.issues?.map((i) => i.field)).toEqual(["reason"]);
    expect((await call("POST", "/legal-holds", { key: B.admin, body: { unitId: A.unitId, reason: "probe" } })).status).toBe(404);

    const list = await call("GET", "/legal-holds", { key: A.viewer });
    expect(list.status).toBe(200);
    expect(list.json.items?.map((h) => [h.id, h.unitName])).toEqual([
      [one.json.id, "acme Drive"],
      [whole.json.id, null],
    ]);
    expect((await call("GET", "/legal-holds", { key: B.viewer })).json.items).toEqual([]);

    const release = await call("POST", `/legal-holds/${String(whole.json.id)}/release`, { key: A.admin });
    expect(release.status).toBe(503);
    expect(release.json.error?.code).toBe("unavailable");
    expect((await call("POST", `/legal-holds/${String(whole.json.id)}/release`, { key: A.viewer })).status).toBe(403);
    expect((await call("POST", `/legal-holds/${String(whole.json.id)}/release`, { key: B.admin })).status).toBe(404);
    expect((await call("POST", "/legal-holds/not-a-uuid/release", { key: A.admin })).status).toBe(400);
    expect((await call("GET", "/legal-holds", { key: A.viewer })).json.items?.every((h) => h.active === true)).toBe(true);
  });

  it("refuses without a key, and the OpenAPI document lists the retention operations", async () => {
    expect((await call("GET", "/retention")).status).toBe(401);
    const doc = await call("GET", "/openapi.json");
    const paths = doc.json.paths as Record<string, Record<string, { operationId: string }>>;
    expect(paths["/retention"]?.get?.operationId).toBe("getRetention");
    expect(paths["/retention/overrides"]?.get?.operationId).toBe("listRetentionOverrides");
    expect(paths["/retention/policy"]?.put?.operationId).toBe("setRetentionPolicy");
    expect(paths["/legal-holds"]?.get?.operationId).toBe("listLegalHolds");
    expect(paths["/legal-holds"]?.post?.operationId).toBe("placeLegalHold");
    expect(paths["/legal-holds/{id}/release"]?.post?.operationId).toBe("releaseLegalHold");
  });
});
