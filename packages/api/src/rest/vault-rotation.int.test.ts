// POST /vault/credentials/rotate and the console's sources.vault.rotateCredentials against a real
// Postgres (RLS on, app role) and a real Temporal dev server with NO worker on the task queue: the
// request's workflow is started and just waits. Only the asking is tested here; an approved and
// executed rotation (new identities at the provider) is the worker's test.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, signUp, type Role, type TenantContext } from "@holdfast/services";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsPort } from "../jobs/port";
import { createTemporalJobs } from "../jobs/temporal";
import { createTrpcContext } from "../trpc/context";
import { createCaller } from "../trpc/router";
import { createRestHandler, type RestHandler } from "./handler";
import { openApiDocument } from "./routes";
import { BASE, memoryLogger } from "./test-support";

process.env.LOG_LEVEL ??= "silent";
process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const taskQueue = `rest-vault-rotation-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let handle: RestHandler;

type Json = Record<string, unknown> & { id?: string; items?: Record<string, unknown>[]; error?: { code: string; message: string; details?: { issues?: { field: string }[] } } };

async function call(method: string, path: string, opts: { key?: string; body?: unknown; via?: RestHandler } = {}): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await (opts.via ?? handle)(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json };
}

/**
 * An organisation with keys of each role made by the system, and — when asked — a vault row. The
 * route only reads the row (its bucket), so it is written as the database owner with sealed-looking
 * values (the check wants the `v1.` prefix) instead of provisioning a bucket at versitygw.
 */
async function tenant(label: string, opts: { vault: boolean }) {
  const { userId, organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const setup: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(setup, { name: `${role} key`, role })).key;
  const bucket = `hf-${label}-${randomBytes(4).toString("hex")}`;
  if (opts.vault) {
    await t.owner.pool.query(
      "insert into tenant_vaults (tenant_id, bucket, vault_id, writer_enc, reader_enc, gc_enc, kms_key_id) values ($1, $2, $3, 'v1.x', 'v1.x', 'v1.x', 'local:test')",
      [organization.id, bucket, randomBytes(8).toString("hex")],
    );
  }
  const keys = { owner: await key("owner"), admin: await key("admin"), operator: await key("operator"), viewer: await key("viewer") };
  return { tenantId: organization.id, ownerUserId: userId, bucket, keys };
}

let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;
let C: Awaited<ReturnType<typeof tenant>>;

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("rest-vault-rotation"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger, jobs });
  [A, B, C] = await Promise.all([tenant("acme", { vault: true }), tenant("novault", { vault: false }), tenant("console", { vault: true })]);
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
});

const ROTATE = "/vault/credentials/rotate";

describe("POST /vault/credentials/rotate", () => {
  it("is documented as a guarded request: 202 with the request, what it replaces, and its errors", () => {
    const op = openApiDocument().paths[ROTATE]?.post;
    expect(op?.operationId).toBe("rotateVaultCredentials");
    expect(op?.tags).toEqual(["Vault"]);
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["202", "400", "403", "409", "412", "503"]));
    expect(op?.description).toMatch(/admin role/);
    expect(op?.description).toMatch(/writer, reader and garbage-collector identities/);
    expect(op?.description).toMatch(/deletes the old ones/);
    expect(op?.description).toMatch(/cooling-off delay/);
    expect(openApiDocument().paths["/vault"]?.get?.description).toMatch(/credentialsRotatedAt/);
  });

  it("refuses a viewer or operator, an unknown field, no key, and an organisation without a vault, and asks for nothing", async () => {
    const viewer = await call("POST", ROTATE, { key: A.keys.viewer, body: {} });
    expect(viewer).toMatchObject({ status: 403, json: { error: { code: "forbidden" } } });
    expect(viewer.json.error?.message).toMatch(/requires the admin role/);
    expect(await call("POST", ROTATE, { key: A.keys.operator, body: {} })).toMatchObject({ status: 403 });
    const unknown = await call("POST", ROTATE, { key: A.keys.admin, body: { reason: "x", bucket: "someone-elses" } });
    expect(unknown).toMatchObject({ status: 400 });
    expect(JSON.stringify(unknown.json.error)).toContain("bucket");
    const blank = await call("POST", ROTATE, { key: A.keys.admin, body: { reason: "   " } });
    expect(blank).toMatchObject({ status: 400 });
    expect(blank.json.error?.details?.issues?.map((i) => i.field)).toEqual(["reason"]);
    expect(await call("POST", ROTATE, { body: {} })).toMatchObject({ status: 401 });

    const none = await call("POST", ROTATE, { key: B.keys.admin, body: {} });
    expect(none).toMatchObject({ status: 412, json: { error: { code: "precondition_failed" } } });
    expect(none.json.error?.message).toMatch(/no vault/);
    // The role comes first: a viewer is told so whether or not there is a vault.
    expect(await call("POST", ROTATE, { key: B.keys.viewer, body: {} })).toMatchObject({ status: 403 });

    expect((await call("GET", "/guarded-requests", { key: A.keys.admin })).json.items).toEqual([]);
    expect((await call("GET", "/guarded-requests", { key: B.keys.admin })).json.items).toEqual([]);
  });

  it("is 503 and leaves nothing waiting when the job runner cannot take the request", async () => {
    const noRunner = createRestHandler({ db: t.app.db, logger: memoryLogger().logger });
    const refused = await call("POST", ROTATE, { key: A.keys.admin, body: {}, via: noRunner });
    expect(refused).toMatchObject({ status: 503, json: { error: { code: "unavailable" } } });
    expect((await call("GET", "/guarded-requests", { key: A.keys.admin })).json.items).toEqual([]);
  });

  it("answers an admin 202 with a pending request naming the bucket, listed and audited, changes nothing yet, and a second request while it waits is 409", async () => {
    const before = await call("GET", "/vault", { key: A.keys.viewer });
    expect(before).toMatchObject({ status: 200, json: { provisioned: true, bucket: A.bucket, credentialsRotatedAt: null } });

    const asked = await call("POST", ROTATE, { key: A.keys.admin, body: { reason: "  Worker host was reimaged  " } });
    expect(asked).toMatchObject({
      status: 202,
      json: { kind: "vault.rotate_credentials", label: "Rotate the vault's credentials", status: "pending", params: {}, requestedBy: { type: "api_key" }, approvedBy: null, executedAt: null },
    });
    expect(String(asked.json.summary)).toContain(A.bucket);
    expect(String(asked.json.summary)).toContain("Reason given: Worker host was reimaged");
    const requestId = String(asked.json.id);

    const open = await call("GET", "/guarded-requests", { key: A.keys.viewer });
    expect(open.json.items).toEqual([expect.objectContaining({ id: requestId, kind: "vault.rotate_credentials", status: "pending" })]);
    expect(await call("GET", `/guarded-requests/${requestId}`, { key: A.keys.viewer })).toMatchObject({ status: 200, json: { id: requestId, kind: "vault.rotate_credentials" } });

    // Asked, not done: nothing about the vault changes until a second person approves and the delay passes.
    expect((await call("GET", "/vault", { key: A.keys.viewer })).json).toEqual(before.json);

    const events = await call("GET", "/audit-events?limit=20", { key: A.keys.admin });
    expect(events.json.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: "guarded_request.created", actorType: "api_key", targetType: "guarded_request", targetId: requestId, metadata: expect.objectContaining({ kind: "vault.rotate_credentials" }) as unknown })]),
    );

    // One waiting rotation at a time, whatever the reason, and from the owner too.
    const again = await call("POST", ROTATE, { key: A.keys.owner, body: { reason: "a different reason" } });
    expect(again).toMatchObject({ status: 409, json: { error: { code: "conflict" } } });
    expect(again.json.error?.message).toContain(requestId);
    expect((await call("POST", ROTATE, { key: A.keys.admin })).status).toBe(409);
    expect((await call("GET", "/guarded-requests", { key: A.keys.admin })).json.items).toHaveLength(1);

    // Cancelled, it no longer stands in the way.
    expect((await call("POST", `/guarded-requests/${requestId}/cancel`, { key: A.keys.admin, body: {} })).status).toBe(200);
    const fresh = await call("POST", ROTATE, { key: A.keys.admin });
    expect(fresh).toMatchObject({ status: 202, json: { kind: "vault.rotate_credentials", status: "pending" } });
    expect(fresh.json.id).not.toBe(requestId);
  });

  it("another organisation's keys neither see nor block it", async () => {
    expect((await call("GET", "/guarded-requests", { key: C.keys.admin })).json.items).toEqual([]);
    expect((await call("GET", "/guarded-requests", { key: B.keys.admin })).json.items).toEqual([]);
  });
});

describe("the console's sources.vault.rotateCredentials", () => {
  const as = (userId: string) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "vault-rotation-trpc", jobs }));

  it("asks as the signed-in owner; without a vault it is PRECONDITION_FAILED; another organisation's owner cannot reach it", async () => {
    const request = await as(C.ownerUserId).sources.vault.rotateCredentials({ orgId: C.tenantId, reason: "Routine yearly rotation" });
    expect(request).toMatchObject({ kind: "vault.rotate_credentials", status: "pending", params: {}, requestedBy: { type: "user", userId: C.ownerUserId } });
    expect(request.summary).toContain(C.bucket);
    expect(request.summary).toContain("Routine yearly rotation");
    await expect(as(C.ownerUserId).sources.vault.rotateCredentials({ orgId: C.tenantId })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(as(B.ownerUserId).sources.vault.rotateCredentials({ orgId: B.tenantId })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(as(B.ownerUserId).sources.vault.rotateCredentials({ orgId: C.tenantId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(as(C.ownerUserId).sources.vault.rotateCredentials({ orgId: C.tenantId, reason: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await as(C.ownerUserId).sources.vault.status({ orgId: C.tenantId })).toMatchObject({ provisioned: true, bucket: C.bucket, credentialsRotatedAt: null });
  });
});
