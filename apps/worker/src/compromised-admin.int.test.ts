// Issue 7's acceptance drill: a "compromised admin" on the real stack. The attacker holds the
// owner's console session (a tRPC caller as the owner) and TOTP secret, an owner API key (REST),
// the application role's Postgres connection, and the worker's vault credentials (unsealed from
// the catalogue with the worker's KEK). They try every path to destroy or hide the backups of a
// Google sandbox source backed up for real; afterwards every snapshot must still read back byte
// for byte, every API/console attempt be audited, and the legitimate admin told of each request.
// Every attempt's outcome is recorded and printed; anything that got through is listed as a breach
// and fails the test at the end (the other checks still run: soft assertions).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, PutObjectRetentionCommand, type S3Client } from "@aws-sdk/client-s3";
import { createTemporalJobs, type JobsPort } from "@holdfast/api/jobs";
import { createRestHandler, type RestHandler } from "@holdfast/api/rest";
import { createCaller, createTrpcContext } from "@holdfast/api/trpc";
import { open, totpCode } from "@holdfast/auth";
import { kekConfig, vaultConfig } from "@holdfast/config";
import { createLogger } from "@holdfast/logger";
import {
  acceptInvitation,
  cancelGuardedRequest,
  confirmTotpEnrolment,
  createApiKey,
  DEFAULT_RETENTION_POLICY,
  getRetention,
  search,
  setRetentionPolicy,
  inviteMember,
  listAuditEvents,
  listGuardedRequests,
  listLegalHolds,
  listMembers,
  listUnits,
  placeLegalHold,
  signUp,
  startTotpEnrolment,
  systemContext,
  type TenantContext,
} from "@holdfast/services";
import { openTenantVault } from "@holdfast/services/vaults";
import type { VaultIdentity } from "@holdfast/vault/provision";
import { createS3Client, sha256Base64 } from "@holdfast/vault/store";
import { protectionCheckWorkflowId, type ProtectionCheckResult } from "@holdfast/workflows/activities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { excludeUnitKinds, expectEveryItemOnce, googleTruth, type GoogleManifest } from "../test/drill";
import { startWorkerStack, type WorkerStack } from "../test/stack";
import { startSuiteWorker } from "../test/temporal";
import { createGuardPorts } from "./guard-ports";
import { type RunningWorker } from "./main";
import { createProtectionPorts } from "./protection-ports";

process.env.LOG_LEVEL ??= "silent";
const D = DEFAULT_RETENTION_POLICY;
/** The organisation's policy before the attack: longer than the default, set by the legit admin (a lengthening applies at once). */
const POLICY = { ...D, yearly: 10 };
const BASE = "http://holdfast.test/api/v1";
const mailApi = (process.env.MAIL_API_URL ?? "http://127.0.0.1:8025").replace(/\/+$/, "");
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let stack: WorkerStack;
let guardWorker: RunningWorker;
let jobs: JobsPort;
let rest: RestHandler;
let tenantId: string;
let sourceId: string;
let runId: string;

interface Attempt {
  via: "rest" | "console" | "sql" | "vault";
  what: string;
  outcome: string;
  /** The attack achieved something it must not have. */
  breach?: boolean;
}
const attempts: Attempt[] = [];
// The guard's worker (announcements, approvals, the hourly check) runs on its own queue.
const guardQueue = `compromised-guard-${randomBytes(4).toString("hex")}`;
const record = (a: Attempt) => {
  attempts.push(a);
  return a;
};

async function person(owner: TenantContext | null, label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(stack.db.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const { secret } = await startTotpEnrolment(stack.db.app.db, userId);
  await confirmTotpEnrolment(stack.db.app.db, userId, totpCode(secret));
  if (owner) {
    const { token } = await inviteMember(owner, { email, role: "admin" });
    await acceptInvitation(stack.db.app.db, userId, token);
  }
  const ctx: TenantContext = { db: stack.db.app.db, tenantId: owner?.tenantId ?? organization.id, actor: { type: "user", id: userId }, role: owner ? "admin" : "owner" };
  return { userId, email, ctx, code: () => totpCode(secret) };
}

const subjects = async (email: string): Promise<string[]> => {
  const res = await fetch(`${mailApi}/api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}&limit=200`);
  const body = (await res.json()) as { messages: { Subject: string }[] };
  return body.messages.map((m) => m.Subject.replace(/^\[Holdfast\] [^:]+: /, ""));
};

async function call(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await rest(new Request(`${BASE}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

async function auditCount(action: string): Promise<number> {
  const { rows } = await stack.db.owner.pool.query<{ n: number }>("select count(*)::int as n from audit_events where tenant_id = $1 and action = $2", [tenantId, action]);
  return rows[0]?.n ?? 0;
}

async function outcomeOf(p: Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: string; code?: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, error: e.message ?? String(err), ...(e.code ? { code: e.code } : {}) };
  }
}

/** Runs one statement as the application role in a transaction bound to the tenant (what the console's connection can do). */
async function asApp(statement: string, params: unknown[] = []): Promise<{ ok: true; rows: Record<string, unknown>[]; rowCount: number } | { ok: false; error: string }> {
  const client = await stack.db.app.pool.connect();
  try {
    await client.query("begin");
    await client.query("select set_config('app.tenant_id', $1, true)", [tenantId]);
    const r = await client.query(statement, params);
    await client.query("commit");
    return { ok: true, rows: r.rows as Record<string, unknown>[], rowCount: r.rowCount ?? 0 };
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    client.release();
  }
}

interface Baseline {
  snapshots: { id: string; status: string; retain_until: Date | null; vault_snapshot_id: string }[];
  items: Map<string, Buffer>; // `${vaultSnapshotId}:${path}` → bytes
}

async function readAll(snapshotIds: string[]): Promise<Map<string, Buffer>> {
  const vault = await openTenantVault(systemContext(stack.db.app.db, tenantId, "drill-readback"), "reader");
  const out = new Map<string, Buffer>();
  try {
    for (const id of snapshotIds) {
      for (const item of (await vault.readSnapshot(id)).items) {
        const parts: Uint8Array[] = [];
        for await (const c of vault.readItem(id, item.path)) parts.push(c);
        out.set(`${id}:${item.path}`, Buffer.concat(parts));
      }
    }
  } finally {
    await vault.close();
  }
  return out;
}

async function identity(role: "writer" | "gc"): Promise<{ client: S3Client; bucket: string }> {
  const { rows } = await stack.db.owner.pool.query<{ bucket: string; writer_enc: string; gc_enc: string }>("select bucket, writer_enc, gc_enc from tenant_vaults where tenant_id = $1", [tenantId]);
  const row = rows[0];
  if (!row) throw new Error("the tenant has no vault row");
  const id = JSON.parse(open(kekConfig().kek, role === "writer" ? row.writer_enc : row.gc_enc, `tenant-vault:${tenantId}:${role}`)) as VaultIdentity;
  const cfg = vaultConfig();
  return { client: createS3Client({ endpoint: cfg.endpoint, region: cfg.region, forcePathStyle: true, maxAttempts: 1 }, id), bucket: row.bucket };
}

const s3Status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const s3Code = (err: unknown) => (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name;

let owner: Awaited<ReturnType<typeof person>> & { ctx: TenantContext };
let admin: Awaited<ReturnType<typeof person>>;
let ownerSecret: string;
let apiKey: string;
let holdId: string;
let hold2Id: string;
let baseline: Baseline;

beforeAll(async () => {
  stack = await startWorkerStack("compromised");
  tenantId = stack.tenantId;
  // The guard's worker (announcements, approvals) on its own queue; the console's job runner starts guarded requests there.
  guardWorker = await startSuiteWorker(stack.env, {
    db: stack.db.worker.db,
    taskQueue: guardQueue,
    guard: createGuardPorts({ db: stack.db.worker.db, guardDb: stack.db.guard.db, publicUrl: "https://console.example.test" }),
    // The hourly check: it also starts the workflow of any open request that has none (a row forged over SQL).
    protection: createProtectionPorts({ db: stack.db.worker.db, workerId: "compromised-check" }),
  });
  jobs = createTemporalJobs({ address: "unused", namespace: stack.env.namespace ?? "default", taskQueue: guardQueue, client: stack.env.client });
  rest = createRestHandler({ db: stack.db.app.db, logger: createLogger({ level: "silent" }), jobs });

  // The owner (the stack's) enrols TOTP: the attacker has that secret.
  const ownerId = stack.owner.actor.id;
  ownerSecret = (await startTotpEnrolment(stack.db.app.db, ownerId)).secret;
  await confirmTotpEnrolment(stack.db.app.db, ownerId, totpCode(ownerSecret));
  owner = { userId: ownerId, email: "", ctx: stack.owner, code: () => totpCode(ownerSecret) };
  admin = await person(stack.owner, "legit-admin");
  apiKey = (await createApiKey(stack.owner, { name: "owner's automation", role: "owner" })).key;
  holdId = (await placeLegalHold(admin.ctx, { reason: "litigation 42" })).id;
  hold2Id = (await placeLegalHold(admin.ctx, { reason: "regulator 7" })).id;
  const set = await setRetentionPolicy(admin.ctx, { scope: "organization", policy: POLICY }, {}, { guard: jobs });
  if (set.outcome !== "applied") throw new Error(`lengthening the policy was not applied: ${JSON.stringify(set)}`);

  // A small real backup: Gmail and Drive only.
  const google = await stack.connectGoogle({ seed: 7007, users: 1, itemsPerUser: 4, driveFilesPerUser: 2, eventsPerUser: 1 });
  sourceId = google.sourceId;
  await excludeUnitKinds(stack.db, { tenantId, sourceId, owner: stack.owner, sandboxTenant: google.sandboxTenant }, stack.url, ["calendar", "contacts"]);
  const run = await stack.runBackup(sourceId, "first");
  if (run.status !== "completed") throw new Error(`the backup did not complete: ${JSON.stringify(run)}`);
  runId = run.runId;
  await expectEveryItemOnce(stack.db, { tenantId, sourceId }, runId, googleTruth(await stack.manifest<GoogleManifest>(google.sandboxTenant.id)));
  const { rows } = await stack.db.owner.pool.query<Baseline["snapshots"][number]>(
    "select id, status, retain_until, vault_snapshot_id from snapshots where tenant_id = $1 and status = 'committed' order by id",
    [tenantId],
  );
  baseline = { snapshots: rows, items: await readAll(rows.map((r) => r.vault_snapshot_id)) };
  if (baseline.items.size === 0) throw new Error("the baseline read back no items");
}, 300_000);

afterAll(async () => {
  console.log(`[compromised-admin] attempts:\n${attempts.map((a) => `  ${a.breach ? "BREACH " : ""}${a.via} | ${a.what} → ${a.outcome}`).join("\n")}`);
  guardWorker?.shutdown();
  await guardWorker?.done;
  await jobs?.close();
  await stack?.close();
});

describe("a compromised admin on the real stack", () => {
  it("cannot destroy or hide a backup by any path; every attempt is audited or refused, and the admins are told", async () => {
    const orgId = tenantId;
    const asOwner = createCaller(createTrpcContext({ db: stack.db.app.db, userId: owner.userId, requestId: "compromised-owner", jobs, publicUrl: "https://console.example.test" }));
    const requested: string[] = []; // guarded request ids the attacker created
    const expectRequest = (via: "rest" | "console", what: string, status: number | "trpc", r: { request?: { id?: string } } | { id?: string } | undefined) => {
      const id = (r as { request?: { id?: string } } | undefined)?.request?.id ?? (r as { id?: string } | undefined)?.id;
      if (id) requested.push(id);
      record({ via, what, outcome: id ? `${status}: pending request ${id}` : `${status}: ${JSON.stringify(r).slice(0, 160)}`, breach: !id });
    };
    const units = await listUnits(systemContext(stack.db.app.db, tenantId, "drill"), sourceId);
    const unit = units.find((u) => u.protected) ?? units[0];
    if (!unit) throw new Error("no unit");
    const visible = async () => (await search(owner.ctx, { text: "", unitIds: units.map((u) => u.id), limit: 200 })).items.length;
    const visibleBefore = await visible();
    const protectedBefore = units.filter((u) => u.protected).map((u) => u.id).sort();

    // ---- REST with the owner's API key ----
    const shorten = await call("PUT", "/retention/policy", apiKey, { scope: "organization", policy: { ...POLICY, daily: 7, keepAllDays: 1 } });
    expect.soft(shorten.status, "REST shorten retention").toBe(202);
    expectRequest("rest", "PUT /retention/policy shorter", shorten.status, shorten.json);
    const release = await call("POST", `/legal-holds/${holdId}/release`, apiKey, {});
    expect.soft(release.status, "REST release hold").toBe(202);
    expectRequest("rest", "POST /legal-holds/{id}/release", release.status, release.json);
    const delay = await call("PUT", "/guard-settings", apiKey, { hours: 0 });
    record({ via: "rest", what: "PUT /guard-settings hours 0", outcome: `${delay.status} ${JSON.stringify(delay.json).slice(0, 160)}`, breach: delay.status === 200 });
    if (delay.status === 202) expectRequest("rest", "PUT /guard-settings (request)", 202, delay.json);
    const delay24 = await call("PUT", "/guard-settings", apiKey, { hours: 24 });
    expect.soft(delay24.status, "REST shorten delay to 24h").toBe(202);
    expectRequest("rest", "PUT /guard-settings hours 24", delay24.status, delay24.json);
    const guardian = await call("PUT", `/members/${owner.userId}/guardian`, apiKey, { guardian: true });
    expect.soft(guardian.status, "REST add guardian").toBe(202);
    expectRequest("rest", "PUT /members/{owner}/guardian true", guardian.status, guardian.json);
    // Removing the source (no more backups, its credentials deleted) is a guarded request (ADR 0022).
    const removeSource = await call("DELETE", `/sources/${sourceId}`, apiKey);
    expect.soft(removeSource.status, "REST remove source").toBe(202);
    expectRequest("rest", "DELETE /sources/{id}", removeSource.status, removeSource.json);
    // Rotating the vault's credentials would cut off our own backups for a while: a request too (ADR 0005).
    const rotate = await call("POST", "/vault/credentials/rotate", apiKey, { reason: "routine" });
    expect.soft(rotate.status, "REST rotate the vault's credentials").toBe(202);
    expectRequest("rest", "POST /vault/credentials/rotate", rotate.status, rotate.json);
    for (const [method, path] of [
      ["DELETE", `/units/${unit.id}`],
      ["DELETE", `/snapshots/${baseline.snapshots[0]?.id ?? ""}`],
      ["DELETE", `/items/${randomBytes(4).toString("hex")}`],
      ["DELETE", "/vault"],
      ["DELETE", `/legal-holds/${holdId}`],
      ["DELETE", `/retention/policy`],
      ["POST", `/guarded-requests/${requested[0] ?? ""}/approve`],
    ] as const) {
      const r = await call(method, path, apiKey, method === "POST" ? { code: owner.code() } : undefined);
      record({ via: "rest", what: `${method} ${path}`, outcome: String(r.status), breach: r.status < 400 });
      expect.soft([404, 405], `${method} ${path}`).toContain(r.status);
    }
    const reprovision = await call("POST", "/vault", apiKey, {});
    record({ via: "rest", what: "POST /vault (replace the vault)", outcome: String(reprovision.status), breach: reprovision.status < 400 });
    expect.soft(reprovision.status).toBe(409);
    // Not destroying existing backups, but stopping future ones: recorded, judged below.
    // (unit.exclude is a guarded kind: a request is the right answer, an applied change is a breach.)
    const exclusionsBefore = await auditCount("unit.protection_changed");
    let exclusionsApplied = 0;
    const exclude = await call("PATCH", `/units/${unit.id}`, apiKey, { protection: "excluded" });
    if (exclude.status === 202) expectRequest("rest", "PATCH /units/{id} protection excluded", 202, exclude.json);
    else {
      if (exclude.status === 200) exclusionsApplied++;
      record({ via: "rest", what: "PATCH /units/{id} protection excluded", outcome: `${exclude.status} applied at once`, breach: exclude.status === 200 });
    }
    // Turning off the protection of new accounts is a request too (answered 202 with the source unchanged).
    const noAuto = await call("PATCH", `/sources/${sourceId}`, apiKey, { autoProtectNewUnits: false });
    if (noAuto.status === 202) expectRequest("rest", "PATCH /sources/{id} autoProtectNewUnits false", 202, (noAuto.json as { requested?: { id?: string } }).requested);
    else record({ via: "rest", what: "PATCH /sources/{id} autoProtectNewUnits false", outcome: `${noAuto.status}`, breach: noAuto.status === 200 });

    // ---- The owner's console session (tRPC), with their TOTP secret ----
    const tShorten = await outcomeOf(asOwner.retention.setPolicy({ orgId, scope: "source", scopeId: sourceId, policy: { ...POLICY, daily: 1, weekly: 1, monthly: 1, yearly: 0 } }));
    expectRequest("console", "retention.setPolicy source override shorter", "trpc", tShorten.ok ? (tShorten.value as { request?: { id: string } }) : { error: tShorten.error } as never);
    const tRelease = await outcomeOf(asOwner.retention.legalHolds.release({ orgId, id: hold2Id }));
    expectRequest("console", "retention.legalHolds.release", "trpc", tRelease.ok ? (tRelease.value as { id: string }) : ({ error: tRelease.error } as never));
    const tRemove = await outcomeOf(asOwner.members.remove({ orgId, userId: admin.userId }));
    expectRequest("console", "members.remove legit admin", "trpc", tRemove.ok ? (tRemove.value as { id: string }) : ({ error: tRemove.error } as never));
    const tDemote = await outcomeOf(asOwner.members.changeRole({ orgId, userId: admin.userId, role: "viewer" }));
    expectRequest("console", "members.changeRole legit admin → viewer", "trpc", tDemote.ok ? (tDemote.value as { request?: { id: string } }) : ({ error: tDemote.error } as never));
    const tDelay = await outcomeOf(asOwner.guard.setDelay({ orgId, hours: 25 }));
    expectRequest("console", "guard.setDelay 25h", "trpc", tDelay.ok ? (tDelay.value as { request?: { id: string } }) : ({ error: tDelay.error } as never));
    const tSelf = await outcomeOf(asOwner.organization.setSelfService({ orgId, enabled: true }));
    record({ via: "console", what: "organization.setSelfService true", outcome: tSelf.ok ? "applied (widens who can read, destroys nothing)" : tSelf.error });
    const tExclude = await outcomeOf(asOwner.sources.setUnitProtection({ orgId, unitId: units.find((u) => u.id !== unit.id && u.protected)?.id ?? unit.id, protection: "excluded" }));
    const excludeRequest = tExclude.ok ? (tExclude.value as { outcome?: string; request?: { id: string } }) : undefined;
    if (excludeRequest?.outcome === "requested") expectRequest("console", "sources.setUnitProtection excluded", "trpc", excludeRequest);
    else {
      if (tExclude.ok) exclusionsApplied++;
      record({ via: "console", what: "sources.setUnitProtection excluded", outcome: tExclude.ok ? "applied at once" : tExclude.error, breach: tExclude.ok });
    }
    // Approving their own requests, with a valid code, through the console and the workflow.
    for (const id of requested) {
      const r = await outcomeOf(asOwner.guard.approve({ orgId, id, code: owner.code() }));
      record({ via: "console", what: `guard.approve own request ${id.slice(0, 8)}`, outcome: r.ok ? "APPROVED" : `${r.code ?? ""} ${r.error}`, breach: r.ok });
      expect.soft(r.ok ? "approved" : r.code, `approve own ${id}`).toBe("FORBIDDEN");
    }
    const direct = await jobs.approveGuardedRequest({ workflowId: `guarded-request:${requested[0] ?? ""}`, userId: owner.userId });
    record({ via: "console", what: "job runner approve (workflow update) as the owner", outcome: JSON.stringify(direct), breach: direct.approved });
    expect.soft(direct.approved).toBe(false);

    // ---- A second account of the attacker's own, invited as admin from the owner's session ----
    const accomplice = await person(null, "accomplice");
    const asAccomplice = createCaller(createTrpcContext({ db: stack.db.app.db, userId: accomplice.userId, requestId: "compromised-accomplice", jobs }));
    const { token } = await asOwner.members.invite({ orgId, email: accomplice.email, role: "admin" });
    await asAccomplice.me.acceptInvitation({ token });
    // The requests made before they joined: the database knows they were not an approver then.
    for (const id of requested.slice(0, 3)) {
      const r = await outcomeOf(asAccomplice.guard.approve({ orgId, id, code: accomplice.code() }));
      record({ via: "console", what: `accomplice (invited after) approves ${id.slice(0, 8)}`, outcome: r.ok ? "APPROVED" : `${r.code ?? ""} ${r.error}`, breach: r.ok });
      expect.soft(r.ok ? "approved" : r.code, `accomplice approves an earlier request ${id}`).toBe("FORBIDDEN");
    }
    // A request made after they joined: the "second person" is the attacker again. ADR 0020 leaves
    // only the delay and the announcements between this and its execution; the legit admin's
    // mail and cancellation are what is asserted below.
    const later = await outcomeOf(asOwner.retention.setPolicy({ orgId, scope: "unit", scopeId: unit.id, policy: { ...POLICY, keepAllDays: 1, daily: 1, weekly: 1, monthly: 1, yearly: 0 } }));
    const laterId = later.ok ? (later.value as { request?: { id: string } }).request?.id : undefined;
    expect(laterId, `the owner's later request: ${later.ok ? JSON.stringify(later.value).slice(0, 200) : later.error}`).toBeDefined();
    const laterApproval = await outcomeOf(asAccomplice.guard.approve({ orgId, id: laterId ?? "", code: accomplice.code() }));
    record({
      via: "console",
      what: "accomplice approves a request made after they joined",
      outcome: laterApproval.ok ? `APPROVED (${(laterApproval.value as { status: string }).status}); only the delay and the announcements stand` : `${laterApproval.code ?? ""} ${laterApproval.error}`,
    });
    if (laterId) requested.push(laterId);

    // ---- Direct SQL as the application role. A refused statement rolls its transaction back,
    // audit row included, so these cannot appear in the tenant's chain: each must be refused. ----
    const snapId = baseline.snapshots[0]?.id ?? "";
    const { rows: su } = await stack.db.owner.pool.query<{ unit_id: string; kind: string }>("select s.unit_id, u.kind from snapshots s join units u on u.id = s.unit_id where s.id = $1", [snapId]);
    const baselineUnit = su[0]?.unit_id ?? "";
    const exportFormat = su[0]?.kind === "gmail" ? "eml-zip" : "zip";
    let forged: string | undefined;
    const sqlAttacks: [string, string, unknown[]][] = [
      ["update org retention policy shorter (insert)", "insert into retention_policies (tenant_id, scope, policy) values ($1, 'organization', $2::jsonb)", [tenantId, JSON.stringify({ ...POLICY, daily: 1 })]],
      ["insert a shorter source override", "insert into retention_policies (tenant_id, scope, scope_id, policy) values ($1, 'source', $2, $3::jsonb)", [tenantId, sourceId, JSON.stringify({ ...POLICY, keepAllDays: 0, daily: 0 })]],
      ["update retention_policies shorter", "update retention_policies set policy = policy || '{\"daily\":0}'::jsonb where tenant_id = $1", [tenantId]],
      ["release the legal holds", "update legal_holds set released_at = now() where tenant_id = $1", [tenantId]],
      ["snapshots.retain_until earlier", "update snapshots set retain_until = now() where tenant_id = $1", [tenantId]],
      ["snapshots.retain_until null", "update snapshots set retain_until = null where tenant_id = $1", [tenantId]],
      ["snapshots.status → expired", "update snapshots set status = 'expired', expired_at = now() where id = $1", [snapId]],
      ["snapshots.status → failed", "update snapshots set status = 'failed' where tenant_id = $1", [tenantId]],
      ["snapshots.vault_snapshot_id rewritten", "update snapshots set vault_snapshot_id = repeat('0', 64) where tenant_id = $1", [tenantId]],
      ["delete snapshots", "delete from snapshots where tenant_id = $1", [tenantId]],
      ["delete item_versions", "delete from item_versions where tenant_id = $1", [tenantId]],
      ["delete items", "delete from items where tenant_id = $1", [tenantId]],
      ["items.deleted_at set (hide)", "update items set deleted_at = now() where tenant_id = $1", [tenantId]],
      ["item_versions pointed away from the vault", "update item_versions set vault_snapshot_id = null, vault_path = null where tenant_id = $1", [tenantId]],
      ["insert an approved guarded request", "insert into guarded_requests (tenant_id, kind, params, summary, requested_by_actor_type, requested_by_actor_id, requested_by_user_id, status, not_before, expires_at, approved_by_user_id, approved_at, workflow_id) values ($1, 'retention.shorten', '{}'::jsonb, 'x', 'user', $2::text, $2::uuid, 'approved', now(), now() + interval '1 day', $3::uuid, now(), 'guarded-request:forged') returning id, status, not_before > now() + interval '1 hour' as delayed", [tenantId, owner.userId, admin.userId]],
      ["approve a request by update", "update guarded_requests set status = 'approved', approved_by_user_id = $2, approved_at = now() where id = $1", [requested[0], admin.userId]],
      ["move a request's not_before", "update guarded_requests set not_before = now() where tenant_id = $1", [tenantId]],
      ["call holdfast_guard_approve", "select holdfast_guard_approve($1, $2)", [requested[0], admin.userId]],
      ["call holdfast_guard_apply", "select holdfast_guard_apply($1)", [requested[0]]],
      ["delete the legit admin's membership", "delete from memberships where user_id = $1", [admin.userId]],
      ["lower the legit admin's role", "update memberships set role = 'viewer' where user_id = $1", [admin.userId]],
      ["make the owner a guardian", "update memberships set guardian = true where user_id = $1", [owner.userId]],
      ["lower guard_delay_seconds", "update organizations set guard_delay_seconds = 0 where id = $1", [tenantId]],
      ["mark the source removed", "update sources set status = 'removed' where id = $1", [sourceId]],
      ["delete the webhook endpoints", "delete from webhook_endpoints where tenant_id = $1", [tenantId]],
      ["disable the webhook endpoints", "update webhook_endpoints set disabled_at = now() where tenant_id = $1", [tenantId]],
      ["disable the snapshots trigger", "alter table snapshots disable trigger snapshots_retain_until_guard", []],
      ["disable the memberships trigger", "alter table memberships disable trigger memberships_guard", []],
      ["session_replication_role = replica", "set local session_replication_role = replica", []],
      ["read holdfast_platform_settings", "select * from holdfast_platform_settings", []],
      ["lower the platform floor", "update holdfast_platform_settings set min_guard_delay_seconds = 0", []],
      ["delete the tenant's vault row", "delete from tenant_vaults where tenant_id = $1", [tenantId]],
      ["overwrite the vault's sealed identities", "update tenant_vaults set writer_enc = reader_enc where tenant_id = $1", [tenantId]],
      ["store rotated vault credentials", "select holdfast_vault_store_rotation($1::uuid, 'v1.x', 'v1.x', 'v1.x', '{}'::text[])", [requested[0]]],
      ["delete audit events", "delete from audit_events where tenant_id = $1", [tenantId]],
    ];
    // The path the freeze rules of migration 0029 left open: open a snapshot of the account (a new
    // run and an open snapshot at the next seq), then end every open version of it at that seq, so
    // browse and search show the account as emptied. Only the worker's role writes the catalogue's
    // history (migration 0036), so the first step is already refused. Ids are inlined: a DO block
    // takes no parameters, and these are uuids the test read itself.
    const uuid = /^[0-9a-f-]{36}$/;
    expect(uuid.test(baselineUnit) && uuid.test(sourceId) && uuid.test(tenantId)).toBe(true);
    sqlAttacks.push([
      "open a snapshot, then end the account's versions under it",
      `do $$
       declare r uuid; s integer;
       begin
         insert into backup_runs (tenant_id, source_id, unit_id, trigger, workflow_id) values ('${tenantId}', '${sourceId}', '${baselineUnit}', 'on_demand', 'forged-run') returning id into r;
         select coalesce(max(seq), 0) + 1 into s from snapshots where unit_id = '${baselineUnit}';
         insert into snapshots (tenant_id, unit_id, run_id, seq, status) values ('${tenantId}', '${baselineUnit}', r, s, 'open');
         update item_versions set superseded_at = now(), last_seq = s - 1, end_reason = 'deleted' where unit_id = '${baselineUnit}' and superseded_at is null;
         update items set deleted_at = now(), deleted_seq = s where unit_id = '${baselineUnit}' and deleted_at is null;
       end $$`,
      [],
    ]);
    sqlAttacks.push(["insert an open snapshot", "insert into snapshots (tenant_id, unit_id, run_id, seq, status) select tenant_id, unit_id, run_id, seq + 1000, 'open' from snapshots where id = $1", [snapId]]);
    sqlAttacks.push(["end the account's open versions", "update item_versions set superseded_at = now(), last_seq = first_seq, end_reason = 'deleted' where unit_id = $1 and superseded_at is null", [baselineUnit]]);
    for (const [what, statement, params] of sqlAttacks) {
      const r = await asApp(statement, params);
      // The insert is accepted but rewritten by the database into a pending, delayed request (no workflow: nobody can approve it).
      const neutered = what === "insert an approved guarded request" && r.ok && r.rows[0]?.status === "pending" && r.rows[0]?.delayed === true;
      if (neutered) forged = String(r.rows[0]?.id);
      // A DO block reports no rows: that it ran at all is the breach.
      const changed = r.ok && (statement.startsWith("do ") || r.rowCount > 0 || r.rows.length > 0) && !neutered;
      record({ via: "sql", what, outcome: r.ok ? (neutered ? "accepted, rewritten to pending with the database's delay" : `ACCEPTED (${r.rowCount} rows)`) : `refused: ${r.error}`, breach: changed });
      expect.soft(changed, `SQL as the application role: ${what} → ${r.ok ? `accepted, ${r.rowCount} rows` : r.error}`).toBe(false);
    }

    // The forged row: the hourly check finds an open request with no workflow and starts one, which
    // announces it to every owner, admin and guardian like any other (migration 0038, ADR 0020).
    if (forged) {
      const check = (await stack.env.client.workflow.execute("protectionCheck", { taskQueue: guardQueue, workflowId: protectionCheckWorkflowId(randomUUID()), args: [{}] })) as ProtectionCheckResult;
      record({ via: "sql", what: "the hourly check finds the forged row and starts its workflow", outcome: `started ${check.guardedRequestsStarted}` });
      expect.soft(check.guardedRequestsStarted, "the hourly check started the forged row's workflow").toBeGreaterThanOrEqual(1);
      requested.push(forged);
    }

    // ---- The vault with the worker's credentials (writer, and gc: its sealed key is in the catalogue and the worker holds the KEK) ----
    const w = await identity("writer");
    const gc = await identity("gc");
    const versions: { key: string; versionId: string }[] = [];
    const listed = await w.client.send(new ListObjectVersionsCommand({ Bucket: w.bucket }));
    for (const v of listed.Versions ?? []) if (v.Key && v.VersionId) versions.push({ key: v.Key, versionId: v.VersionId });
    const manifest = versions.find((v) => v.key === `snapshots/${baseline.snapshots[0]?.vault_snapshot_id ?? ""}`);
    const pack = versions.find((v) => v.key.startsWith("packs/") || v.key.startsWith("data/"));
    const targets = [manifest, pack, versions.find((v) => v.key === "config")].filter((v): v is { key: string; versionId: string } => v !== undefined);
    expect(targets.length, `vault keys: ${versions.map((v) => v.key).join(", ").slice(0, 300)}`).toBeGreaterThanOrEqual(2);
    const s3 = async (who: string, what: string, p: Promise<unknown>) => {
      const r = await p.then(
        () => ({ ok: true as const }),
        (err: unknown) => ({ ok: false as const, status: s3Status(err), code: s3Code(err) }),
      );
      return record({ via: "vault", what: `${who}: ${what}`, outcome: r.ok ? "ACCEPTED" : `refused ${r.status ?? ""} ${r.code ?? ""}`, breach: r.ok });
    };
    const soon = new Date(Date.now() + 5_000);
    for (const t of targets) {
      for (const [who, id] of [["writer", w], ["gc", gc]] as const) {
        await s3(who, `DeleteObject ${t.key} (delete marker)`, id.client.send(new DeleteObjectCommand({ Bucket: id.bucket, Key: t.key })));
        await s3(who, `DeleteObjectVersion ${t.key}`, id.client.send(new DeleteObjectCommand({ Bucket: id.bucket, Key: t.key, VersionId: t.versionId, BypassGovernanceRetention: true })));
        await s3(who, `PutObjectRetention ${t.key} shorter`, id.client.send(new PutObjectRetentionCommand({ Bucket: id.bucket, Key: t.key, VersionId: t.versionId, Retention: { Mode: "COMPLIANCE", RetainUntilDate: soon } })));
        await s3(who, `PutObjectRetention ${t.key} GOVERNANCE`, id.client.send(new PutObjectRetentionCommand({ Bucket: id.bucket, Key: t.key, VersionId: t.versionId, Retention: { Mode: "GOVERNANCE", RetainUntilDate: soon }, BypassGovernanceRetention: true })));
      }
    }
    for (const [who, id] of [["writer", w], ["gc", gc]] as const) {
      await s3(who, "PutBucketVersioning Suspended", id.client.send(new PutBucketVersioningCommand({ Bucket: id.bucket, VersioningConfiguration: { Status: "Suspended" } })));
      await s3(who, "DeleteBucket", id.client.send(new DeleteBucketCommand({ Bucket: id.bucket })));
    }
    // The one write the writer keeps: a new version over the manifest and a pack. Readers must use the authentic one.
    for (const t of targets.filter((x) => x.key !== "config")) {
      const garbage = randomBytes(512);
      const r = await s3("writer", `overwrite ${t.key} (new version)`, w.client.send(new PutObjectCommand({ Bucket: w.bucket, Key: t.key, Body: garbage, ChecksumSHA256: sha256Base64(garbage), ChecksumAlgorithm: "SHA256", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: new Date(Date.now() + 86_400_000) })));
      // Expected to be accepted (ADR 0005): not a breach as long as the read-back below is intact.
      r.breach = false;
      r.outcome += " (expected: versioning keeps the original)";
    }
    w.client.destroy();
    gc.client.destroy();

    // ---- Afterwards ----
    const { rows: after } = await stack.db.owner.pool.query<Baseline["snapshots"][number]>("select id, status, retain_until, vault_snapshot_id from snapshots where tenant_id = $1 order by id", [tenantId]);
    for (const b of baseline.snapshots) {
      const a = after.find((x) => x.id === b.id);
      expect.soft(a?.status, `snapshot ${b.id} still committed`).toBe("committed");
      expect.soft(a?.vault_snapshot_id, `snapshot ${b.id} still points at its vault snapshot`).toBe(b.vault_snapshot_id);
      expect.soft((a?.retain_until?.getTime() ?? 0) >= (b.retain_until?.getTime() ?? 0), `snapshot ${b.id} retain_until not earlier`).toBe(true);
    }
    const visibleAfter = await visible();
    record({ via: "sql", what: "net effect on the console's catalogue (items found by an empty search)", outcome: `${visibleBefore} before, ${visibleAfter} after`, breach: visibleAfter < visibleBefore });
    // What the console's own restore path makes of the tampered catalogue (an export of one protected unit as of now).
    const exported = await outcomeOf(stack.runExport({ unitId: baselineUnit, asOf: new Date().toISOString(), format: exportFormat }));
    record({ via: "sql", what: "net effect on an export through the console's path", outcome: exported.ok ? JSON.stringify((exported.value as { result: unknown }).result).slice(0, 240) : `failed: ${exported.error}` });
    // Every item of every snapshot, byte for byte, from the vault snapshots recorded before the attack.
    const readBack = await readAll(baseline.snapshots.map((s) => s.vault_snapshot_id));
    expect([...readBack.keys()].sort()).toEqual([...baseline.items.keys()].sort());
    const differ = [...baseline.items].filter(([k, bytes]) => !readBack.get(k)?.equals(bytes)).map(([k]) => k);
    expect(differ, "items that no longer read back byte for byte").toEqual([]);
    console.log(`[compromised-admin] ${baseline.snapshots.length} snapshots, ${readBack.size} items (${[...readBack.values()].reduce((n, b) => n + b.length, 0)} bytes, sha256 of all ${sha(Buffer.concat([...readBack.values()])).slice(0, 12)}) read back identical`);
    expect.soft((await getRetention(owner.ctx)).effective, "retention unchanged").toEqual(POLICY);
    expect.soft((await getRetention(owner.ctx, { sourceId })).effective, "source retention unchanged").toEqual(POLICY);
    const holds = await listLegalHolds(owner.ctx);
    for (const id of [holdId, hold2Id]) expect.soft(holds.find((h) => h.id === id)?.active, `hold ${id} still active`).toBe(true);
    const members = await listMembers(owner.ctx);
    expect.soft(members.find((m) => m.userId === admin.userId)?.role, "the legit admin is still an admin").toBe("admin");
    expect.soft(members.find((m) => m.userId === owner.userId)?.role, "the owner is still the owner").toBe("owner");
    const protectedAfter = (await listUnits(systemContext(stack.db.app.db, tenantId, "drill"), sourceId)).filter((u) => u.protected).map((u) => u.id).sort();
    expect.soft(protectedAfter, "every unit protected before the attack is still protected (future backups)").toEqual(protectedBefore);

    // Audited: every request created, every refused approval.
    const { rows: events } = await stack.db.owner.pool.query<{ action: string; target_id: string | null }>("select action, target_id from audit_events where tenant_id = $1 order by seq", [tenantId]);
    const created = new Set(events.filter((e) => e.action === "guarded_request.created").map((e) => e.target_id));
    for (const id of requested.filter((r) => r !== forged)) expect.soft(created.has(id), `audit: guarded_request.created for ${id}`).toBe(true);
    // The forged row has no `created` of its own (it came over SQL); the hourly check audited finding it.
    if (forged) expect.soft(events.filter((e) => e.action === "guarded_request.found_unannounced").map((e) => e.target_id), "audit: the forged row found").toEqual([forged]);
    const refusedApprovals = events.filter((e) => e.action === "guarded_request.approve_refused").length;
    const refusedInConsole = attempts.filter((a) => a.via === "console" && (a.what.includes("approves") || a.what.startsWith("guard.approve"))).filter((a) => a.outcome.startsWith("FORBIDDEN")).length;
    expect.soft(refusedApprovals, "audit: every refused approval through the console").toBe(refusedInConsole);
    expect.soft(events.filter((e) => e.action === "guarded_request.approved").length, "audit: the accomplice's approval").toBe(laterApproval.ok ? 1 : 0);
    // The changes that applied at once are audited too.
    expect.soft(events.filter((e) => e.action === "unit.protection_changed").length, "audit: every exclusion that applied").toBe(exclusionsBefore + exclusionsApplied);
    const asked = (await listAuditEvents(owner.ctx, { action: "guarded_request.created" })).items;
    expect.soft(asked.filter((e) => (e.metadata as { kind?: string }).kind === "source.auto_protect_off"), "audit: the source change asked for").toHaveLength(1);
    // The API reads the same chain.
    expect((await listAuditEvents(owner.ctx, { action: "guarded_request.created" })).items.length).toBeGreaterThan(0);
    console.log(`[compromised-admin] audit actions: ${JSON.stringify(events.reduce<Record<string, number>>((m, e) => ({ ...m, [e.action]: (m[e.action] ?? 0) + 1 }), {}))}`);

    // The legitimate admin was told of each pending request (the worker announces; poll).
    const pending = (await listGuardedRequests(admin.ctx, { filter: "open" })).filter((r) => requested.includes(r.id));
    const want = pending.map((r) => `requested: ${r.label.toLowerCase()} (needs a second person's approval)`);
    const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {});
    let got: string[] = [];
    for (let i = 0; i < 80; i++) {
      got = (await subjects(admin.email)).filter((s) => s.startsWith("requested: "));
      if (got.length >= want.length) break;
      await sleep(250);
    }
    for (const [subject, n] of Object.entries(count(want))) expect.soft(count(got)[subject] ?? 0, `mail to the legit admin: ${subject}`).toBeGreaterThanOrEqual(n);
    const all = await subjects(admin.email);
    expect.soft(all, "the legit admin was told of the new approver").toContain(`${accomplice.email} joined as admin`);
    if (laterApproval.ok) {
      for (let i = 0; i < 40 && !(await subjects(admin.email)).includes("approved: shorten retention"); i++) await sleep(250);
      expect.soft(await subjects(admin.email), "the legit admin was told of the accomplice's approval").toContain("approved: shorten retention");
    }

    // The legitimate admin cancels every pending request.
    for (const r of pending) await cancelGuardedRequest(admin.ctx, r.id, { reason: "not us: compromised owner" }, jobs);
    expect((await listGuardedRequests(admin.ctx, { filter: "open" })).filter((r) => requested.includes(r.id))).toEqual([]);
    if (forged) expect.soft(pending.map((r) => r.id), "the forged row was announced and cancelled like the rest").toContain(forged);

    const breaches = attempts.filter((a) => a.breach).map((a) => `${a.via}: ${a.what} → ${a.outcome}`);
    expect(breaches, "attacks that got through").toEqual([]);
  }, 240_000);
});
