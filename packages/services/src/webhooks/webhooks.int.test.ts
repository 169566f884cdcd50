// Webhooks (issue 7: every announcement by email "plus webhook") against a real database and a real
// local HTTP receiver (node:http on 127.0.0.1): what is queued, what is POSTed and how it is signed,
// retries and giving up, the SSRF refusal, removal only through the guard, and tenancy.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { open, totpCode } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { sql, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  announceToAdmins,
  approveGuardedRequest,
  confirmTotpEnrolment,
  createWebhook,
  deliverDueWebhooks,
  guardApply,
  guardApprove,
  GuardRefusedError,
  inviteMember,
  listAuditEvents,
  listWebhookDeliveries,
  listWebhooks,
  removeWebhook,
  sendTestWebhook,
  signUp,
  startTotpEnrolment,
  verifyWebhookSignature,
  webhookTenantsDue,
  WEBHOOK_MAX_ATTEMPTS,
  type GuardRunner,
  type TenantContext,
  type WebhookEvent,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
process.env.WEBHOOK_ALLOW_HTTP = "1";

let t: TestDatabase;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real receiver: answers each request with the next status in `statuses` (the last one repeats). */
async function receiver(statuses: number[] = [200]) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 300 ? `upstream broke ${"x".repeat(1000)}` : "ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { got, port, url: (path = "/hook") => `http://127.0.0.1:${port}${path}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function directRunner(): GuardRunner {
  return {
    startGuardedRequest: () => Promise.resolve(),
    async approveGuardedRequest({ workflowId, userId }) {
      try {
        await guardApprove(t.guard.db, workflowId.replace(/^guarded-request:/, ""), userId);
        return { approved: true };
      } catch (err) {
        if (err instanceof GuardRefusedError) return { approved: false, code: err.code, reason: err.message };
        throw err;
      }
    },
    signalGuardedRequestCancelled: () => Promise.resolve(),
  };
}

async function newOrg(label: string) {
  const tag = randomBytes(3).toString("hex");
  const email = `${label}-${tag}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} ${tag} Ltd` });
  const tenantId = organization.id;
  const owner: TenantContext = { db: t.app.db, tenantId, actor: { type: "user", id: userId }, role: "owner" };
  const join = async (name: string, role: "admin" | "viewer") => {
    const mail = `${name}-${randomBytes(3).toString("hex")}@example.test`;
    const { userId: id } = await signUp(t.app.db, { email: mail, password: "a long enough password", organizationName: `${name}'s own` });
    const { token } = await inviteMember(owner, { email: mail, role });
    await acceptInvitation(t.app.db, id, token);
    return { userId: id, ctx: { db: t.app.db, tenantId, actor: { type: "user", id }, role } as TenantContext };
  };
  return { tenantId, owner, email, name: `${label} ${tag} Ltd`, join };
}

const deliveryRows = (tenantId: string) =>
  t.owner.pool
    .query<{ id: string; endpoint_id: string; event_id: string; event_type: string; status: string; attempts: number; next_attempt_at: Date; last_status_code: number | null; last_error: string | null }>(
      "select * from webhook_deliveries where tenant_id = $1 order by created_at",
      [tenantId],
    )
    .then((r) => r.rows);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await createTestDatabase("webhooks");
  // The platform's floor on the cooling-off delay, lowered as a test environment may (the removal test waits a second).
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
});

afterAll(async () => {
  await t?.drop();
});

describe("adding an endpoint", () => {
  it("shows the secret once, stores it only sealed, audits and announces it", async () => {
    const A = await newOrg("wh-create");
    const before = await createWebhook(A.owner, { url: "https://hooks.example.test/a", description: "SIEM" });
    const created = await createWebhook(A.owner, { url: "https://hooks.example.test/b" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.endpoint).toMatchObject({ url: "https://hooks.example.test/b", secretPrefix: created.secret.slice(0, 10), disabledAt: null, removalRequestId: null });
    const listed = await listWebhooks(A.owner);
    expect(listed.map((e) => e.id)).toEqual([created.endpoint.id, before.endpoint.id]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const [stored] = (await t.owner.pool.query<{ secret_enc: string }>("select secret_enc from webhook_endpoints where id = $1", [created.endpoint.id])).rows;
    expect(stored!.secret_enc).toMatch(/^v1\./);
    expect(stored!.secret_enc).not.toContain(created.secret.slice(6));
    expect(open(kekConfig().kek, stored!.secret_enc, `webhook-secret:${created.endpoint.id}`)).toBe(created.secret);
    const [audited] = (await listAuditEvents(A.owner, { action: "webhook.created" })).items;
    expect(audited).toMatchObject({ targetId: created.endpoint.id, metadata: { url: "https://hooks.example.test/b" } });
    expect(JSON.stringify(audited)).not.toContain(created.secret);
    // The second endpoint's addition went (as an event) to the first one, which existed already, and to itself.
    const announced = (await deliveryRows(A.tenantId)).filter((d) => d.event_type === "webhook.created");
    expect(announced.filter((d) => d.endpoint_id === before.endpoint.id)).toHaveLength(2);
    expect(announced.filter((d) => d.endpoint_id === created.endpoint.id)).toHaveLength(1);
  });

  it("refuses http without WEBHOOK_ALLOW_HTTP, credentials in the URL, non-URLs, and non-admins, naming the problem", async () => {
    const A = await newOrg("wh-refuse");
    process.env.WEBHOOK_ALLOW_HTTP = "0";
    try {
      await expect(createWebhook(A.owner, { url: "http://hooks.example.test/x" })).rejects.toMatchObject({ code: "VALIDATION", message: "url must use https:// (it uses http://)" });
    } finally {
      process.env.WEBHOOK_ALLOW_HTTP = "1";
    }
    await expect(createWebhook(A.owner, { url: "https://user:pw@hooks.example.test/x" })).rejects.toThrow(/^url must not contain a user name or password/);
    await expect(createWebhook(A.owner, { url: "ftp://hooks.example.test/x" })).rejects.toMatchObject({ code: "VALIDATION", message: "url must use https:// (it uses ftp://)" });
    await expect(createWebhook(A.owner, { url: "not a url" })).rejects.toMatchObject({ code: "VALIDATION", message: "url must be a URL such as https://example.com/holdfast" });
    const viewer = await A.join("viewer", "viewer");
    expect(await codeOf(createWebhook(viewer.ctx, { url: "https://hooks.example.test/x" }))).toBe("FORBIDDEN");
    expect(await codeOf(listWebhooks(viewer.ctx))).toBe("FORBIDDEN");
    expect(await listWebhooks(A.owner)).toEqual([]);
    // A guardian is told everything the admins are, so may see where it goes (but not add or remove).
    await t.owner.pool.query("update memberships set guardian = true where user_id = $1 and tenant_id = $2", [viewer.userId, A.tenantId]);
    expect(await listWebhooks(viewer.ctx)).toEqual([]);
    expect(await codeOf(createWebhook(viewer.ctx, { url: "https://hooks.example.test/x" }))).toBe("FORBIDDEN");
  });
});

describe("announcements and delivery", () => {
  it("queues one delivery per active endpoint with one event id, and POSTs a body whose signature verifies", async () => {
    const A = await newOrg("wh-deliver");
    const rx = await receiver([200]);
    try {
      const one = await createWebhook(A.owner, { url: rx.url("/one") });
      const two = await createWebhook(A.owner, { url: rx.url("/two") });
      await announceToAdmins(t.app.db, A.tenantId, { about: "retention.policy_changed", actor: A.owner.actor, subject: "retention was lengthened", text: "Retention was lengthened." });
      const queued = (await deliveryRows(A.tenantId)).filter((d) => d.event_type === "retention.policy_changed");
      expect(queued.map((d) => d.endpoint_id).sort()).toEqual([one.endpoint.id, two.endpoint.id].sort());
      expect(new Set(queued.map((d) => d.event_id)).size).toBe(1);

      expect(await webhookTenantsDue(t.app.db)).toContain(A.tenantId);
      const report = await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true });
      // Three webhook.created events (one to the first, two to the second… see above) and two announcements.
      expect(report).toEqual({ delivered: 5, retried: 0, failed: 0 });
      expect(await webhookTenantsDue(t.app.db)).not.toContain(A.tenantId);
      const hit = rx.got.find((r) => r.path === "/two" && (JSON.parse(r.body) as WebhookEvent).type === "retention.policy_changed")!;
      expect(hit.headers["content-type"]).toBe("application/json");
      expect(hit.headers["user-agent"]).toBe("Holdfast-Webhooks/1");
      expect(hit.headers["holdfast-event-id"]).toBe(queued[0]!.event_id);
      expect(verifyWebhookSignature(two.secret, hit.headers["holdfast-signature"] as string, hit.body)).toBe(true);
      expect(verifyWebhookSignature(one.secret, hit.headers["holdfast-signature"] as string, hit.body)).toBe(false);
      const event = JSON.parse(hit.body) as WebhookEvent;
      expect(event).toMatchObject({
        id: queued[0]!.event_id,
        type: "retention.policy_changed",
        organization: { id: A.tenantId, name: A.name },
        actor: { type: "user", id: A.owner.actor.id, name: A.email },
        subject: `[Holdfast] ${A.name}: retention was lengthened`,
      });
      expect(event.text).toContain("Retention was lengthened.");
      expect(event.text).toContain(`By: ${A.email}`);
      expect(hit.body).not.toContain(two.secret);
      const [last] = await listWebhookDeliveries(A.owner, two.endpoint.id, { limit: 1 });
      expect(last).toMatchObject({ eventType: "retention.policy_changed", status: "delivered", attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
      expect((await listWebhooks(A.owner)).find((e) => e.id === two.endpoint.id)?.lastDelivery?.id).toBe(last!.id);
    } finally {
      await rx.close();
    }
  });

  it("a 500 is retried after the back-off, then delivered; a test event goes to its endpoint only and is audited", async () => {
    const A = await newOrg("wh-retry");
    const rx = await receiver([500, 200]);
    const other = await receiver([200]);
    try {
      const ep = await createWebhook(A.owner, { url: rx.url() });
      const quiet = await createWebhook(A.owner, { url: other.url() });
      // Only the test event is wanted here: the two webhook.created events are delivered first.
      await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true, fetch: () => Promise.resolve({ status: 204, headers: { get: () => null }, text: () => Promise.resolve("") }) });
      const test = await sendTestWebhook(A.owner, ep.endpoint.id);
      expect(test).toMatchObject({ eventType: "webhook.test", status: "pending", attempts: 0 });
      const [audited] = (await listAuditEvents(A.owner, { action: "webhook.test_sent" })).items;
      expect(audited).toMatchObject({ targetId: ep.endpoint.id });
      const now = new Date(Date.now() + 1000);
      expect(await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true, now })).toEqual({ delivered: 0, retried: 1, failed: 0 });
      let [row] = (await listWebhookDeliveries(A.owner, ep.endpoint.id, { limit: 1 }));
      expect(row).toMatchObject({ id: test.id, status: "pending", attempts: 1, lastStatusCode: 500 });
      expect(row!.lastError).toMatch(/^HTTP 500: upstream broke x+…$/);
      expect(row!.lastError!.length).toBeLessThanOrEqual(300);
      expect(new Date(row!.nextAttemptAt!).getTime()).toBe(now.getTime() + 30_000);
      // Not yet due…
      expect(await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true, now: new Date(now.getTime() + 29_000) })).toEqual({ delivered: 0, retried: 0, failed: 0 });
      // …then due, and delivered.
      expect(await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true, now: new Date(now.getTime() + 31_000) })).toEqual({ delivered: 1, retried: 0, failed: 0 });
      [row] = await listWebhookDeliveries(A.owner, ep.endpoint.id, { limit: 1 });
      expect(row).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200, lastError: null });
      expect(rx.got).toHaveLength(2);
      expect(rx.got[0]!.headers["holdfast-event-id"]).toBe(rx.got[1]!.headers["holdfast-event-id"]);
      expect(other.got).toEqual([]);
      expect((await listWebhookDeliveries(A.owner, quiet.endpoint.id)).map((d) => d.eventType)).toEqual(["webhook.created"]);
    } finally {
      await rx.close();
      await other.close();
    }
  });

  it("gives up after WEBHOOK_MAX_ATTEMPTS, audited as webhook.delivery_failed without the secret", async () => {
    const A = await newOrg("wh-giveup");
    const rx = await receiver([503]);
    try {
      const ep = await createWebhook(A.owner, { url: rx.url() });
      let now = new Date(Date.now() + 1000);
      const reports = [];
      for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS; i++) {
        reports.push(await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true, now }));
        now = new Date(now.getTime() + 3_600_000 + 1000);
      }
      expect(reports.slice(0, -1).every((r) => r.retried === 1 && r.failed === 0)).toBe(true);
      expect(reports.at(-1)).toEqual({ delivered: 0, retried: 0, failed: 1 });
      expect(await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true, now })).toEqual({ delivered: 0, retried: 0, failed: 0 });
      expect(rx.got).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
      const [d] = await listWebhookDeliveries(A.owner, ep.endpoint.id);
      expect(d).toMatchObject({ status: "failed", attempts: WEBHOOK_MAX_ATTEMPTS, lastStatusCode: 503, nextAttemptAt: null });
      const [failed, ...more] = (await listAuditEvents(A.owner, { action: "webhook.delivery_failed" })).items;
      expect(more).toEqual([]);
      expect(failed).toMatchObject({ actorType: "system", actorId: "webhooks", targetId: ep.endpoint.id, metadata: { deliveryId: d!.id, attempts: WEBHOOK_MAX_ATTEMPTS, lastStatusCode: 503 } });
      expect(JSON.stringify(failed)).not.toContain(ep.secret);
    } finally {
      await rx.close();
    }
  });

  it("refuses loopback and private addresses unless allowPrivate, by IP and by name, and records why", async () => {
    const A = await newOrg("wh-ssrf");
    const rx = await receiver([200]);
    try {
      const byIp = await createWebhook(A.owner, { url: rx.url("/ip") });
      const byName = await createWebhook(A.owner, { url: `http://localhost:${rx.port}/name` });
      const now = new Date(Date.now() + 1000);
      const report = await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: false, now });
      expect(report).toEqual({ delivered: 0, retried: 3, failed: 0 });
      expect(rx.got).toEqual([]);
      const [ip] = await listWebhookDeliveries(A.owner, byIp.endpoint.id);
      expect(ip).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
      expect(ip!.lastError).toMatch(/^refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback, private or reserved address/);
      const [name] = await listWebhookDeliveries(A.owner, byName.endpoint.id);
      expect(name!.lastError).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback, private or reserved address/);
    } finally {
      await rx.close();
    }
  });
});

describe("removal and tenancy", () => {
  it("removal is a guarded request; once approved and applied the endpoint is disabled and gets nothing more", async () => {
    const A = await newOrg("wh-remove");
    const admin = await A.join("admin", "admin");
    const { secret } = await startTotpEnrolment(t.app.db, admin.userId);
    await confirmTotpEnrolment(t.app.db, admin.userId, totpCode(secret));
    await t.owner.pool.query("update organizations set guard_delay_seconds = 1 where id = $1", [A.tenantId]);
    const rx = await receiver([200]);
    try {
      const ep = await createWebhook(A.owner, { url: rx.url() });
      const runner = directRunner();
      const request = await removeWebhook(A.owner, ep.endpoint.id, { guard: runner });
      expect(request).toMatchObject({ kind: "webhook.remove", status: "pending", params: { endpointId: ep.endpoint.id } });
      expect(request.summary).toContain(rx.url());
      expect(await codeOf(removeWebhook(A.owner, ep.endpoint.id, { guard: runner }))).toBe("CONFLICT");
      // Until it runs, the endpoint is active and names the open request.
      expect((await listWebhooks(A.owner))[0]).toMatchObject({ disabledAt: null, removalRequestId: request.id });
      await approveGuardedRequest(admin.ctx, request.id, { code: totpCode(secret) }, runner);
      await sleep(1100);
      expect(await guardApply(t.guard.db, request.id)).toEqual({ status: "executed", failure: null });
      const [after] = await listWebhooks(A.owner);
      expect(after).toMatchObject({ id: ep.endpoint.id, removalRequestId: null });
      expect(after!.disabledAt).not.toBeNull();
      // Its pending delivery (the webhook.created event) was failed by the guard; nothing new is queued for it.
      expect((await listWebhookDeliveries(A.owner, ep.endpoint.id)).map((d) => d.status)).toEqual(["failed"]);
      await announceToAdmins(t.app.db, A.tenantId, { about: "retention.legal_hold_placed", actor: A.owner.actor, subject: "a legal hold was placed", text: "A hold." });
      expect(await listWebhookDeliveries(A.owner, ep.endpoint.id)).toHaveLength(1);
      expect(await deliverDueWebhooks(t.app.db, A.tenantId, { allowPrivate: true })).toEqual({ delivered: 0, retried: 0, failed: 0 });
      expect(rx.got).toEqual([]);
      expect(await codeOf(removeWebhook(A.owner, ep.endpoint.id, { guard: runner }))).toBe("CONFLICT");
      expect(await codeOf(sendTestWebhook(A.owner, ep.endpoint.id))).toBe("CONFLICT");
    } finally {
      await rx.close();
    }
  });

  it("the application role cannot change, delete or add a disabled endpoint, and another tenant sees nothing", async () => {
    const A = await newOrg("wh-rls-a");
    const B = await newOrg("wh-rls-b");
    const ep = await createWebhook(A.owner, { url: "https://hooks.example.test/a" });
    const asApp = (q: ReturnType<typeof sql>) => withTenant(t.app.db, A.tenantId, (tx) => tx.execute(q)).then(() => "accepted", (e: Error & { cause?: { message?: string } }) => e.cause?.message ?? e.message);
    expect(await asApp(sql`update webhook_endpoints set url = 'https://evil.example.test/' where id = ${ep.endpoint.id}`)).toMatch(/permission denied/);
    expect(await asApp(sql`update webhook_endpoints set disabled_at = now() where id = ${ep.endpoint.id}`)).toMatch(/permission denied/);
    expect(await asApp(sql`delete from webhook_endpoints where id = ${ep.endpoint.id}`)).toMatch(/permission denied/);
    expect(await asApp(sql`insert into webhook_endpoints (tenant_id, url, secret_enc, secret_prefix, disabled_at) values (${A.tenantId}, 'https://x.example.test/', 'v1.a.b', 'whsec_x', now())`)).toMatch(
      /only the guard disables a webhook endpoint/,
    );
    expect(await listWebhooks(B.owner)).toEqual([]);
    expect(await codeOf(listWebhookDeliveries(B.owner, ep.endpoint.id))).toBe("NOT_FOUND");
    expect(await codeOf(removeWebhook(B.owner, ep.endpoint.id, { guard: directRunner() }))).toBe("NOT_FOUND");
    expect(await codeOf(sendTestWebhook(B.owner, ep.endpoint.id))).toBe("NOT_FOUND");
    expect(await codeOf(listWebhookDeliveries(A.owner, "not-a-uuid"))).toBe("NOT_FOUND");
    // B's sender run finds nothing of A's, and A's endpoint still has its one queued event.
    expect(await deliverDueWebhooks(t.app.db, B.tenantId, { allowPrivate: true })).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(await listWebhookDeliveries(A.owner, ep.endpoint.id)).toMatchObject([{ status: "pending", attempts: 0 }]);
  });
});
