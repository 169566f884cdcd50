// Guarded requests for the console (docs/adr/0020-guarded-requests.md): list, read, approve (a
// person with a fresh TOTP code), cancel, and the organisation's delay and guardians. The verbs do
// every check and audit row; the job runner is the guard's port (`{ guard: ctx.jobs }`).
import {
  approveGuardedRequest,
  ApproveGuardedRequestInput,
  cancelGuardedRequest,
  CancelGuardedRequestInput,
  getGuardedRequest,
  getGuardSettings,
  GuardedRequestView,
  listGuardedRequests,
  ListGuardedRequestsInput,
  setGuardDelay,
  SetGuardDelayInput,
  setGuardian,
  SetGuardianInput,
} from "@holdfast/services";
import { z } from "zod";
import { GuardianChange, guardedOutcome, GuardSettings } from "../../rest/routes/guard";
import { router, tenantProcedure } from "../init";
import { ById } from "../schemas";
import { notifyOf } from "./retention";

// tRPC merges these with `{ orgId }`, so they cannot be the services' strict schemas; the verbs
// parse their input again with those.
const ListInput = z.object({ filter: ListGuardedRequestsInput.shape.filter });
const ApproveInput = ById.extend(ApproveGuardedRequestInput.shape);
const CancelInput = ById.extend(CancelGuardedRequestInput.shape);
const DelayInput = z.object(SetGuardDelayInput.shape);
const GuardianInput = z.object(SetGuardianInput.shape);

export const guardRouter = router({
  list: tenantProcedure
    .input(ListInput)
    .output(z.array(GuardedRequestView))
    .query(({ ctx, input }) => listGuardedRequests(ctx.tenant, { filter: input.filter })),

  get: tenantProcedure
    .input(ById)
    .output(GuardedRequestView)
    .query(({ ctx, input }) => getGuardedRequest(ctx.tenant, input.id)),

  approve: tenantProcedure
    .input(ApproveInput)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => approveGuardedRequest(ctx.tenant, input.id, { code: input.code }, ctx.jobs)),

  cancel: tenantProcedure
    .input(CancelInput)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => cancelGuardedRequest(ctx.tenant, input.id, input.reason !== undefined ? { reason: input.reason } : {}, ctx.jobs)),

  settings: tenantProcedure.output(GuardSettings).query(({ ctx }) => getGuardSettings(ctx.tenant)),

  setDelay: tenantProcedure
    .input(DelayInput)
    .output(guardedOutcome(GuardSettings))
    .mutation(({ ctx, input }) => setGuardDelay(ctx.tenant, { hours: input.hours }, { guard: ctx.jobs }, notifyOf(ctx))),

  setGuardian: tenantProcedure
    .input(GuardianInput)
    .output(guardedOutcome(GuardianChange))
    .mutation(({ ctx, input }) => setGuardian(ctx.tenant, { userId: input.userId, guardian: input.guardian }, { guard: ctx.jobs })),
});
