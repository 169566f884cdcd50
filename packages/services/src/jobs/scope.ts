// Which restore/export jobs a caller may see. Members: every job of the organisation. Self-service
// (ADR 0016): only the jobs that person requested, and only about units that are theirs now (a
// former member keeps no sight of restores they ran for other people's units).
import { and, inArray, eq, restoreJobs, sql } from "@holdfast/db";
import type { SQL } from "drizzle-orm";
import { unitScope, type TenantContext } from "../context";

/** The filter a restore_jobs read adds: `undefined` for members. */
export function ownJobsOnly(ctx: TenantContext): SQL | undefined {
  const scope = unitScope(ctx);
  if (!scope) return undefined;
  if (ctx.actor.type !== "user" || scope.length === 0) return sql`false`;
  return and(eq(restoreJobs.requestedByUserId, ctx.actor.id), inArray(restoreJobs.unitId, [...scope]));
}
