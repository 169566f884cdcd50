import { getOrganization, getSelfServiceSettings, Organization, setSelfServiceSettings } from "@holdfast/services";
import { z } from "zod";
import { router, tenantProcedure } from "../init";

const SelfService = z.object({ enabled: z.boolean() });

export const organizationRouter = router({
  get: tenantProcedure.output(Organization).query(({ ctx }) => getOrganization(ctx.tenant, ctx.tenant.tenantId)),
  /** End-user self-service (ADR 0016): members read it, admins switch it. */
  selfService: tenantProcedure.output(SelfService).query(({ ctx }) => getSelfServiceSettings(ctx.tenant)),
  setSelfService: tenantProcedure
    .input(SelfService)
    .output(SelfService)
    .mutation(({ ctx, input }) => setSelfServiceSettings(ctx.tenant, { enabled: input.enabled })),
});
