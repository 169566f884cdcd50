// Restore drills (issue 7's verifyVault): the worker opens a drill, takes a sample of current item
// versions to restore into scratch space, and closes the drill with what it measured. The verdict
// is decided here, audited as `drill.passed` / `drill.failed`, and a failed drill is announced to
// the admins (after the commit: an announcement never undoes what it reports).
import { and, desc, eq, sql, vaultDrills, withTenant, type VaultDrill } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { forbidden } from "../errors";
import { announceToAdmins } from "../notify/announce";
import { DrillResult, ListDrillsInput, type Drill, type DrillSampleItem } from "./types";

/** Problems kept on a drill's row (and in its audit event); the rest are counted. */
export const DRILL_PROBLEMS_KEPT = 50;
export const DRILL_SAMPLE_ITEMS = 20;
export const DRILL_SAMPLE_PER_UNIT = 3;

function requireWorker(ctx: TenantContext): void {
  if (ctx.actor.type !== "system") throw forbidden("Restore drills are run by the worker only");
}

function toDrill(r: VaultDrill): Drill {
  return {
    id: r.id,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    snapshotsChecked: r.snapshotsChecked,
    packsChecked: r.packsChecked,
    itemsSampled: r.itemsSampled,
    itemsMatched: r.itemsMatched,
    bytesRestored: r.bytesRestored,
    restoreMs: r.restoreMs,
    problems: r.problems,
  };
}

/** Opens a drill (`running`); its id. */
export async function startDrill(ctx: TenantContext, now = new Date()): Promise<string> {
  requireWorker(ctx);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx.insert(vaultDrills).values({ tenantId: ctx.tenantId, startedAt: now }).returning({ id: vaultDrills.id });
    if (!row) throw new Error("vault drill insert returned no row");
    return row.id;
  });
}

/**
 * Up to `limit` random current item versions with a content hash, stored in a snapshot the
 * catalogue has committed, at most `perUnit` from any one unit (so one large mailbox does not fill
 * the sample).
 */
export async function sampleDrillItems(ctx: TenantContext, opts: { limit?: number; perUnit?: number } = {}): Promise<DrillSampleItem[]> {
  requireWorker(ctx);
  const limit = opts.limit ?? DRILL_SAMPLE_ITEMS;
  const perUnit = opts.perUnit ?? DRILL_SAMPLE_PER_UNIT;
  const res = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.execute<{ id: string; unit_id: string; vault_snapshot_id: string; vault_path: string; path: string; content_sha256: string; size: string | number | null }>(sql`
      select id, unit_id, vault_snapshot_id, vault_path, path, content_sha256, size from (
        select v.id, v.unit_id, v.vault_snapshot_id, v.vault_path, v.path, v.content_sha256, v.size,
               row_number() over (partition by v.unit_id order by random()) as n
          from item_versions v
         where v.tenant_id = ${ctx.tenantId} and v.superseded_at is null and v.kind <> 'folder'
           -- An erased item is beyond use (ADR 0023): a drill must not read it back either.
           and v.erased_at is null and v.expired_at is null and not exists (select 1 from items i where i.id = v.item_id and i.erased_at is not null)
           and v.content_sha256 is not null and v.vault_snapshot_id is not null and v.vault_path is not null
           and exists (select 1 from snapshots s where s.tenant_id = v.tenant_id and s.vault_snapshot_id = v.vault_snapshot_id and s.status = 'committed')
      ) x
      where n <= ${perUnit}
      order by random()
      limit ${limit}`),
  );
  return res.rows.map((r) => ({
    versionId: r.id,
    unitId: r.unit_id,
    vaultSnapshotId: r.vault_snapshot_id,
    vaultPath: r.vault_path,
    path: r.path,
    contentSha256: r.content_sha256,
    size: r.size === null ? null : Number(r.size),
  }));
}

/**
 * Closes a running drill with what the worker measured: `passed` only with no problem and every
 * sampled item matched. A retried call after the first committed changes nothing and returns the
 * recorded status.
 */
export async function finishDrill(ctx: TenantContext, drillId: string, raw: DrillResult, now = new Date()): Promise<"passed" | "failed"> {
  requireWorker(ctx);
  const r = DrillResult.parse(raw);
  const status: "passed" | "failed" = r.problems.length === 0 && r.itemsMatched === r.itemsSampled ? "passed" : "failed";
  const problems = r.itemsMatched < r.itemsSampled && r.problems.length === 0 ? [{ object: "sample", problem: `${r.itemsSampled - r.itemsMatched} items did not match` }] : r.problems;
  const kept = problems.length > DRILL_PROBLEMS_KEPT ? [...problems.slice(0, DRILL_PROBLEMS_KEPT - 1), { object: "drill", problem: `and ${problems.length - DRILL_PROBLEMS_KEPT + 1} more problems` }] : problems;
  const closed = await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .update(vaultDrills)
      .set({
        status,
        finishedAt: now,
        snapshotsChecked: r.snapshotsChecked,
        packsChecked: r.packsChecked,
        itemsSampled: r.itemsSampled,
        itemsMatched: r.itemsMatched,
        bytesRestored: r.bytesRestored,
        restoreMs: r.restoreMs,
        problems: kept,
      })
      .where(and(eq(vaultDrills.id, drillId), eq(vaultDrills.tenantId, ctx.tenantId), eq(vaultDrills.status, "running")))
      .returning({ id: vaultDrills.id });
    if (!row) {
      const [prev] = await tx.select({ status: vaultDrills.status }).from(vaultDrills).where(and(eq(vaultDrills.id, drillId), eq(vaultDrills.tenantId, ctx.tenantId)));
      if (!prev) throw new Error(`vault drill ${drillId} does not exist in tenant ${ctx.tenantId}`);
      return { status: prev.status === "passed" ? ("passed" as const) : ("failed" as const), first: false };
    }
    await audit(tx, ctx, status === "passed" ? "drill.passed" : "drill.failed", { type: "vault_drill", id: drillId }, {
      snapshotsChecked: r.snapshotsChecked,
      packsChecked: r.packsChecked,
      itemsSampled: r.itemsSampled,
      itemsMatched: r.itemsMatched,
      bytesRestored: r.bytesRestored,
      restoreMs: r.restoreMs,
      problems: kept.slice(0, 10),
      problemCount: problems.length,
    });
    return { status, first: true };
  });
  if (closed.first && closed.status === "failed") {
    const listed = kept.slice(0, 10).map((p) => `- ${p.object}: ${p.problem}`);
    await announceToAdmins(ctx.db, ctx.tenantId, {
      about: "drill.failed",
      actor: ctx.actor,
      subject: "a restore drill failed",
      text: [
        `Holdfast's restore drill of your vault found ${problems.length === 1 ? "a problem" : `${problems.length} problems`}: of ${r.itemsSampled} sampled items, ${r.itemsMatched} restored with the content the catalogue records; ${r.packsChecked} packs were verified.`,
        "",
        ...listed,
        ...(problems.length > listed.length ? [`- and ${problems.length - listed.length} more (see the overview in the console)`] : []),
        "",
        "Nothing was restored to your accounts: drills restore into scratch space on Holdfast's worker. Until this is understood, treat the backups named above as suspect.",
      ].join("\n"),
      at: now,
    });
  }
  return closed.status;
}

/** The tenant's latest drills, newest first. */
export async function listDrills(ctx: TenantContext, input: ListDrillsInput = {}): Promise<Drill[]> {
  requireRole(ctx, "viewer", "Viewing restore drills");
  const { limit } = ListDrillsInput.parse(input);
  const rows = await withTenant(ctx.db, ctx.tenantId, (tx) =>
    tx.select().from(vaultDrills).where(eq(vaultDrills.tenantId, ctx.tenantId)).orderBy(desc(vaultDrills.startedAt), desc(vaultDrills.id)).limit(limit),
  );
  return rows.map(toDrill);
}

/** The latest drill, or null before any ran. */
export async function latestDrill(ctx: TenantContext): Promise<Drill | null> {
  return (await listDrills(ctx, { limit: 1 }))[0] ?? null;
}
