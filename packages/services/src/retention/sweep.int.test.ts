// The catalogue side of the retention sweep against a real database (docs/adr/0018, "Sweep"):
// held snapshots are listed for extension and never expire, the rest expire once past their
// retain-until, the sweep is logged and audited once — and the database's own guard (migration
// 0022) holds the same line for anyone writing SQL with the worker's role (the application role
// may not write snapshots at all, migration 0036).
import { randomBytes } from "node:crypto";
import { and, auditEvents, eq, retentionSweeps, snapshots, sql, tenantVaults, withTenant } from "@holdfast/db";
import { createTestDatabase, type TestDatabase } from "@holdfast/db/testing";
import type { SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commitSnapshot,
  expireSnapshots,
  finishRetentionSweep,
  finishRun,
  heldSnapshotsToExtend,
  listSnapshots,
  openSnapshot,
  placeLegalHold,
  recordHeldExtension,
  recordSweepGcReport,
  registerSource,
  retentionSweepTenants,
  signUp,
  startRetentionSweep,
  startRun,
  syncDiscoveredUnits,
  systemContext,
  type TenantContext,
} from "../index";
import { codeOf } from "../test-support";

process.env.HOLDFAST_KEK ??= randomBytes(32).toString("base64");

const DAY = 86_400_000;
let t: TestDatabase;

async function newTenant(label: string) {
  const email = `${label}-${randomBytes(3).toString("hex")}@example.test`;
  const { userId, organization } = await signUp(t.app.db, { email, password: "a long enough password", organizationName: `${label} Ltd` });
  const owner: TenantContext = { db: t.app.db, tenantId: organization.id, actor: { type: "user", id: userId }, role: "owner" };
  const worker = systemContext(t.worker.db, organization.id, "sweep-test");
  const source = await registerSource(owner, { provider: "google", displayName: `${label}.example`, credentials: { refreshToken: "1//refresh" } });
  const { added } = await syncDiscoveredUnits(worker, { sourceId: source.id, units: ["free", "held"].map((x) => ({ kind: "drive" as const, externalId: x, displayName: `Drive ${x}` })) });
  const [free, held] = added.map((u) => u.id) as [string, string];
  return { owner, worker, tenantId: organization.id, sourceId: source.id, free, held };
}
type Tenant = Awaited<ReturnType<typeof newTenant>>;

let seq = 0;
/** A committed snapshot of `unitId` kept until `retainUntil` (committed now, whatever the date). */
async function committed(tn: Tenant, unitId: string, retainUntil: Date): Promise<string> {
  const run = await startRun(tn.worker, { sourceId: tn.sourceId, trigger: "scheduled", workflowId: `backup:${tn.sourceId}:${++seq}` });
  const snap = await openSnapshot(tn.worker, { unitId, runId: run.id });
  await commitSnapshot(tn.worker, snap.id, { vaultSnapshotId: `vs-${seq}`, retainUntil });
  await finishRun(tn.worker, run.id, { outcome: "finished" });
  return snap.id;
}
const row = async (id: string) => (await t.owner.db.select().from(snapshots).where(eq(snapshots.id, id)))[0];
const past = () => new Date(Date.now() - DAY);
const future = () => new Date(Date.now() + DAY);

beforeAll(async () => {
  t = await createTestDatabase("retention-sweep");
});

afterAll(async () => {
  await t?.drop();
});

describe("the sweep's catalogue verbs", () => {
  let A: Tenant;
  let B: Tenant;
  beforeAll(async () => {
    A = await newTenant("sweep-a");
    B = await newTenant("sweep-b");
  });

  it("expire unheld snapshots past their date only, and list held ones due within 30 days for extension", async () => {
    const gone = await committed(A, A.free, past());
    const kept = await committed(A, A.free, future());
    const heldDue = await committed(A, A.held, past());
    const heldSoon = await committed(A, A.held, new Date(Date.now() + 20 * DAY));
    const heldLater = await committed(A, A.held, new Date(Date.now() + 45 * DAY));
    // B: an organisation-wide hold covers every unit.
    const bPast = await committed(B, B.free, past());
    await placeLegalHold(A.owner, { unitId: A.held, reason: "litigation A" });
    await placeLegalHold(B.owner, { reason: "regulator B" });

    const now = new Date();
    // Due within 30 days and kept: held ones, and the free unit's latest (never expired: the last restore point and the next backup's parent).
    expect((await heldSnapshotsToExtend(A.worker, now, 10)).map((s) => s.snapshotId)).toEqual([heldDue, kept, heldSoon]);
    expect((await heldSnapshotsToExtend(B.worker, now, 10)).map((s) => s.snapshotId)).toEqual([bPast]);

    expect(await expireSnapshots(A.worker, now)).toBe(1);
    expect(await expireSnapshots(B.worker, now)).toBe(0);
    expect(await row(gone)).toMatchObject({ status: "expired", expiredAt: expect.any(Date) as unknown });
    for (const id of [kept, heldDue, heldSoon, heldLater, bPast]) expect((await row(id))?.status).toBe("committed");
    // No longer a restore point.
    expect((await listSnapshots(A.owner, { unitId: A.free })).items.map((s) => s.id)).toEqual([kept]);
    expect(await expireSnapshots(A.worker, now)).toBe(0);

    // Extending moves the date later (never earlier) and takes the snapshot off the due list.
    const until = new Date(Date.now() + 60 * DAY);
    await recordHeldExtension(A.worker, heldDue, until);
    await recordHeldExtension(A.worker, heldSoon, until);
    await recordHeldExtension(A.worker, kept, until);
    expect((await row(heldDue))?.retainUntil).toEqual(until);
    await recordHeldExtension(A.worker, heldDue, new Date(Date.now() + DAY));
    expect((await row(heldDue))?.retainUntil).toEqual(until);
    expect(await heldSnapshotsToExtend(A.worker, new Date(), 10)).toEqual([]);
  });

  it("keep a snapshot whose captured versions a live snapshot still shows, and a unit's latest, past their date", async () => {
    const first = await committed(A, A.free, past());
    const second = await committed(A, A.free, new Date(Date.now() + 90 * DAY));
    // An item first captured in `first`, unchanged since: `second` shows it and restores read it from `first`'s manifest.
    const [s1] = (await t.owner.pool.query<{ vault_snapshot_id: string; seq: number }>("select vault_snapshot_id, seq from snapshots where id = $1", [first])).rows;
    const [item] = (
      await t.owner.pool.query<{ id: string }>(
        "insert into items (tenant_id, unit_id, external_id, kind, first_seen_at) values ($1, $2, 'ext-1', 'file', now()) returning id",
        [A.tenantId, A.free],
      )
    ).rows;
    await t.owner.pool.query(
      "insert into item_versions (tenant_id, unit_id, item_id, kind, version, name, path, parent_path, captured_at, first_seq, vault_snapshot_id) values ($1, $2, $3, 'file', 'v1', 'a.txt', '/a.txt', '/', now(), $4, $5)",
      [A.tenantId, A.free, item!.id, s1!.seq, s1!.vault_snapshot_id],
    );
    expect((await heldSnapshotsToExtend(A.worker, new Date(), 10)).map((s) => s.snapshotId)).toContain(first);
    await expireSnapshots(A.worker);
    expect((await row(first))?.status).toBe("committed");
    expect((await row(second))?.status).toBe("committed");
  });

  it("let a removed source's units lose their latest snapshot at its date (held ones stay); a connected source's keep it", async () => {
    const C = await newTenant("sweep-removed");
    const D = await newTenant("sweep-connected");
    const removedLatest = await committed(C, C.free, past());
    const removedHeld = await committed(C, C.held, past());
    const connectedLatest = await committed(D, D.free, past());
    await placeLegalHold(C.owner, { unitId: C.held, reason: "case 12" });
    // What the guard's source.remove does (only the guard may; here the database owner stands in for it).
    await t.owner.pool.query("update sources set status = 'removed', removed_at = now(), credentials_enc = null, schedule_paused = true where id = $1", [C.sourceId]);

    expect((await heldSnapshotsToExtend(C.worker, new Date(), 10)).map((s) => s.snapshotId)).toEqual([removedHeld]);
    expect((await heldSnapshotsToExtend(D.worker, new Date(), 10)).map((s) => s.snapshotId)).toEqual([connectedLatest]);
    expect(await expireSnapshots(C.worker)).toBe(1);
    expect(await expireSnapshots(D.worker)).toBe(0);
    expect((await row(removedLatest))?.status).toBe("expired");
    expect((await row(removedHeld))?.status).toBe("committed");
    expect((await row(connectedLatest))?.status).toBe("committed");
  });

  it("are the worker's only", async () => {
    expect(await codeOf(expireSnapshots(A.owner))).toBe("FORBIDDEN");
    expect(await codeOf(startRetentionSweep(A.owner))).toBe("FORBIDDEN");
    expect(await codeOf(heldSnapshotsToExtend(A.owner, new Date(), 10))).toBe("FORBIDDEN");
  });

  it("log the sweep, audit it once, and list only tenants with a vault", async () => {
    const sweepId = await startRetentionSweep(A.worker);
    await recordSweepGcReport(A.worker, sweepId, { dryRun: false, snapshotsDeleted: 3, packsDeleted: 5, indexesDeleted: 1, problemCount: 0 });
    await finishRetentionSweep(A.worker, sweepId, { expiredSnapshots: 1, heldExtended: 2 });
    // A retried activity finishing it again changes nothing.
    await finishRetentionSweep(A.worker, sweepId, { expiredSnapshots: 9, heldExtended: 9, error: "late" });
    const [logged] = await t.owner.db.select().from(retentionSweeps).where(eq(retentionSweeps.id, sweepId));
    expect(logged).toMatchObject({ status: "completed", expiredSnapshots: 1, heldExtended: 2, error: null, finishedAt: expect.any(Date) as unknown });
    const audited = await t.owner.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, A.tenantId), eq(auditEvents.action, "retention.swept")));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: "system", targetId: sweepId, metadata: { status: "completed", expiredSnapshots: 1, heldExtended: 2, gc: { snapshotsDeleted: 3, packsDeleted: 5 } } });

    const failed = await startRetentionSweep(A.worker);
    await finishRetentionSweep(A.worker, failed, { expiredSnapshots: 0, heldExtended: 0, error: "vault unreachable" });
    expect((await t.owner.db.select().from(retentionSweeps).where(eq(retentionSweeps.id, failed)))[0]).toMatchObject({ status: "failed", error: "vault unreachable" });

    expect(await retentionSweepTenants(t.worker.db)).not.toContain(A.tenantId);
    await t.owner.db.insert(tenantVaults).values({ tenantId: A.tenantId, bucket: `hf-test-${randomBytes(4).toString("hex")}`, vaultId: "ab", writerEnc: "v1.x", readerEnc: "v1.x", gcEnc: "v1.x", kmsKeyId: "local:test" });
    expect(await retentionSweepTenants(t.worker.db)).toEqual([A.tenantId]);
  });
});

describe("the database's own guard on expiry, for a writer with the worker's role", () => {
  let E: Tenant;
  const refusal = async (statement: SQL, db = t.worker.db): Promise<string> => {
    try {
      await withTenant(db, E.tenantId, (tx) => tx.execute(statement));
    } catch (err) {
      const e = err as Error & { cause?: Error };
      return e.cause?.message ?? e.message;
    }
    return "accepted";
  };
  const expire = (id: string) => sql`update snapshots set status = 'expired', expired_at = now() where id = ${id}`;

  beforeAll(async () => {
    E = await newTenant("sweep-e");
  });

  it("lets only a committed, unheld snapshot past its retain-until expire, and nothing leave `expired`", async () => {
    const due = await committed(E, E.free, past());
    const notYet = await committed(E, E.free, future());
    const heldDue = await committed(E, E.held, past());
    const other = await committed(E, E.free, past());
    await placeLegalHold(E.owner, { unitId: E.held, reason: "litigation E" });
    const run = await startRun(E.worker, { sourceId: E.sourceId, trigger: "scheduled", workflowId: `backup:${E.sourceId}:open` });
    const open = await openSnapshot(E.worker, { unitId: E.free, runId: run.id });

    // The console's role may not expire (or otherwise write) a snapshot at all.
    expect(await refusal(expire(due), t.app.db)).toMatch(/permission denied for table snapshots/);
    expect(await refusal(expire(notYet))).toMatch(/before its retain-until/);
    expect(await refusal(expire(heldDue))).toMatch(/legal hold/);
    expect(await refusal(expire(open.id))).toMatch(/only a committed snapshot/);
    expect(await refusal(sql`update snapshots set status = 'expired', retain_until = null where id = ${notYet}`)).toMatch(/retain-until/);
    expect(await refusal(expire(due))).toBe("accepted");
    expect(await refusal(sql`update snapshots set status = 'committed' where id = ${due}`)).toMatch(/cannot become a restore point again/);
    expect(await refusal(sql`alter table snapshots disable trigger snapshots_expiry_guard`)).toMatch(/must be owner/);
    expect((await row(due))?.status).toBe("expired");
    expect((await row(notYet))?.status).toBe("committed");
    expect((await row(heldDue))?.status).toBe("committed");

    // An organisation-wide hold covers every unit.
    await placeLegalHold(E.owner, { reason: "regulator E" });
    expect(await refusal(expire(other))).toMatch(/legal hold/);
  });
});
