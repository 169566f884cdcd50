import { closeOrganization, CloseOrganizationInput, getOrganization, getSelfServiceSettings, GuardedRequestView, Organization, setSelfServiceSettings } from "@holdfast/services";
import { z } from "zod";
import { router, tenantProcedure } from "../init";

const SelfService = z.object({ enabled: z.boolean() });
// tRPC merges this with `{ orgId }`, so it cannot be the service's strict schema; the verb parses its input again with that.
const CloseInput = z.object(CloseOrganizationInput.shape);

export const organizationRouter = router({
  get: tenantProcedure.output(Organization).query(({ ctx }) => getOrganization(ctx.tenant, ctx.tenant.tenantId)),
  /** End-user self-service (ADR 0016): members read it, admins switch it. */
  selfService: tenantProcedure.output(SelfService).query(({ ctx }) => getSelfServiceSettings(ctx.tenant)),
  setSelfService: tenantProcedure
    .input(SelfService)
    .output(SelfService)
    .mutation(({ ctx, input }) => setSelfServiceSettings(ctx.tenant, { enabled: input.enabled })),
  /** Close the organisation (owner only): always a guarded request (`organization.close`); it cannot be reopened. */
  close: tenantProcedure
    .input(CloseInput)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => closeOrganization(ctx.tenant, { confirmName: input.confirmName }, { guard: ctx.jobs })),
});
