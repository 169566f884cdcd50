// The console's overview: protection state, recovery-point age and history per source and unit.
import { DashboardHistory, DashboardHistoryInput, DashboardSummary, getDashboard, getDashboardHistory } from "@holdfast/services";
import { scheduleTimes } from "@holdfast/workflows";
import { router, tenantProcedure } from "../init";

export const dashboardRouter = router({
  summary: tenantProcedure.output(DashboardSummary).query(({ ctx }) => getDashboard(ctx.tenant, { scheduleTimes })),

  history: tenantProcedure
    .input(DashboardHistoryInput)
    .output(DashboardHistory)
    .query(({ ctx, input }) => getDashboardHistory(ctx.tenant, input)),
});
