import { AuditEventPage, listAuditEvents, ListAuditEventsInput } from "@holdfast/services";
import { router, tenantProcedure } from "../init";

export const auditRouter = router({
  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list: tenantProcedure
    .input(ListAuditEventsInput)
    .output(AuditEventPage)
    .query(({ ctx, input }) => listAuditEvents(ctx.tenant, { cursor: input.cursor ?? undefined, limit: input.limit, action: input.action || undefined, actorId: input.actorId })),
});
