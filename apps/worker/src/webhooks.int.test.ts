// The webhook sender on the real servers: the worker upserts its every-minute schedule, and a run
// POSTs a tenant's queued announcement to its endpoint (a real node:http receiver), signed with the
// endpoint's secret; a second run finds nothing due.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { createWebhook, signUp, verifyWebhookSignature, type TenantContext, type WebhookEvent } from "@holdfast/services";
import { WEBHOOK_DELIVERIES_SCHEDULE_ID, webhookDeliveriesWorkflowId, type WebhookDeliveriesResult } from "@holdfast/workflows/activities";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createWebhookPorts } from "./webhook-ports";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");
process.env.WEBHOOK_ALLOW_HTTP = "1";

let t: TestDatabase;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("webhooksworker"), createTestTemporal()]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await t?.drop();
});

describe("the webhook sender", () => {
  it("runs on a one-minute schedule and delivers a tenant's queued events, signed", async () => {
    const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const email = `webhooks-${randomBytes(3).toString("hex")}@example.test`;
    const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: "Webhooks Ltd" });
    const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
    const { secret } = await createWebhook(owner, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
    const taskQueue = `webhooks-${randomUUID()}`;
    const running = await startSuiteWorker(env, {
      db: t.worker.db,
      taskQueue,
      webhooks: createWebhookPorts({ db: t.worker.db, deliver: { allowPrivate: true } }),
    });
    try {
      const handle = env.client.schedule.getHandle(WEBHOOK_DELIVERIES_SCHEDULE_ID);
      // Paused so its own minute cannot race the run started below.
      await handle.pause("test runs it by hand");
      const schedule = await handle.describe();
      expect(schedule.action).toMatchObject({ type: "startWorkflow", workflowType: "webhookDeliveries", taskQueue });
      expect(schedule.spec.intervals?.map((i) => i.every)).toEqual([60_000]);
      expect(schedule.policies.overlap).toBe("SKIP");
      const run = () => env.client.workflow.execute("webhookDeliveries", { taskQueue, workflowId: webhookDeliveriesWorkflowId(randomUUID()), args: [{}] }) as Promise<WebhookDeliveriesResult>;
      expect(await run()).toEqual({ tenants: 1, delivered: 1, retried: 0, failed: 0, errors: [] });
      expect(got).toHaveLength(1);
      expect((JSON.parse(got[0]!.body) as WebhookEvent).type).toBe("webhook.created");
      expect(verifyWebhookSignature(secret, got[0]!.headers["holdfast-signature"] as string, got[0]!.body)).toBe(true);
      expect(await run()).toEqual({ tenants: 0, delivered: 0, retried: 0, failed: 0, errors: [] });
    } finally {
      running.shutdown();
      await running.done;
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
