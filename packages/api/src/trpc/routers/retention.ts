// Retention for the console: the policy in force, overrides, changes, legal holds. The verbs do
// the role checks, turn anything that weakens protection into a guarded request, and write the
// audit rows; the output schemas are the REST API's, so both transports promise the same shapes.
import {
  getRetention,
  LegalHoldRow,
  listLegalHoldRows,
  listRetentionOverrides,
  placeLegalHold,
  PlaceLegalHoldInput,
  releaseLegalHold,
  RetentionOverride,
  RetentionPolicy,
  RetentionScope,
  setRetentionPolicy,
  GuardedRequestView,
} from "@holdfast/services";
import { z } from "zod";
import { LegalHold, Retention, RetentionOutcome } from "../../rest/routes/retention";
import { router, tenantProcedure } from "../init";
import { ById } from "../schemas";

/** Announcements link to the console the request came through. */
export const notifyOf = (ctx: { publicUrl?: string }) => (ctx.publicUrl ? { publicUrl: ctx.publicUrl } : {});

// tRPC merges these with `{ orgId }`, so they cannot be the services' strict schemas; the verbs
// parse their input again with those (unknown fields, `scopeId` rules) and a failure is BAD_REQUEST.
const Id = z.string().min(1).max(100);
const GetInput = z.object({ sourceId: Id.optional(), unitId: Id.optional() });
const SetPolicyInput = z.object({ scope: RetentionScope, scopeId: Id.optional(), policy: RetentionPolicy });
const PlaceInput = z.object(PlaceLegalHoldInput.shape);

export const retentionRouter = router({
  get: tenantProcedure
    .input(GetInput)
    .output(Retention)
    .query(({ ctx, input }) => getRetention(ctx.tenant, { ...(input.sourceId !== undefined ? { sourceId: input.sourceId } : {}), ...(input.unitId !== undefined ? { unitId: input.unitId } : {}) })),

  overrides: tenantProcedure.output(z.array(RetentionOverride)).query(({ ctx }) => listRetentionOverrides(ctx.tenant)),

  setPolicy: tenantProcedure
    .input(SetPolicyInput)
    .output(RetentionOutcome)
    .mutation(({ ctx, input }) =>
      setRetentionPolicy(ctx.tenant, { scope: input.scope, ...(input.scopeId !== undefined ? { scopeId: input.scopeId } : {}), policy: input.policy }, notifyOf(ctx), { guard: ctx.jobs }),
    ),

  legalHolds: router({
    list: tenantProcedure.output(z.array(LegalHoldRow)).query(({ ctx }) => listLegalHoldRows(ctx.tenant)),

    place: tenantProcedure
      .input(PlaceInput)
      .output(LegalHold)
      .mutation(({ ctx, input }) => placeLegalHold(ctx.tenant, { reason: input.reason, ...(input.unitId !== undefined ? { unitId: input.unitId } : {}) }, notifyOf(ctx))),

    /** A release is a guarded request: this asks for it and answers with the request. */
    release: tenantProcedure
      .input(ById)
      .output(GuardedRequestView)
      .mutation(({ ctx, input }) => releaseLegalHold(ctx.tenant, input.id, { guard: ctx.jobs })),
  }),
});
