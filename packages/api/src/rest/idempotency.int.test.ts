// Idempotency-Key on authenticated POSTs, against a real Postgres (RLS on, app role): replays,
// refusals, expiry, the per-caller scope, and that a failure on our side is not kept.
import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, signUp, validation, type ApiKey, type Role, type TenantContext } from "@holdfast/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createHandlerFor, createRestHandler, type RestHandler } from "./handler";
import { requestHash } from "./idempotency";
import { defineRoute } from "./route";
import { BASE, memoryLogger } from "./test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
let handle: RestHandler;
let flaky: RestHandler;
let owner: TenantContext;
let admin: { key: string; id: string };
let otherAdmin: { key: string; id: string };
let outsider: { key: string; id: string };
/** How many times each test route really ran. */
const ran = { flaky: 0, refuse: 0 };

const flakyRoutes = [
  defineRoute({
    method: "POST",
    path: "/flaky",
    operationId: "flaky",
    summary: "Fails the first time",
    tag: "Test",
    body: z.object({ n: z.number() }),
    response: { status: 201, description: "ok", schema: z.object({ n: z.number(), run: z.number() }) },
    errors: [400],
    handle: (_ctx, { body }) => {
      ran.flaky++;
      if (ran.flaky === 1) return Promise.reject(new Error("the database went away"));
      return Promise.resolve({ n: body.n, run: ran.flaky });
    },
  }),
  defineRoute({
    method: "POST",
    path: "/refuse",
    operationId: "refuse",
    summary: "Always refuses",
    tag: "Test",
    response: { status: 201, description: "never", schema: z.object({}) },
    errors: [400],
    handle: () => {
      ran.refuse++;
      return Promise.reject(validation("never valid"));
    },
  }),
];

async function keyFor(tenantId: string, role: Role) {
  const created = await createApiKey({ db: t.app.db, tenantId, actor: { type: "system", id: "test-setup" }, role: "owner" }, { name: `${role} key`, role });
  return { key: created.key, id: created.apiKey.id };
}

async function post(path: string, opts: { key: string; body?: unknown; idem?: string; via?: RestHandler }) {
  const headers: Record<string, string> = { authorization: `Bearer ${opts.key}`, "content-type": "application/json" };
  if (opts.idem !== undefined) headers["idempotency-key"] = opts.idem;
  const res = await (opts.via ?? handle)(new Request(`${BASE}${path}`, { method: "POST", headers, body: JSON.stringify(opts.body ?? {}) }));
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string; details?: { issues?: { in?: string; field: string }[] } } } };
}

const newKey = () => `key-${randomBytes(6).toString("hex")}`;
const apiKeyNames = async () => (await t.owner.pool.query<{ name: string }>("select name from api_keys where tenant_id = $1", [owner.tenantId])).rows.map((r) => r.name);

beforeAll(async () => {
  t = await createTestDatabase("idempotency");
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger });
  flaky = createHandlerFor(flakyRoutes, { db: t.app.db, logger: memoryLogger().logger });
  const { userId, organization } = await signUp(t.app.db, { email: `idem-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Idem Ltd" });
  owner = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  admin = await keyFor(organization.id, "admin");
  otherAdmin = await keyFor(organization.id, "admin");
  const other = await signUp(t.app.db, { email: `idem-other-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Other Ltd" });
  outsider = await keyFor(other.organization.id, "admin");
});

afterAll(async () => {
  await t?.drop();
});

describe("Idempotency-Key", () => {
  it("a retry of the same request replays the first response and does nothing twice", async () => {
    const idem = newKey();
    const first = await post("/api-keys", { key: admin.key, body: { name: "ci-once" }, idem });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await post("/api-keys", { key: admin.key, body: { name: "ci-once" }, idem });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    expect((await apiKeyNames()).filter((n) => n === "ci-once")).toHaveLength(1);
    // The stored request is a hash; the response is kept in the tenant's own rows.
    const { rows } = await t.owner.pool.query<{ tenant_id: string; principal: string; request_hash: string; status: number }>("select tenant_id, principal, request_hash, status from idempotency_keys where key = $1", [idem]);
    expect(rows).toEqual([{ tenant_id: owner.tenantId, principal: `api_key:${admin.id}`, request_hash: requestHash("POST", "/api/v1/api-keys", JSON.stringify({ name: "ci-once" })), status: 201 }]);
    // The new key's secret is in the response once; the kept copy is sealed, never in clear.
    // hf_<prefix>_<secret>, and the base64url secret may itself hold "_".
    const secret = /^hf_[a-z0-9]{12}_(.+)$/.exec(String(first.json.key))?.[1] ?? "";
    expect(secret).toHaveLength(43);
    const stored = await t.owner.pool.query<{ body: unknown }>("select body from idempotency_keys where key = $1", [idem]);
    expect(JSON.stringify(stored.rows[0]?.body)).not.toContain(secret);
    expect(stored.rows[0]?.body).toEqual({ sealed: expect.stringMatching(/^v1\./) as string });
  });

  it("the same key with a different request is refused, naming the mismatch", async () => {
    const idem = newKey();
    expect((await post("/api-keys", { key: admin.key, body: { name: "first" }, idem })).status).toBe(201);
    const other = await post("/api-keys", { key: admin.key, body: { name: "second" }, idem });
    expect(other.status).toBe(409);
    expect(other.json.error?.message).toMatch(/Idempotency-Key .* different request/);
    expect(await apiKeyNames()).not.toContain("second");
  });

  it("a retry while the first request is still running is refused (409)", async () => {
    const idem = newKey();
    const hash = requestHash("POST", "/api/v1/api-keys", JSON.stringify({ name: "slow" }));
    await t.owner.pool.query("insert into idempotency_keys (tenant_id, principal, key, request_hash, status) values ($1, $2, $3, $4, null)", [owner.tenantId, `api_key:${admin.id}`, idem, hash]);
    const res = await post("/api-keys", { key: admin.key, body: { name: "slow" }, idem });
    expect(res.status).toBe(409);
    expect(res.json.error?.message).toContain("still being processed");
    expect(await apiKeyNames()).not.toContain("slow");
  });

  it("a record older than 24 hours is treated as absent and replaced", async () => {
    const idem = newKey();
    await t.owner.pool.query("insert into idempotency_keys (tenant_id, principal, key, request_hash, status, body, created_at) values ($1, $2, $3, 'old', 201, '{}', now() - interval '25 hours')", [owner.tenantId, `api_key:${admin.id}`, idem]);
    const res = await post("/api-keys", { key: admin.key, body: { name: "after-expiry" }, idem });
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    const { rows } = await t.owner.pool.query<{ status: number; age: number }>("select status, extract(epoch from now() - created_at)::int as age from idempotency_keys where key = $1", [idem]);
    expect(rows).toEqual([{ status: 201, age: expect.any(Number) as number }]);
    expect(rows[0]?.age).toBeLessThan(60);
  });

  it("keys are per API key: another key's identical request runs on its own", async () => {
    const idem = newKey();
    expect((await post("/api-keys", { key: admin.key, body: { name: "per-caller" }, idem })).status).toBe(201);
    const other = await post("/api-keys", { key: otherAdmin.key, body: { name: "per-caller" }, idem });
    expect(other.status).toBe(201);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
    expect((await apiKeyNames()).filter((n) => n === "per-caller")).toHaveLength(2);
    // Another organisation never sees them either (RLS): same key, its own first request.
    const outside = await post("/api-keys", { key: outsider.key, body: { name: "per-caller" }, idem });
    expect(outside.status).toBe(201);
    expect(outside.headers.get("idempotent-replayed")).toBeNull();
  });

  it.each([["x".repeat(256)], ["caf\u00e9"], [" "]])("a malformed key (%j) is a 400 naming the header, and nothing runs", async (idem) => {
    const res = await post("/api-keys", { key: admin.key, body: { name: "bad-key" }, idem });
    expect(res.status).toBe(400);
    expect(res.json.error?.details?.issues).toEqual([expect.objectContaining({ in: "header", field: "Idempotency-Key" })]);
    expect(await apiKeyNames()).not.toContain("bad-key");
  });

  it("a failure on our side (5xx) is not kept: the retry runs again", async () => {
    const idem = newKey();
    const first = await post("/flaky", { key: admin.key, body: { n: 1 }, idem, via: flaky });
    expect(first.status).toBe(500);
    const retry = await post("/flaky", { key: admin.key, body: { n: 1 }, idem, via: flaky });
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual({ n: 1, run: 2 });
    const replay = await post("/flaky", { key: admin.key, body: { n: 1 }, idem, via: flaky });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.json).toEqual({ n: 1, run: 2 });
    expect(ran.flaky).toBe(2);
  });

  it("a refusal (4xx) is kept and replayed like any other answer", async () => {
    const idem = newKey();
    const first = await post("/refuse", { key: admin.key, idem, via: flaky });
    const again = await post("/refuse", { key: admin.key, idem, via: flaky });
    expect([first.status, again.status]).toEqual([400, 400]);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(ran.refuse).toBe(1);
  });

  it("requests without the header are not affected", async () => {
    const a = await post("/api-keys", { key: admin.key, body: { name: "plain" } });
    const b = await post("/api-keys", { key: admin.key, body: { name: "plain" } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((a.json.apiKey as ApiKey).id).not.toBe((b.json.apiKey as ApiKey).id);
  });
});
