import { childLogger } from "@holdfast/logger";
import { z } from "zod";
import type { TenantContext } from "../context";
import { unavailable } from "../errors";
import { failUnstartedRestore, requestRestore } from "../restores/restores";
import type { JobAccepted, JobStarter } from "./types";

const id = z.string().uuid();
const isoInstant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z" });

/** A restore as the API asks for it: what (items, folders, or the whole unit), as of when, to where. */
export const CreateRestoreInput = z.object({
  unitId: id.describe("The unit (mailbox, drive…) the items were backed up from"),
  items: z.array(id).min(1).max(10_000).optional().describe("Item ids (from GET /items) to restore"),
  paths: z
    .array(z.string().startsWith("/", "must start with /").max(8192))
    .min(1)
    .max(1000)
    .optional()
    .describe("Folders to restore with everything under them; `/` is the whole unit. Neither items nor paths = the whole unit"),
  asOf: isoInstant.describe("Restore each item as it was at this time"),
  target: z
    .discriminatedUnion("kind", [z.object({ kind: z.literal("original") }), z.object({ kind: z.literal("unit"), unitId: id.describe("Another unit of the same kind and source") })])
    .default({ kind: "original" }),
  conflict: z.enum(["skip", "copy", "replace"]).default("skip").describe("When the item exists at the target: keep it (skip), write a copy beside it, or replace it"),
  copyFolder: z.string().trim().min(1).max(255).optional().describe("Folder copies (and restores into another unit) are written to"),
});
export type CreateRestoreInput = z.input<typeof CreateRestoreInput>;

/**
 * Records a restore and starts its workflow. If the job runner does not take it, the job is
 * marked failed with the reason and the caller is told to retry (503).
 */
export async function requestRestoreJob(ctx: TenantContext, raw: CreateRestoreInput, jobs: Pick<JobStarter, "startRestore"> | undefined): Promise<JobAccepted> {
  const input = CreateRestoreInput.parse(raw);
  if (!jobs) throw unavailable("Restores cannot be started right now: no job runner is configured");
  const job = await requestRestore(ctx, {
    unitId: input.unitId,
    ...(input.target.kind === "unit" ? { targetUnitId: input.target.unitId } : {}),
    ...(input.items ? { itemIds: input.items } : {}),
    ...(input.paths ? { paths: input.paths } : {}),
    asOf: new Date(input.asOf),
    conflict: input.conflict,
    ...(input.copyFolder ? { copyFolder: input.copyFolder } : {}),
  });
  try {
    await jobs.startRestore({ tenantId: ctx.tenantId, restoreId: job.id });
  } catch (err) {
    childLogger({ tenantId: ctx.tenantId, ...(ctx.requestId ? { requestId: ctx.requestId } : {}), component: "jobs" }).error({ err, restoreId: job.id }, "restore workflow could not be started");
    const reason = "The restore could not be started: the job runner did not accept it. Nothing was restored; try again.";
    await failUnstartedRestore(ctx, job.id, reason);
    throw unavailable(`${reason} (job ${job.id})`);
  }
  return { jobId: job.id };
}
