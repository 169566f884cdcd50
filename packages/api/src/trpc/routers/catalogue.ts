// The console's view of backups and restores: the same verbs as /api/v1 (jobs, on-demand backups,
// snapshots, browse/search, versions, restores), with the job runner from the context.
import {
  CreateRestoreInput,
  findItems,
  FindItemsInput,
  getJob,
  getUnit,
  getRestore,
  GuardedRequestView,
  ItemPage,
  ItemVersion,
  Job,
  JobAccepted,
  JobPage,
  listItemVersions,
  listJobs,
  ListJobsInput,
  listOwnUnits,
  listRestoreItemPage,
  ListRestoreItemsInput,
  listSnapshots,
  ListSnapshotsInput,
  requestBackup,
  RequestBackupInput,
  requestErasure,
  RequestErasureInput,
  requestRestoreJob,
  RestoreItemPage,
  RestoreJobView,
  search,
  SearchInput,
  SearchPage,
  SnapshotPage,
  SourceDetail,
  Unit,
} from "@holdfast/services";
import { backupWorkflowIds } from "@holdfast/workflows/contracts";
import { z } from "zod";
import { router, tenantProcedure } from "../init";
import { ById } from "../schemas";

/** One unit as the console's browse pages show it: with its source and its last restore point. */
export const CatalogueUnit = Unit.extend({
  source: SourceDetail.pick({ id: true, displayName: true, provider: true }),
  /** When the unit's newest committed snapshot was taken; null before its first backup. */
  lastBackupAt: z.string().datetime().nullable(),
});
export type CatalogueUnit = z.infer<typeof CatalogueUnit>;

// tRPC merges this with `{ orgId }`, so it cannot be the service's strict schema; the verb parses its input again with that.
const ErasureInput = z.object(RequestErasureInput.shape);

export const catalogueRouter = router({
  /** One unit with its source and last backup (browse page header, restore wizard). */
  unit: tenantProcedure
    .input(ById)
    .output(CatalogueUnit)
    .query(({ ctx, input }) => getUnit(ctx.tenant, input.id)),

  /**
   * The units the signed-in person owns in this organisation (self-service browse, ADR 0016), one
   * flat list with each unit's source and last backup. Members are refused: they browse by source.
   */
  ownUnits: tenantProcedure.output(z.array(CatalogueUnit)).query(({ ctx }) => listOwnUnits(ctx.tenant)),

  /**
   * Search every version with the console's filters (text, kinds, folder, item date range,
   * sender/owner, deleted only), in one unit (`unitIds`) or the whole organisation. Units are
   * checked first, so another organisation's unit id is NOT_FOUND rather than an empty page.
   */
  search: tenantProcedure
    .input(SearchInput)
    .output(SearchPage)
    .query(async ({ ctx, input }) => {
      const { orgId: _orgId, ...query } = input;
      for (const unitId of new Set(query.unitIds ?? [])) await listSnapshots(ctx.tenant, { unitId, limit: 1 });
      return search(ctx.tenant, query);
    }),

  jobs: router({
    get: tenantProcedure
      .input(ById)
      .output(Job)
      .query(({ ctx, input }) => getJob(ctx.tenant, input.id)),
    /** Newest first; pass `nextCursor` back as `cursor`. */
    list: tenantProcedure
      .input(ListJobsInput)
      .output(JobPage)
      .query(({ ctx, input }) => listJobs(ctx.tenant, { sourceId: input.sourceId, kind: input.kind, cursor: input.cursor, limit: input.limit })),
  }),

  /** On-demand backup of a source (or some of its units); follow the job with `jobs.get`. */
  requestBackup: tenantProcedure
    .input(RequestBackupInput.extend({ sourceId: z.string().min(1).max(100) }))
    .output(JobAccepted)
    .mutation(({ ctx, input }) =>
      requestBackup(ctx.tenant, input.sourceId, input.unitIds ? { unitIds: input.unitIds } : {}, { jobs: ctx.jobs, workflowId: backupWorkflowIds.backupSource }),
    ),

  /**
   * Erase items from the backups: always a guarded request (`items.erase`), shown by the console as
   * "Requested: …"; nothing is hidden until a second person approves it and the delay has passed.
   */
  requestErasure: tenantProcedure
    .input(ErasureInput)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => requestErasure(ctx.tenant, { itemIds: input.itemIds, reason: input.reason }, { guard: ctx.jobs })),

  snapshots: tenantProcedure
    .input(ListSnapshotsInput)
    .output(SnapshotPage)
    .query(({ ctx, input }) => listSnapshots(ctx.tenant, { sourceId: input.sourceId, unitId: input.unitId, cursor: input.cursor, limit: input.limit })),

  items: router({
    /** Browse a folder as of a time, or search every version (with `q`, `kind` or `deleted`). */
    find: tenantProcedure
      .input(FindItemsInput)
      .output(ItemPage)
      .query(({ ctx, input }) => {
        const { orgId: _orgId, ...query } = input;
        return findItems(ctx.tenant, query);
      }),
    versions: tenantProcedure
      .input(ById)
      .output(z.array(ItemVersion))
      .query(({ ctx, input }) => listItemVersions(ctx.tenant, input.id)),
  }),

  restores: router({
    request: tenantProcedure
      .input(CreateRestoreInput)
      .output(JobAccepted)
      .mutation(({ ctx, input }) => {
        const { orgId: _orgId, ...body } = input;
        return requestRestoreJob(ctx.tenant, body, ctx.jobs);
      }),
    get: tenantProcedure
      .input(ById)
      .output(RestoreJobView)
      .query(({ ctx, input }) => getRestore(ctx.tenant, input.id)),
    items: tenantProcedure
      .input(ListRestoreItemsInput.extend({ id: z.string().min(1).max(100) }))
      .output(RestoreItemPage)
      .query(({ ctx, input }) => listRestoreItemPage(ctx.tenant, input.id, { cursor: input.cursor, limit: input.limit })),
  }),
});
