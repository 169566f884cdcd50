// Webhook endpoints over /api/v1 (and the console's tRPC procedures) against a real Postgres (RLS
// on, app role) and a real Temporal dev server with NO worker on the task queue: a removal's
// guarded request is started and just waits, and no delivery is sent; what is asserted here is
// what the API and the database decide. Delivery itself is the services' and the worker's tests.
import { randomBytes } from "node:crypto";
import { testConfig } from "@holdfast/config";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createApiKey, signUp, type Role, type TenantContext } from "@holdfast/services";
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
// Production's rule, whatever the shell says: endpoints must be https.
process.env.WEBHOOK_ALLOW_HTTP = "0";

const taskQueue = `rest-webhooks-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let jobs: JobsPort;
let handle: RestHandler;

type Json = Record<string, unknown> & {
  items?: (Record<string, unknown> & { id: string })[];
  endpoint?: Record<string, unknown> & { id: string };
  secret?: string;
  request?: Record<string, unknown> & { id: string };
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

async function call(method: string, path: string, opts: { key?: string; body?: unknown; idem?: string } = {}): Promise<{ status: number; json: Json; headers: Headers }> {
  const headers: Record<string, string> = opts.key ? { authorization: `Bearer ${opts.key}` } : {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.idem !== undefined) headers["idempotency-key"] = opts.idem;
  const res = await handle(new Request(`${BASE}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  return { status: res.status, json: (await res.json()) as Json, headers: res.headers };
}

async function tenant(label: string) {
  const { organization, userId } = await signUp(t.app.db, { email: `${label}-${randomBytes(3).toString("hex")}@example.test`, password: "a long enough password", organizationName: `${label} Ltd` });
  const setup: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "system", id: "test-setup" }, role: "owner" };
  const key = async (role: Role) => (await createApiKey(setup, { name: `${role} key`, role })).key;
  return { tenantId: organization.id, userId, admin: await key("admin"), operator: await key("operator"), viewer: await key("viewer") };
}

let A: Awaited<ReturnType<typeof tenant>>;
let B: Awaited<ReturnType<typeof tenant>>;

beforeAll(async () => {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  [t, env] = await Promise.all([createTestDatabase("rest-webhooks"), TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } })]);
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
  handle = createRestHandler({ db: t.app.db, logger: memoryLogger().logger, jobs });
  [A, B] = await Promise.all([tenant("hooked"), tenant("other")]);
}, 240_000);

afterAll(async () => {
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
});

describe("webhooks over /api/v1", () => {
  let endpointId = "";
  let secret = "";

  it("POST /webhooks: 201 with the secret once; a retry with the same Idempotency-Key replays it and adds nothing", async () => {
    const body = { url: "https://hooks.example.com/holdfast", description: "SIEM" };
    const first = await call("POST", "/webhooks", { key: A.admin, body, idem: "add-siem-1" });
    expect(first.status).toBe(201);
    expect(first.json.endpoint).toMatchObject({ url: body.url, description: "SIEM", disabledAt: null, removalRequestId: null, lastDelivery: null });
    secret = first.json.secret ?? "";
    expect(secret).toMatch(/^whsec_/);
    endpointId = first.json.endpoint?.id ?? "";
    expect(first.json.endpoint?.secretPrefix).toBe(secret.slice(0, 10));

    const again = await call("POST", "/webhooks", { key: A.admin, body, idem: "add-siem-1" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.json.endpoint?.id).toBe(endpointId);

    const list = await call("GET", "/webhooks", { key: A.admin });
    expect(list.status).toBe(200);
    expect(list.json.items?.map((e) => e.id)).toEqual([endpointId]);
    // Never the secret again, anywhere in the list.
    expect(JSON.stringify(list.json)).not.toContain(secret);
  });

  it("refuses a plain-http URL or a non-URL with 400 naming `url`, and anyone below admin with 403", async () => {
    const http = await call("POST", "/webhooks", { key: A.admin, body: { url: "http://hooks.example.com/holdfast" } });
    expect(http.status).toBe(400);
    expect(http.json.error?.message).toMatch(/url must use https/);
    const notUrl = await call("POST", "/webhooks", { key: A.admin, body: { url: "hooks" } });
    expect(notUrl.status).toBe(400);
    expect(notUrl.json.error?.message).toContain("url");
    expect((await call("POST", "/webhooks", { key: A.admin, body: { url: "https://x.example.com", secret: "mine" } })).status).toBe(400);
    expect((await call("POST", "/webhooks", { key: A.operator, body: { url: "https://hooks.example.com/x" } })).status).toBe(403);
    expect((await call("GET", "/webhooks", { key: A.viewer })).status).toBe(403);
    expect((await call("POST", `/webhooks/${endpointId}/test`, { key: A.operator })).status).toBe(403);
    expect((await call("DELETE", `/webhooks/${endpointId}`, { key: A.viewer })).status).toBe(403);
  });

  it("POST /webhooks/{id}/test: 202 with a pending webhook.test delivery, first in GET /webhooks/{id}/deliveries", async () => {
    const test = await call("POST", `/webhooks/${endpointId}/test`, { key: A.admin });
    expect(test.status).toBe(202);
    expect(test.json).toMatchObject({ eventType: "webhook.test", status: "pending", attempts: 0, deliveredAt: null });

    const deliveries = await call("GET", `/webhooks/${endpointId}/deliveries?limit=1`, { key: A.admin });
    expect(deliveries.status).toBe(200);
    expect(deliveries.json.items).toHaveLength(1);
    expect(deliveries.json.items?.[0]?.id).toBe(test.json.id);
    const bad = await call("GET", `/webhooks/${endpointId}/deliveries?limit=500`, { key: A.admin });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.error)).toContain("limit");
    expect((await call("GET", "/webhooks", { key: A.admin })).json.items?.[0]?.lastDelivery).toMatchObject({ id: test.json.id, eventType: "webhook.test" });
  });

  it("DELETE /webhooks/{id}: 202 with a pending webhook.remove request; the endpoint stays active, shows the request, and a second ask is 409", async () => {
    const removed = await call("DELETE", `/webhooks/${endpointId}`, { key: A.admin });
    expect(removed.status).toBe(202);
    expect(removed.json).toMatchObject({ outcome: "requested", request: { kind: "webhook.remove", status: "pending", params: { endpointId }, requestedBy: { type: "api_key" } } });
    const requestId = removed.json.request?.id ?? "";
    expect((await env.client.workflow.getHandle(`guarded-request:${requestId}`).describe()).status.name).toBe("RUNNING");

    const [endpoint] = (await call("GET", "/webhooks", { key: A.admin })).json.items ?? [];
    expect(endpoint).toMatchObject({ id: endpointId, disabledAt: null, removalRequestId: requestId });
    // Still active until the request runs: a test can still be sent.
    expect((await call("POST", `/webhooks/${endpointId}/test`, { key: A.admin })).status).toBe(202);
    expect((await call("DELETE", `/webhooks/${endpointId}`, { key: A.admin })).status).toBe(409);
  });

  it("another organisation's endpoint is 404 to every operation, and absent from its list", async () => {
    expect((await call("GET", "/webhooks", { key: B.admin })).json.items).toEqual([]);
    expect((await call("GET", `/webhooks/${endpointId}/deliveries`, { key: B.admin })).status).toBe(404);
    expect((await call("POST", `/webhooks/${endpointId}/test`, { key: B.admin })).status).toBe(404);
    expect((await call("DELETE", `/webhooks/${endpointId}`, { key: B.admin })).status).toBe(404);
    expect((await call("DELETE", "/webhooks/not-a-uuid", { key: B.admin })).status).toBe(400);
  });

  it("the console's procedures answer the same: create with the secret, list, deliveries, remove as a request", async () => {
    const caller = createCaller(createTrpcContext({ db: t.app.db, userId: B.userId, requestId: "webhooks-int", jobs }));
    const orgId = B.tenantId;
    const created = await caller.webhooks.create({ orgId, url: "https://b.example.com/hook" });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.endpoint.description).toBe("");
    expect((await caller.webhooks.list({ orgId })).map((e) => e.id)).toEqual([created.endpoint.id]);
    const delivery = await caller.webhooks.test({ orgId, id: created.endpoint.id });
    expect((await caller.webhooks.deliveries({ orgId, id: created.endpoint.id })).map((d) => d.id)).toContain(delivery.id);
    const request = await caller.webhooks.remove({ orgId, id: created.endpoint.id });
    expect(request).toMatchObject({ kind: "webhook.remove", status: "pending", requestedBy: { type: "user", userId: B.userId } });
    const err = await caller.webhooks.create({ orgId, url: "ftp://b.example.com" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
  });
});
