// A pending request nobody was told about (issue 7; migration 0038): the application role can
// insert a row into guarded_requests — the database makes it pending with its own delay and its
// own workflow name — but no workflow announces it. The hourly protection check starts the
// workflow of every open request that has none running, so the owners, admins and guardians hear
// of it and can cancel it like any other. Real Temporal dev server, real worker, real Postgres and
// the stack's SMTP sink.
import { randomBytes, randomUUID } from "node:crypto";
import { createTemporalJobs, type JobsPort } from "@holdfast/api/jobs";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import { cancelGuardedRequest, getGuardedRequest } from "@holdfast/services";
import { guardedRequestWorkflowId, type GuardedRequestResult } from "@holdfast/workflows";
import { protectionCheckWorkflowId, type ProtectionCheckResult } from "@holdfast/workflows/activities";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolledPerson, mailSubjects } from "../test/people";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createGuardPorts } from "./guard-ports";
import { type RunningWorker } from "./main";
import { createProtectionPorts } from "./protection-ports";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

let t: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let jobs: JobsPort;
const taskQueue = `guard-orphans-${randomBytes(4).toString("hex")}`;

// The guarded request's own mail (each person also gets "joined as admin" and the like).
const subjects = async (email: string) => (await mailSubjects(email)).filter((s) => /^(requested|approved|cancelled|done|could not be done|lapsed): /.test(s));
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}
const runCheck = () => env.client.workflow.execute("protectionCheck", { taskQueue, workflowId: protectionCheckWorkflowId(randomUUID()), args: [{}] }) as Promise<ProtectionCheckResult>;

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("guardorphan"), createTestTemporal()]);
  worker = await startSuiteWorker(env, {
    db: t.worker.db,
    taskQueue,
    guard: createGuardPorts({ db: t.worker.db, guardDb: t.guard.db, publicUrl: "https://console.example.test" }),
    protection: createProtectionPorts({ db: t.worker.db, workerId: "orphan-test" }),
  });
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await worker?.done;
  await jobs?.close();
  await env?.teardown();
  await t?.drop();
});

describe("an open guarded request without a workflow", () => {
  it("is found by the hourly check, announced to every admin, and can be cancelled like any other", async () => {
    const owner = await enrolledPerson(t.app.db, null, "orphan-owner");
    const admin = await enrolledPerson(t.app.db, owner.ctx, "orphan-admin");
    const tenantId = owner.ctx.tenantId;

    // The intruder's insert, as the application role: approved, due now, its own workflow name.
    const c = await t.app.pool.connect();
    let forged: { id: string; status: string; workflow_id: string; delayed: boolean };
    try {
      await c.query("begin");
      await c.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
      const r = await c.query<typeof forged>(
        `insert into guarded_requests (tenant_id, kind, params, summary, requested_by_actor_type, requested_by_actor_id, requested_by_user_id, status, not_before, expires_at, approved_by_user_id, approved_at, workflow_id)
         values ($1, 'retention.shorten', '{}'::jsonb, 'shorten retention to a day', 'user', $2::text, $2::uuid, 'approved', now(), now() + interval '1 day', $3::uuid, now(), 'guarded-request:nobody-listens')
         returning id, status::text, workflow_id, not_before > now() + interval '1 hour' as delayed`,
        [tenantId, owner.userId, admin.userId],
      );
      await c.query("commit");
      forged = r.rows[0]!;
    } finally {
      c.release();
    }
    // The database made it an ordinary pending request with its delay and its canonical workflow name.
    expect(forged).toMatchObject({ status: "pending", workflow_id: guardedRequestWorkflowId(forged.id), delayed: true });
    expect(await subjects(admin.email)).toEqual([]);

    const first = await runCheck();
    expect(first.guardedRequestsStarted).toBe(1);
    const told = await eventually(() => subjects(admin.email), (s) => s.length > 0);
    expect(told).toEqual([expect.stringMatching(/^requested: .*needs a second person's approval/) as unknown]);
    expect((await eventually(() => subjects(owner.email), (s) => s.length > 0)).length).toBe(1);

    // Audited: the row came over SQL, with no `created` of its own.
    const found = await t.owner.pool.query<{ action: string; actor_type: string; actor_id: string }>("select action, actor_type, actor_id from audit_events where tenant_id = $1 and target_id = $2 order by seq", [tenantId, forged.id]);
    expect(found.rows).toEqual([{ action: "guarded_request.found_unannounced", actor_type: "system", actor_id: "guard" }]);

    // Its workflow runs now: the next hour starts nothing twice.
    expect((await runCheck()).guardedRequestsStarted).toBe(0);

    // Anyone told can cancel it; the workflow hears it and ends, and everyone is told.
    await cancelGuardedRequest(admin.ctx, forged.id, { reason: "not ours" }, jobs);
    const ended = (await env.client.workflow.getHandle(guardedRequestWorkflowId(forged.id)).result()) as GuardedRequestResult;
    expect(ended).toEqual({ requestId: forged.id, status: "cancelled" });
    expect((await getGuardedRequest(owner.ctx, forged.id)).status).toBe("cancelled");
    expect(await eventually(() => subjects(admin.email), (s) => s.length >= 2)).toEqual([expect.stringMatching(/^cancelled: /) as unknown, expect.stringMatching(/^requested: /) as unknown]);
  });
});
