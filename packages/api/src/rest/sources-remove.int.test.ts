// DELETE /sources/{id} and the console's sources.remove against a real Postgres (RLS on, app role)
// and a real Temporal dev server with NO worker on the task queue: the request's workflow is
// started and just waits, and the test plays the guard itself (approve with the guard's
// credential, wait out the delay, apply), as guard.int.test.ts does.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, guardApply, guardApprove, registerSource, signUp, type Role, type TenantContext } from "@holdfast/services";
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

const taskQueue = `rest-source-remove-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let handle: RestHandler;

type Json = Record<string, unknown> & { id?: string; error?: { code: string; message: string } };

async function call(method: string, path: string, opts: { key?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await handle(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json };
}

async function tenant(label: string) {
  const { userId, organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const setup: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(setup, { name: `${role} key`, role })).key;
  const source = async (name: string) => (await registerSource(setup, { provider: "google", displayName: name, credentials: { refreshToken: "1//refresh" } })).id;
  // Short, so the test can wait it out (as the owner role: the app role cannot shorten it).
  await t.owner.pool.query("update organizations set guard_delay_seconds = 2 where id = $1", [organization.id]);
  return { tenantId: organization.id, ownerUserId: userId, admin: await key("admin"), viewer: await key("viewer"), source };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("rest-source-remove"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
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

describe("DELETE /sources/{id}", () => {
  it("is documented as a guarded request: 202 with the request, and its errors", () => {
    const op = openApiDocument().paths["/sources/{id}"]?.delete;
    expect(op?.operationId).toBe("removeSource");
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(["202", "403", "404", "409", "503"]));
    expect(op?.description).toMatch(/credentials/);
    expect(op?.description).toMatch(/retention date/);
    expect(op?.description).toMatch(/cooling-off delay/);
  });

  it("refuses a viewer, an unknown or foreign source and a malformed id, and asks for nothing", async () => {
    const id = await A.source("refused.example");
    expect(await call("DELETE", `/sources/${id}`, { key: A.viewer })).toMatchObject({ status: 403 });
    expect(await call("DELETE", `/sources/${id}`, { key: B.admin })).toMatchObject({ status: 404 });
    expect(await call("DELETE", "/sources/00000000-0000-4000-8000-000000000000", { key: A.admin })).toMatchObject({ status: 404 });
    expect(await call("DELETE", "/sources/not-an-id", { key: A.admin })).toMatchObject({ status: 400 });
    expect(await call("DELETE", `/sources/${id}`)).toMatchObject({ status: 401 });
    const open = await call("GET", "/guarded-requests", { key: A.admin });
    expect(open.json.items).toEqual([]);
  });

  it("answers 202 with a pending request and changes nothing; once approved and past the delay the source is removed, and asking again is 409", async () => {
    const id = await A.source("doomed.example");
    const asked = await call("DELETE", `/sources/${id}`, { key: A.admin });
    expect(asked).toMatchObject({ status: 202, json: { kind: "source.remove", status: "pending", params: { sourceId: id }, requestedBy: { type: "api_key" } } });
    expect(String(asked.json.summary)).toContain("doomed.example");
    const requestId = String(asked.json.id);

    // Asked, not done: the source is as it was until a second person approves and the delay passes.
    const before = await call("GET", `/sources/${id}`, { key: A.viewer });
    expect(before.json.status).not.toBe("removed");
    expect(before.json.removedAt).toBeNull();
    expect((await call("GET", "/guarded-requests", { key: A.viewer })).json.items).toEqual([expect.objectContaining({ id: requestId, kind: "source.remove" })]);

    await guardApprove(t.guard.db, requestId, A.ownerUserId);
    await sleep(2100);
    expect(await guardApply(t.guard.db, requestId)).toEqual({ status: "executed", failure: null });

    const after = await call("GET", `/sources/${id}`, { key: A.viewer });
    expect(after.json).toMatchObject({ status: "removed", nextRunAt: null });
    expect(Date.parse(String(after.json.removedAt))).toBeGreaterThan(Date.now() - 60_000);
    // Still listed: its backups stay reachable until their retention dates.
    expect((await call("GET", "/sources", { key: A.viewer })).json.items).toEqual(expect.arrayContaining([expect.objectContaining({ id, status: "removed" })]));

    const again = await call("DELETE", `/sources/${id}`, { key: A.admin });
    expect(again).toMatchObject({ status: 409, json: { error: { code: "conflict" } } });
    expect(again.json.error?.message).toContain(String(after.json.removedAt).slice(0, 10));
    expect((await call("PATCH", `/sources/${id}`, { key: A.admin, body: { displayName: "Back again" } })).status).toBe(409);
  }, 60_000);
});

describe("the console's sources.remove", () => {
  const as = (userId: string) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "source-remove-trpc", jobs }));

  it("asks for the removal as the signed-in owner; another organisation's owner finds neither the source nor the organisation", async () => {
    const id = await A.source("console.example");
    const request = await as(A.ownerUserId).sources.remove({ orgId: A.tenantId, id });
    expect(request).toMatchObject({ kind: "source.remove", status: "pending", params: { sourceId: id }, requestedBy: { type: "user", userId: A.ownerUserId } });
    await expect(as(B.ownerUserId).sources.remove({ orgId: B.tenantId, id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(as(B.ownerUserId).sources.remove({ orgId: A.tenantId, id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
