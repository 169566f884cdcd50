// The guardedRequest workflow on the real servers (docs/adr/0020-guarded-requests.md): a Temporal
// dev server, a real worker with the guard's ports (the worker role and the holdfast_guard
// role on a real Postgres), the console's own job runner (@holdfast/api/jobs) and the stack's SMTP
// sink. The controlled clock: Temporal's time-skipping server cannot be fetched here, so this
// database's platform floor is lowered (as its owner) and each organisation's delay set to seconds;
// the durable timer and the database's own "not before" then run in real time.
import { randomBytes } from "node:crypto";
import { createTemporalJobs, type JobsPort } from "@holdfast/api/jobs";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import {
  approveGuardedRequest,
  cancelGuardedRequest,
  closeOrganization,
  DEFAULT_RETENTION_POLICY,
  getGuardedRequest,
  getRetention,
  listAuditEvents,
  releaseLegalHold,
  placeLegalHold,
  listLegalHolds,
  registerSource,
  removeSource,
  setRetentionPolicy,
  type GuardedRequestView,
  type TenantContext,
} from "@holdfast/services";
import { guardedRequestWorkflowId, scheduleIdFor, startBackupSource, type GuardedRequestResult } from "@holdfast/workflows";
import { ScheduleNotFoundError, WorkflowFailedError } from "@temporalio/client";
import type { TestWorkflowEnvironment } from "@temporalio/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolledPerson, mailSubjects } from "../test/people";
import { createTestTemporal, startSuiteWorker } from "../test/temporal";
import { createBackupPorts, type ClosableBackupPorts } from "./backup-ports";
import { createGuardPorts } from "./guard-ports";
import { type RunningWorker } from "./main";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const D = DEFAULT_RETENTION_POLICY;
let t: TestDatabase;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let jobs: JobsPort;
let backup: ClosableBackupPorts;
const taskQueue = `guard-${randomBytes(4).toString("hex")}`;

const person = (tenantOwner: TenantContext | null, label: string, role: "admin" | "viewer" = "admin") => enrolledPerson(t.app.db, tenantOwner, label, role);

async function newOrg(label: string, delaySeconds: number) {
  const owner = await person(null, `${label}-owner`);
  const admin = await person(owner.ctx, `${label}-admin`);
  await t.owner.pool.query("update organizations set guard_delay_seconds = $2 where id = $1", [owner.ctx.tenantId, delaySeconds]);
  return { owner, admin, tenantId: owner.ctx.tenantId };
}

const result = (r: GuardedRequestView) => env.client.workflow.getHandle(guardedRequestWorkflowId(r.id)).result() as Promise<GuardedRequestResult>;
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
const subjects = mailSubjects;

beforeAll(async () => {
  [t, env] = await Promise.all([createTestDatabase("guardwf"), createTestTemporal()]);
  await t.owner.pool.query("update holdfast_platform_settings set min_guard_delay_seconds = 0");
  // The backup activities too, so a backup of a removed source can be seen refused (the providers are never reached).
  backup = createBackupPorts({ db: t.worker.db, workerId: "guard-test" });
  worker = await startSuiteWorker(env, {
    db: t.worker.db,
    taskQueue,
    backup,
    guard: createGuardPorts({ db: t.worker.db, guardDb: t.guard.db, publicUrl: "https://console.example.test" }),
  });
  jobs = createTemporalJobs({ address: "unused", namespace: env.namespace ?? "default", taskQueue, client: env.client });
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await worker?.done;
  await jobs?.close();
  await backup?.close();
  await env?.teardown();
  await t?.drop();
});

describe("a guarded request on the real worker", () => {
  it("waits for a second person, then for its delay, and only then runs; everyone is told each step", async () => {
    const o = await newOrg("wf-run", 4);
    const shorter = { ...D, daily: 30 };
    const asked = await setRetentionPolicy(o.owner.ctx, { scope: "organization", policy: shorter }, {}, { guard: jobs });
    expect(asked.outcome).toBe("requested");
    const request = (asked as { request: GuardedRequestView }).request;
    // Unapproved, its delay passes and nothing happens.
    await sleep(4500);
    expect((await getGuardedRequest(o.owner.ctx, request.id)).status).toBe("pending");
    expect((await getRetention(o.owner.ctx)).effective).toEqual(D);
    // The requester cannot approve it even by going to the workflow directly: the database refuses.
    const self = await jobs.approveGuardedRequest({ workflowId: guardedRequestWorkflowId(request.id), userId: o.owner.userId });
    expect(self).toMatchObject({ approved: false, code: "FORBIDDEN" });
    expect(self.approved ? "" : self.reason).toMatch(/someone other than the person who made it/);
    const approved = await approveGuardedRequest(o.admin.ctx, request.id, { code: o.admin.code() }, jobs);
    expect(approved).toMatchObject({ status: "approved", approvedBy: { userId: o.admin.userId } });
    expect(await result(request)).toEqual({ requestId: request.id, status: "executed" });
    const done = await getGuardedRequest(o.owner.ctx, request.id);
    expect(done.status).toBe("executed");
    expect(Date.parse(done.executedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(done.notBefore));
    expect((await getRetention(o.owner.ctx)).effective).toEqual(shorter);
    const actions = (await listAuditEvents(o.owner.ctx)).items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["guarded_request.created", "guarded_request.approved", "guarded_request.executed"]));
    expect(actions).not.toContain("notification.failed");
    const about = async () => (await subjects(o.admin.email)).filter((x) => x.includes("shorten retention"));
    for (let i = 0; i < 20 && (await about()).length < 3; i++) await sleep(250);
    expect(await about()).toEqual(["approved: shorten retention", "done: shorten retention", "requested: shorten retention (needs a second person's approval)"]);
  });

  it("never runs once cancelled, even after approval and after its delay", async () => {
    const o = await newOrg("wf-cancel", 3);
    const hold = await placeLegalHold(o.owner.ctx, { reason: "case 9" });
    const request = await releaseLegalHold(o.owner.ctx, hold.id, { guard: jobs });
    await approveGuardedRequest(o.admin.ctx, request.id, { code: o.admin.code() }, jobs);
    await cancelGuardedRequest(o.admin.ctx, request.id, { reason: "we need it" }, jobs);
    expect(await result(request)).toEqual({ requestId: request.id, status: "cancelled" });
    await sleep(3500);
    expect((await getGuardedRequest(o.owner.ctx, request.id)).status).toBe("cancelled");
    expect((await listLegalHolds(o.owner.ctx)).find((h) => h.id === hold.id)?.active).toBe(true);
    expect((await listAuditEvents(o.owner.ctx)).items.map((e) => e.action)).not.toContain("guarded_request.executed");
  });

  it("lapses when nobody approves it before it expires", async () => {
    const o = await newOrg("wf-lapse", 1);
    // The request is recorded with no workflow yet, its lapse brought forward as the database's owner, then started.
    const noStart = { ...jobs, startGuardedRequest: () => Promise.resolve() };
    const started = (await setRetentionPolicy(o.owner.ctx, { scope: "organization", policy: { ...D, weekly: 1 } }, {}, { guard: noStart }) as { request: GuardedRequestView }).request;
    await t.owner.pool.query("update guarded_requests set expires_at = now() + interval '2 seconds' where id = $1", [started.id]);
    await jobs.startGuardedRequest({ tenantId: o.tenantId, requestId: started.id, workflowId: guardedRequestWorkflowId(started.id) });
    expect(await result(started)).toEqual({ requestId: started.id, status: "expired" });
    expect((await getGuardedRequest(o.owner.ctx, started.id)).status).toBe("expired");
    expect(await codeOf(approveGuardedRequest(o.admin.ctx, started.id, { code: o.admin.code() }, jobs))).toBe("CONFLICT");
    expect((await getRetention(o.owner.ctx)).effective).toEqual(D);
  });
});

describe("removing a source on the real worker", () => {
  it("once executed, the source's backup schedule is gone and a backup started anyway ends at once, recording no run", async () => {
    const o = await newOrg("wf-remove", 2);
    const source = await registerSource(o.owner.ctx, { provider: "google", displayName: "remove.example", credentials: { refreshToken: "1//refresh" } });
    await jobs.upsertSourceSchedule({ tenantId: o.tenantId, sourceId: source.id, timesPerDay: 1, jitterMinutes: 0, timezone: "UTC", paused: false });
    const schedule = env.client.schedule.getHandle(scheduleIdFor(source.id));
    expect((await schedule.describe()).scheduleId).toBe(scheduleIdFor(source.id));

    const request = await removeSource(o.owner.ctx, source.id, { guard: jobs });
    await approveGuardedRequest(o.admin.ctx, request.id, { code: o.admin.code() }, jobs);
    expect(await result(request)).toEqual({ requestId: request.id, status: "executed" });
    await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);

    // A backup of it (a left-over schedule, an on-demand start racing the removal) is refused before discovery.
    const workflowId = await startBackupSource(env.client, { tenantId: o.tenantId, sourceId: source.id }, { taskQueue });
    const failed = await env.client.workflow.getHandle(workflowId).result().then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    // The workflow fails on its first activity (startBackupRun), whose cause is the refusal.
    expect((failed as WorkflowFailedError).cause?.cause).toMatchObject({ type: "BackupRefused", message: expect.stringMatching(/removed/) as unknown });
    const runs = await t.owner.pool.query("select id from backup_runs where source_id = $1", [source.id]);
    expect(runs.rows).toEqual([]);
  });
});

describe("closing an organisation on the real worker", () => {
  it("once executed, no backup schedule of any of its sources is left", async () => {
    const o = await newOrg("wf-close", 2);
    const ids: string[] = [];
    for (const name of ["close-a.example", "close-b.example"]) {
      const source = await registerSource(o.owner.ctx, { provider: "google", displayName: name, credentials: { refreshToken: "1//refresh" } });
      await jobs.upsertSourceSchedule({ tenantId: o.tenantId, sourceId: source.id, timesPerDay: 1, jitterMinutes: 0, timezone: "UTC", paused: false });
      ids.push(source.id);
    }
    for (const id of ids) expect((await env.client.schedule.getHandle(scheduleIdFor(id)).describe()).scheduleId).toBe(scheduleIdFor(id));

    const request = await closeOrganization(o.owner.ctx, { confirmName: "wf-close-owner Ltd" }, { guard: jobs });
    await approveGuardedRequest(o.admin.ctx, request.id, { code: o.admin.code() }, jobs);
    expect(await result(request)).toEqual({ requestId: request.id, status: "executed" });
    for (const id of ids) await expect(env.client.schedule.getHandle(scheduleIdFor(id)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}
