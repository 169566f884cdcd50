// Guarded requests over /api/v1 (and the console's approve) against a real Postgres (RLS on, app
// role) and a real Temporal dev server with NO worker on the task queue: each request's workflow
// is started and just waits, so what is asserted here is what the API and the database decide.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, DEFAULT_RETENTION_POLICY, signUp, type Role, type TenantContext } from "@holdfast/services";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsPort } from "../jobs/port";
import { createTemporalJobs } from "../jobs/temporal";
import { createTrpcContext } from "../trpc/context";
import { createCaller } from "../trpc/router";
import { createRestHandler, type RestHandler } from "./handler";
import { BASE, memoryLogger } from "./test-support";

process.env.LOG_LEVEL ??= "silent";
process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const D = DEFAULT_RETENTION_POLICY;
const taskQueue = `rest-guard-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let handle: RestHandler;

type Json = Record<string, unknown> & {
  items?: Record<string, unknown>[];
  request?: Record<string, unknown> & { id: string };
  error?: { code: string; message: string };
};

async function call(method: string, path: string, opts: { key?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await handle(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json };
}

async function tenant(label: string) {
  const { organization } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const setup: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(setup, { name: `${role} key`, role })).key;
  return { tenantId: organization.id, owner: await key("owner"), admin: await key("admin"), viewer: await key("viewer") };
}

async function trpcCode(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("rest-guard"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger, jobs });
  [A, B] = await Promise.all([tenant("acme"), tenant("other")]);
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
});

describe("guarded requests over /api/v1", () => {
  let requestId = "";

  it("PUT /retention/policy: a lengthening is 200 applied, a shortening is 202 with a pending request that GET /guarded-requests lists", async () => {
    const longer = { ...D, yearly: 10 };
    expect(await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "organization", policy: longer } })).toMatchObject({ status: 200, json: { outcome: "applied", comparison: "longer" } });

    const shorter = await call("PUT", "/retention/policy", { key: A.admin, body: { scope: "organization", policy: { ...longer, daily: 7 } } });
    expect(shorter.status).toBe(202);
    expect(shorter.json).toMatchObject({ outcome: "requested", request: { kind: "retention.shorten", status: "pending", requestedBy: { type: "api_key" }, approvedBy: null } });
    requestId = shorter.json.request?.id ?? "";
    // Nothing changed yet: it waits for a second person and the delay.
    expect((await call("GET", "/retention", { key: A.viewer })).json).toMatchObject({ effective: longer });
    // Its workflow really was started (and waits: no worker polls this queue).
    expect((await env.client.workflow.getHandle(`guarded-request:${requestId}`).describe()).status.name).toBe("RUNNING");

    const list = await call("GET", "/guarded-requests", { key: A.viewer });
    expect(list.status).toBe(200);
    expect(list.json.items?.map((r) => [r.id, r.status])).toEqual([[requestId, "pending"]]);
    expect(await call("GET", `/guarded-requests/${requestId}`, { key: A.viewer })).toMatchObject({ status: 200, json: { id: requestId, kind: "retention.shorten" } });
    expect((await call("GET", "/guarded-requests?filter=nope", { key: A.viewer })).status).toBe(400);
  });

  it("another organisation's request is 404 to read or cancel, and invisible in its list", async () => {
    expect((await call("GET", `/guarded-requests/${requestId}`, { key: B.admin })).status).toBe(404);
    expect((await call("POST", `/guarded-requests/${requestId}/cancel`, { key: B.admin, body: {} })).status).toBe(404);
    expect((await call("GET", "/guarded-requests?filter=all", { key: B.admin })).json.items).toEqual([]);
    expect((await call("GET", "/guarded-requests/not-a-uuid", { key: A.admin })).status).toBe(400);
  });

  it("there is no way to approve with an API key", async () => {
    expect((await call("POST", `/guarded-requests/${requestId}/approve`, { key: A.owner, body: { code: "123456" } })).status).toBe(404);
    const doc = await call("GET", "/openapi.json");
    const paths = doc.json.paths as Record<string, Record<string, { operationId: string; tags: string[] }>>;
    const guarded = Object.values(paths).flatMap((item) => Object.values(item).filter((op) => op.tags.includes("Guarded requests")));
    expect(guarded.map((op) => op.operationId).sort()).toEqual(["cancelGuardedRequest", "getGuardSettings", "getGuardedRequest", "listGuardedRequests", "setGuardDelay", "setGuardian"]);
    expect(JSON.stringify(Object.keys(paths))).not.toMatch(/approve/);
    expect(Object.keys(paths["/retention/policy"]?.put ?? {})).toContain("responses");
    expect(Object.keys((paths["/retention/policy"]?.put as unknown as { responses: Record<string, unknown> }).responses)).toEqual(expect.arrayContaining(["200", "202"]));
  });

  it("POST /guarded-requests/{id}/cancel: a viewer key is 403, an admin key cancels (200), a second cancel is 409", async () => {
    const viewer = await call("POST", `/guarded-requests/${requestId}/cancel`, { key: A.viewer, body: {} });
    expect(viewer.status).toBe(403);
    expect(viewer.json.error?.code).toBe("forbidden");

    const cancelled = await call("POST", `/guarded-requests/${requestId}/cancel`, { key: A.admin, body: { reason: "changed our minds" } });
    expect(cancelled).toMatchObject({ status: 200, json: { id: requestId, status: "cancelled", cancelledBy: { type: "api_key" }, cancelReason: "changed our minds" } });
    const again = await call("POST", `/guarded-requests/${requestId}/cancel`, { key: A.admin, body: {} });
    expect(again.status).toBe(409);
    expect(again.json.error?.code).toBe("conflict");

    expect((await call("GET", "/guarded-requests", { key: A.viewer })).json.items).toEqual([]);
    expect((await call("GET", "/guarded-requests?filter=all", { key: A.viewer })).json.items?.map((r) => [r.id, r.status])).toEqual([[requestId, "cancelled"]]);
  });

  it("/guard-settings: reads the delay; lengthening is 200 applied, shortening is 202 requested; only the owner role may", async () => {
    const before = await call("GET", "/guard-settings", { key: A.viewer });
    expect(before).toMatchObject({ status: 200, json: { delayHours: 72 } });
    expect(typeof before.json.effectiveDelaySeconds).toBe("number");

    expect((await call("PUT", "/guard-settings", { key: A.admin, body: { hours: 96 } })).status).toBe(403);
    const longer = await call("PUT", "/guard-settings", { key: A.owner, body: { hours: 96 } });
    expect(longer).toMatchObject({ status: 200, json: { outcome: "applied", result: { delayHours: 96 } } });
    expect((await call("GET", "/guard-settings", { key: A.viewer })).json).toMatchObject({ delayHours: 96 });

    const shorter = await call("PUT", "/guard-settings", { key: A.owner, body: { hours: 24 } });
    expect(shorter).toMatchObject({ status: 202, json: { outcome: "requested", request: { kind: "guard_delay.shorten", status: "pending" } } });
    expect((await call("GET", "/guard-settings", { key: A.viewer })).json).toMatchObject({ delayHours: 96 });
    expect((await call("PUT", "/guard-settings", { key: A.owner, body: { hours: 0 } })).status).toBe(400);
  });
});

describe("approving from the console (tRPC)", () => {
  it("refuses the requester, and a second admin without two-factor authentication, as FORBIDDEN", async () => {
    const as = (userId: string) => createCaller(createTrpcContext({ db: t.app.db, userId, requestId: "guard-int", jobs }));
    const owner = await signUp(t.app.db, { email: `olga-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: "Olga Ltd" });
    const adamEmail = `adam-${randomBytes(3).toString("hex")}@example.test`;
    const second = await signUp(t.app.db, { email: adamEmail, password: "a long enough password", organizationName: "Adam Ltd" });
    const orgId = owner.organization.id;
    const olga = as(owner.userId);
    const adam = as(second.userId);
    const { token } = await olga.members.invite({ orgId, email: adamEmail, role: "admin" });
    await adam.me.acceptInvitation({ token });

    const asked = await olga.guard.setDelay({ orgId, hours: 24 });
    expect(asked).toMatchObject({ outcome: "requested", request: { kind: "guard_delay.shorten", status: "pending" } });
    if (asked.outcome !== "requested") throw new Error("expected a request");
    const id = asked.request.id;

    const byRequester = await trpcCode(olga.guard.approve({ orgId, id, code: "123456" }));
    expect(byRequester.code).toBe("FORBIDDEN");
    expect(byRequester.message).toMatch(/someone other than the person who made it/);
    const noTotp = await trpcCode(adam.guard.approve({ orgId, id, code: "123456" }));
    expect(noTotp.code).toBe("FORBIDDEN");
    expect(noTotp.message).toMatch(/two-factor/);
    expect(await adam.guard.get({ orgId, id })).toMatchObject({ status: "pending", approvedBy: null });
    // The second admin may still cancel it.
    expect(await adam.guard.cancel({ orgId, id })).toMatchObject({ status: "cancelled", cancelledBy: { type: "user", id: second.userId } });
    expect(await olga.guard.settings({ orgId })).toMatchObject({ delayHours: 72 });
  });
});
