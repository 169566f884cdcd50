// Exports for the console: request (and start), one, the latest, and each item's outcome. The
// archive itself is downloaded from the REST route (`downloadUrl`), which takes an API key; a
// session-authenticated download needs a web route calling openExportDownload (see docs/api.md).
import { Export, ExportItemOutcome, getExport, listExportItems, listExports, requestExport, RequestExportInput } from "@holdfast/services";
import { z } from "zod";
import { startExport } from "../../rest/routes/exports";
import { router, tenantProcedure } from "../init";
import { ById } from "../schemas";

export const exportsRouter = router({
  request: tenantProcedure
    .input(RequestExportInput)
    .output(Export)
    .mutation(async ({ ctx, input }) => {
      const job = await requestExport(ctx.tenant, input);
      await startExport(ctx.tenant, ctx.jobs, job.id);
      return getExport(ctx.tenant, job.id);
    }),

  get: tenantProcedure
    .input(ById)
    .output(Export)
    .query(({ ctx, input }) => getExport(ctx.tenant, input.id)),

  list: tenantProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.array(Export))
    .query(({ ctx, input }) => listExports(ctx.tenant, { limit: input.limit })),

  items: tenantProcedure
    .input(ById.extend({ limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) }))
    .output(z.array(ExportItemOutcome))
    .query(({ ctx, input }) => listExportItems(ctx.tenant, input.id, { limit: input.limit, offset: input.offset })),
});
