import { and, backupRuns, desc, eq, restoreJobs, sql, withTenant } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../catalogue/map";
import { isSelfService, requireUnitAccess, type TenantContext } from "../context";
import { validation } from "../errors";
import { findSource } from "../sources/guards";
import { restoreCounts } from "./get-job";
import { backupJob, restoreJob } from "./map";
import { ownJobsOnly } from "./scope";
import { ListJobsInput, type JobListItem, type JobPage } from "./types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROS = /^\d{1,19}$/;

/** The time column as microseconds since the epoch (exact, unlike a JS Date), for the cursor. */
const micros = (col: SQL | typeof backupRuns.startedAt | typeof restoreJobs.createdAt) => sql<string>`(extract(epoch from ${col}) * 1000000)::bigint::text`;
const atMicros = (m: string) => sql`(timestamptz 'epoch' + ${m}::bigint * interval '1 microsecond')`;

/** Newest first: time, then id, both descending (uuids compare as their lowercase text). */
function newerFirst(a: { at: bigint; id: string }, b: { at: bigint; id: string }): number {
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/**
 * Backups, restores and exports of the organisation (or one source), newest first. Each table is
 * read by keyset from the cursor and the two merged, so pages stay stable as new jobs arrive.
 * A self-service person sees only the restores and exports they requested (ADR 0016).
 */
export async function listJobs(ctx: TenantContext, raw: ListJobsInput): Promise<JobPage> {
  const input = ListJobsInput.parse(raw);
  requireUnitAccess(ctx, "viewer", "Listing jobs", []);
  const selfService = isSelfService(ctx);
  const after = input.cursor ? decodeCursor(input.cursor, ["string", "string"]) : null;
  if (after && (!MICROS.test(String(after[0])) || !UUID.test(String(after[1])))) throw validation("cursor must be a cursor returned by a previous page");
  const [afterAt, afterId] = after ? [String(after[0]), String(after[1])] : [null, null];
  const wantBackups = !selfService && (!input.kind || input.kind === "backup");
  const wantRestores = !input.kind || input.kind !== "backup";
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    // Self-service: the source only narrows their own jobs; whether it exists is not theirs to learn.
    if (input.sourceId && !selfService) await findSource(tx, ctx.tenantId, input.sourceId);
    const rows: { at: bigint; id: string; job: () => JobListItem }[] = [];
    if (wantBackups) {
      const runs = await tx
        .select({ r: backupRuns, at: micros(backupRuns.startedAt) })
        .from(backupRuns)
        .where(
          and(
            eq(backupRuns.tenantId, ctx.tenantId),
            input.sourceId ? eq(backupRuns.sourceId, input.sourceId) : undefined,
            afterAt && afterId ? sql`(${backupRuns.startedAt}, ${backupRuns.id}) < (${atMicros(afterAt)}, ${afterId}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(backupRuns.startedAt), desc(backupRuns.id))
        .limit(input.limit + 1);
      for (const { r, at } of runs) rows.push({ at: BigInt(at), id: r.id, job: () => backupJob(r) });
    }
    if (wantRestores) {
      const jobs = await tx
        .select({ r: restoreJobs, at: micros(restoreJobs.createdAt) })
        .from(restoreJobs)
        .where(
          and(
            eq(restoreJobs.tenantId, ctx.tenantId),
            input.sourceId ? eq(restoreJobs.sourceId, input.sourceId) : undefined,
            input.kind && input.kind !== "backup" ? eq(restoreJobs.kind, input.kind) : undefined,
            ownJobsOnly(ctx),
            afterAt && afterId ? sql`(${restoreJobs.createdAt}, ${restoreJobs.id}) < (${atMicros(afterAt)}, ${afterId}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(restoreJobs.createdAt), desc(restoreJobs.id))
        .limit(input.limit + 1);
      const counts = await restoreCounts(
        tx,
        ctx.tenantId,
        jobs.map((j) => j.r.id),
      );
      for (const { r, at } of jobs) {
        const c = counts.get(r.id) ?? { done: 0, warnings: 0 };
        rows.push({ at: BigInt(at), id: r.id, job: () => restoreJob(r, c.done, c.warnings) });
      }
    }
    rows.sort(newerFirst);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return { items: page.map((r) => r.job()), nextCursor: rows.length > input.limit && last ? encodeCursor([last.at.toString(), last.id]) : null };
  });
}
