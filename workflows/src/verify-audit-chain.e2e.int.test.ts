// End to end: the real workflow and real activities against a database of its own and a local
// Temporal dev server. A row edited behind the application's back is found at its seq.
import { randomUUID } from "node:crypto";
import { appendAuditEvent, organizations, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { MockActivityEnvironment, type TestWorkflowEnvironment } from "@temporalio/testing";
import { Worker } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorkflows, createTestTemporal } from "../test/temporal";
import { createActivities } from "./activities";
import {
  startVerifyAuditChain,
  type VerifyAuditChainInput,
  type VerifyAuditChainPageInput,
  type VerifyAuditChainPageResult,
} from "./index";

const A = randomUUID();
const B = randomUUID();
const EVENTS = 250;

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `e2e-${randomUUID()}`;

async function seedTenant(tenantId: string, events: number): Promise<void> {
  await withTenant(t.app.db, tenantId, async (tx) => {
    await tx.insert(organizations).values({ id: tenantId, name: `org ${tenantId}` });
    for (let i = 0; i < events; i++) {
      await appendAuditEvent(tx, { tenantId, actorType: "system", action: "test.event", targetType: "item", targetId: `item-${i}`, metadata: { i } });
    }
  });
}

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("wfaudit"), createTestTemporal()]);
  await seedTenant(A, EVENTS);
  await seedTenant(B, 30);
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? "default",
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    activities: createActivities({ db: t.worker.db }),
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker) {
    worker.shutdown();
    await running;
  }
  await env?.teardown();
  await t?.drop();
});

async function verify(input: VerifyAuditChainInput) {
  const handle = await startVerifyAuditChain(env.client, input, { taskQueue });
  return handle.result();
}

describe("verifyAuditChain against a real database", () => {
  it("the activity reads one page inside the tenant's scope", async () => {
    const { verifyAuditChainPage } = createActivities({ db: t.worker.db });
    const mock = new MockActivityEnvironment();
    const page = (input: VerifyAuditChainPageInput) => mock.run<[VerifyAuditChainPageInput], VerifyAuditChainPageResult, typeof verifyAuditChainPage>(verifyAuditChainPage, input);
    const first = await page({ tenantId: A, afterSeq: 0, prevHash: null, limit: 100 });
    expect(first).toMatchObject({ checked: 100, lastSeq: 100, done: false });
    const last = await page({ tenantId: A, afterSeq: 200, prevHash: first.lastHash, limit: 100 });
    // A cursor whose hash does not belong to seq 200 is itself a broken link.
    expect(last).toMatchObject({ checked: 0, lastSeq: 200, done: true, broken: { seq: 201, reason: "prev_hash_mismatch" } });
    const b = await page({ tenantId: B, afterSeq: 0, prevHash: null, limit: 1000 });
    expect(b).toMatchObject({ checked: 30, lastSeq: 30, done: true });
  });

  it("an intact chain of several pages verifies ok", async () => {
    expect(await verify({ tenantId: A, pageSize: 40 })).toEqual({ tenantId: A, checked: EVENTS, lastSeq: EVENTS, ok: true });
  });

  it("a tampered row is reported as the first broken link, at its seq", async () => {
    await t.owner.pool.query(`UPDATE audit_events SET metadata = '{"x":1}' WHERE tenant_id = $1 AND seq = 137`, [A]);
    const result = await verify({ tenantId: A, pageSize: 40 });
    expect(result).toMatchObject({ tenantId: A, ok: false, checked: 136, lastSeq: 136, firstBroken: { seq: 137, reason: "hash_mismatch" } });
    const { rows } = await t.owner.pool.query<{ id: string }>("SELECT id FROM audit_events WHERE tenant_id = $1 AND seq = 137", [A]);
    expect(result.firstBroken?.eventId).toBe(rows[0]?.id);
  });

  it("finds the same break across continue-as-new runs", async () => {
    const result = await verify({ tenantId: A, pageSize: 25, pagesPerRun: 2 });
    expect(result).toMatchObject({ ok: false, checked: 136, firstBroken: { seq: 137, reason: "hash_mismatch" } });
  });

  it("another tenant's chain is unaffected and verified in isolation", async () => {
    expect(await verify({ tenantId: B, pageSize: 7 })).toEqual({ tenantId: B, checked: 30, lastSeq: 30, ok: true });
  });
});
