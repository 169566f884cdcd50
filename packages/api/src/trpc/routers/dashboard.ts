// The console's overview: protection state, recovery-point age and history per source and unit,
// and the latest restore drills.
import { DashboardHistory, DashboardHistoryInput, DashboardSummary, Drill, getDashboard, getDashboardHistory, listDrills, ListDrillsInput } from "@holdfast/services";
import { scheduleTimes } from "@holdfast/workflows";
import { z } from "zod";
import { router, tenantProcedure } from "../init";

export const dashboardRouter = router({
  summary: tenantProcedure.output(DashboardSummary).query(({ ctx }) => getDashboard(ctx.tenant, { scheduleTimes })),

  history: tenantProcedure
    .input(DashboardHistoryInput)
    .output(DashboardHistory)
    .query(({ ctx, input }) => getDashboardHistory(ctx.tenant, input)),

  /** The latest restore drills (issue 7's verifyVault), newest first. */
  drills: tenantProcedure
    .input(ListDrillsInput)
    .output(z.array(Drill))
    .query(({ ctx, input }) => listDrills(ctx.tenant, { limit: input.limit })),
});
