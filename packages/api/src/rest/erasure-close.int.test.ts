// POST /erasures and POST /organization/close (and the console's catalogue.requestErasure and
// organization.close) against a real Postgres (RLS on, app role) and a real Temporal dev server with
// NO worker on the task queue: the request's workflow is started and just waits, and the test plays
// the guard itself (approve with the guard's credential, wait out the delay, apply), as
// sources-remove.int.test.ts does.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  commitSnapshot,
  createApiKey,
  finishRun,
  guardApply,
  guardApprove,
  listUnits,
  openSnapshot,
  recordVersions,
  registerSource,
  signUp,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type RecordVersionInput,
  type Role,
  type TenantContext,
} from "@holdfast/services";
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

const taskQueue = `rest-erasure-close-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let handle: RestHandler;

type Json = Record<string, unknown> & { id?: string; error?: { code: string; message: string; details?: unknown } };

async function call(method: string, path: string, opts: { key?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await handle(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json };
}

const T1 = new Date("2026-03-01T08:00:00Z");
const file = (externalId: string, name: string, hex: string): RecordVersionInput => ({
  externalId,
  kind: "file",
  version: "1",
  path: `/HR/${name}`,
  name,
  size: 10,
  contentSha256: hex.repeat(64),
  vault: { snapshotId: "vs-1", path: `f/${externalId}` },
});

/**
 * An organisation with keys made by the system (so its owner may approve what they ask), one
 * backed-up drive holding two files, and a short cooling-off delay the test can wait out.
 */
async function tenant(label: string) {
  const organizationName = `${label} ${randomBytes(3).toString("hex")} Ltd`;
  const { userId, organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName });
  const setup: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(setup, { name: `${role} key`, role })).key;
  const source = await registerSource(setup, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const worker = systemContext(t.worker.db, organization.id, "test-worker");
  await syncDiscoveredUnits(worker, { sourceId: source.id, units: [{ kind: "drive", externalId: "hr-drive", displayName: "HR drive" }] });
  const unitId = (await listUnits(setup, source.id))[0]?.id ?? "";
  const run = await startRun(worker, { sourceId: source.id, trigger: "scheduled", workflowId: `backup-source:${label}:first` }, T1);
  const snap = await openSnapshot(worker, { unitId, runId: run.id }, T1);
  await recordVersions(worker, snap.id, [file("salary", "salary review dana.txt", "a"), file("handbook", "staff handbook.txt", "b")], T1);
  await commitSnapshot(worker, snap.id, { vaultSnapshotId: "vs-1" }, T1);
  await finishRun(worker, run.id, { outcome: "finished" }, T1);
  // Short, so the test can wait it out (as the owner role: the app role cannot shorten it).
  await t.owner.pool.query("update organizations set guard_delay_seconds = 2 where id = $1", [organization.id]);
  const keys = { owner: await key("owner"), admin: await key("admin"), operator: await key("operator"), viewer: await key("viewer") };
  return { tenantId: organization.id, name: organizationName, ownerUserId: userId, sourceId: source.id, unitId, keys };
}

/** The item id of the file called `name`, found the way a script would: by searching. */
async function itemIdOf(key: string, sourceId: string, q: string): Promise<string> {
  const found = await call("GET", `/items?sourceId=${sourceId}&q=${encodeURIComponent(q)}`, { key });
  const id = (found.json.items as { itemId: string }[] | undefined)?.[0]?.itemId;
  if (!id) throw new Error(`no item matches ${q}`);
  return id;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("rest-erasure-close"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger, jobs });
  // The platform's floor would otherwise hold every request for a day: this test waits out a short delay.
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
  [A, B] = await Promise.all([tenant("acme"), tenant("other")]);
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
});

const as = (userId: string) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "erasure-close-trpc", jobs }));

describe("POST /erasures", () => {
  it("is documented as a guarded request: 202 with the request, what is scrubbed and what stays", () => {
    const op = openApiDocument().paths["/erasures"]?.post;
    expect(op?.operationId).toBe("requestErasure");
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["202", "400", "403", "404", "409", "503"]));
    expect(op?.description).toMatch(/scrubbed/);
    expect(op?.description).toMatch(/retention date/);
    expect(op?.description).toMatch(/cooling-off delay/);
  });

  it("refuses a viewer or operator, a foreign or unknown item, a missing reason and no key, and asks for nothing", async () => {
    const itemId = await itemIdOf(A.keys.viewer, A.sourceId, "handbook");
    const body = { itemIds: [itemId], reason: "GDPR request #1" };
    expect(await call("POST", "/erasures", { key: A.keys.viewer, body })).toMatchObject({ status: 403 });
    expect(await call("POST", "/erasures", { key: A.keys.operator, body })).toMatchObject({ status: 403 });
    const foreign = await call("POST", "/erasures", { key: B.keys.admin, body });
    expect(foreign).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    expect(foreign.json.error?.message).toContain(itemId);
    expect(await call("POST", "/erasures", { key: A.keys.admin, body: { itemIds: [itemId] } })).toMatchObject({ status: 400 });
    const blank = await call("POST", "/erasures", { key: A.keys.admin, body: { itemIds: [itemId], reason: "   " } });
    expect(blank).toMatchObject({ status: 400 });
    expect(JSON.stringify(blank.json.error)).toContain("reason");
    expect(await call("POST", "/erasures", { key: A.keys.admin, body: { itemIds: [], reason: "x" } })).toMatchObject({ status: 400 });
    expect(await call("POST", "/erasures", { key: A.keys.admin, body: { itemIds: ["not-an-id"], reason: "x" } })).toMatchObject({ status: 400 });
    expect(await call("POST", "/erasures", { body })).toMatchObject({ status: 401 });
    expect((await call("GET", "/guarded-requests", { key: A.keys.admin })).json.items).toEqual([]);
    expect((await call("GET", "/guarded-requests", { key: B.keys.admin })).json.items).toEqual([]);
  });

  it("answers 202 with a pending request and hides nothing; once approved and past the delay the item is gone from every read, and asking again is 409", async () => {
    const itemId = await itemIdOf(A.keys.viewer, A.sourceId, "salary");
    const asked = await call("POST", "/erasures", { key: A.keys.admin, body: { itemIds: [itemId], reason: "  GDPR request #1234  " } });
    expect(asked).toMatchObject({ status: 202, json: { kind: "items.erase", status: "pending", params: { itemIds: [itemId], reason: "GDPR request #1234" }, requestedBy: { type: "api_key" } } });
    expect(String(asked.json.summary)).toContain("GDPR request #1234");
    const requestId = String(asked.json.id);

    // Asked, not done: the item reads as before until a second person approves and the delay passes.
    expect((await call("GET", `/items/${itemId}/versions`, { key: A.keys.viewer })).status).toBe(200);
    expect(await itemIdOf(A.keys.viewer, A.sourceId, "salary")).toBe(itemId);

    await guardApprove(t.guard.db, requestId, A.ownerUserId);
    await sleep(2100);
    expect(await guardApply(t.guard.db, requestId)).toEqual({ status: "executed", failure: null });

    expect((await call("GET", `/items/${itemId}/versions`, { key: A.keys.viewer })).status).toBe(404);
    const search = await call("GET", `/items?sourceId=${A.sourceId}&q=salary`, { key: A.keys.viewer });
    expect(search).toMatchObject({ status: 200, json: { items: [] } });
    // Only that item: the other file in the same folder is untouched.
    const folder = await call("GET", `/items?unitId=${A.unitId}&path=${encodeURIComponent("/HR")}`, { key: A.keys.viewer });
    expect((folder.json.items as { name: string }[]).map((i) => i.name)).toEqual(["staff handbook.txt"]);

    const again = await call("POST", "/erasures", { key: A.keys.admin, body: { itemIds: [itemId], reason: "again" } });
    expect(again).toMatchObject({ status: 409, json: { error: { code: "conflict" } } });
    expect(again.json.error?.message).toContain(itemId);
  }, 60_000);

  it("the console's catalogue.requestErasure asks as the signed-in owner; another organisation's owner finds neither the item nor the organisation", async () => {
    const itemId = await itemIdOf(A.keys.viewer, A.sourceId, "handbook");
    const request = await as(A.ownerUserId).catalogue.requestErasure({ orgId: A.tenantId, itemIds: [itemId], reason: "Leaver asked" });
    expect(request).toMatchObject({ kind: "items.erase", status: "pending", params: { itemIds: [itemId], reason: "Leaver asked" }, requestedBy: { type: "user", userId: A.ownerUserId } });
    await expect(as(B.ownerUserId).catalogue.requestErasure({ orgId: B.tenantId, itemIds: [itemId], reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(as(B.ownerUserId).catalogue.requestErasure({ orgId: A.tenantId, itemIds: [itemId], reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(as(A.ownerUserId).catalogue.requestErasure({ orgId: A.tenantId, itemIds: [itemId], reason: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("POST /organization/close", () => {
  it("is documented as a guarded request: 202 with the request, what it ends and what stays", () => {
    const op = openApiDocument().paths["/organization/close"]?.post;
    expect(op?.operationId).toBe("closeOrganization");
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["202", "400", "403", "409", "503"]));
    expect(op?.description).toMatch(/cannot be reopened/);
    expect(op?.description).toMatch(/API key is revoked/);
    expect(op?.description).toMatch(/retention date/);
  });

  it("refuses an admin key, a name that is not exactly the organisation's, and no key, and asks for nothing", async () => {
    expect(await call("POST", "/organization/close", { key: B.keys.admin, body: { confirmName: B.name } })).toMatchObject({ status: 403 });
    const wrong = await call("POST", "/organization/close", { key: B.keys.owner, body: { confirmName: B.name.toUpperCase() } });
    expect(wrong).toMatchObject({ status: 400 });
    expect(JSON.stringify(wrong.json.error)).toContain("confirmName");
    // Another organisation's name does not close this one either.
    expect(await call("POST", "/organization/close", { key: B.keys.owner, body: { confirmName: A.name } })).toMatchObject({ status: 400 });
    expect(await call("POST", "/organization/close", { key: B.keys.owner, body: {} })).toMatchObject({ status: 400 });
    expect(await call("POST", "/organization/close", { body: { confirmName: B.name } })).toMatchObject({ status: 401 });
    expect((await call("GET", "/guarded-requests", { key: B.keys.admin })).json.items).toEqual([]);
  });

  it("answers 202 with a pending request and changes nothing; once approved and past the delay the organisation is closed, its sources removed and its keys revoked, while its backups stay readable", async () => {
    const asked = await call("POST", "/organization/close", { key: B.keys.owner, body: { confirmName: B.name } });
    expect(asked).toMatchObject({ status: 202, json: { kind: "organization.close", status: "pending", params: {}, requestedBy: { type: "api_key" } } });
    const requestId = String(asked.json.id);
    const before = await call("GET", `/organizations/${B.tenantId}`, { key: B.keys.viewer });
    expect(before).toMatchObject({ status: 200, json: { closedAt: null } });
    expect((await call("GET", `/sources/${B.sourceId}`, { key: B.keys.viewer })).json.status).not.toBe("removed");

    await guardApprove(t.guard.db, requestId, B.ownerUserId);
    await sleep(2100);
    expect(await guardApply(t.guard.db, requestId)).toEqual({ status: "executed", failure: null });

    // Every key is revoked, the one that asked included.
    expect((await call("GET", `/organizations/${B.tenantId}`, { key: B.keys.viewer })).status).toBe(401);
    expect((await call("POST", "/organization/close", { key: B.keys.owner, body: { confirmName: B.name } })).status).toBe(401);

    // The members still see it, closed, with its backups.
    const owner = as(B.ownerUserId);
    const org = await owner.organization.get({ orgId: B.tenantId });
    expect(Date.parse(String(org.closedAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(await owner.sources.get({ orgId: B.tenantId, id: B.sourceId })).toMatchObject({ status: "removed" });
    const versions = await owner.catalogue.search({ orgId: B.tenantId, text: "handbook" });
    expect(versions.items.map((v) => v.name)).toEqual(["staff handbook.txt"]);

    // Nothing left to close.
    await expect(owner.organization.close({ orgId: B.tenantId, confirmName: B.name })).rejects.toMatchObject({ code: "CONFLICT" });
  }, 60_000);

  it("the console's organization.close asks as the signed-in owner; another organisation's owner cannot reach it", async () => {
    const request = await as(A.ownerUserId).organization.close({ orgId: A.tenantId, confirmName: A.name });
    expect(request).toMatchObject({ kind: "organization.close", status: "pending", requestedBy: { type: "user", userId: A.ownerUserId } });
    expect(request.summary).toContain(A.name);
    await expect(as(B.ownerUserId).organization.close({ orgId: A.tenantId, confirmName: A.name })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(as(A.ownerUserId).organization.close({ orgId: A.tenantId, confirmName: "not it" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
