import { AuditDigestList, AuditEventPage, GetAuditDigestInput, getAuditDigest, listAuditDigests, ListAuditDigestsInput, listAuditEvents, ListAuditEventsInput, SignedAuditDigest } from "@holdfast/services";
import { router, tenantProcedure } from "../init";

export const auditRouter = router({
  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list: tenantProcedure
    .input(ListAuditEventsInput)
    .output(AuditEventPage)
    .query(({ ctx, input }) => listAuditEvents(ctx.tenant, { cursor: input.cursor ?? undefined, limit: input.limit, action: input.action || undefined, actorId: input.actorId })),
  /** Signed daily digests, newest day first, with the organisation's public key (viewer+). */
  digests: tenantProcedure
    .input(ListAuditDigestsInput)
    .output(AuditDigestList)
    .query(({ ctx, input }) => listAuditDigests(ctx.tenant, input)),
  /** One day's digest as written to the vault: `{payload, signature}`. */
  digest: tenantProcedure
    .input(GetAuditDigestInput)
    .output(SignedAuditDigest)
    .query(({ ctx, input }) => getAuditDigest(ctx.tenant, input)),
});
