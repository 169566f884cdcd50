import { getOrganization, Organization } from "@holdfast/services";
import { router, tenantProcedure } from "../init";

export const organizationRouter = router({
  get: tenantProcedure.output(Organization).query(({ ctx }) => getOrganization(ctx.tenant, ctx.tenant.tenantId)),
});
