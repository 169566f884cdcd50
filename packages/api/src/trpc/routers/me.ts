import { z } from "zod";
import { acceptInvitation, confirmTotpEnrolment, getProfile, listMyOrganizations, OrganizationMembership, startTotpEnrolment } from "@holdfast/services";
import { protectedProcedure, router } from "../init";
import { AcceptedInvitation, Enabled, InvitationToken, Profile, TotpCode, TotpEnrolment } from "../schemas";

export const meRouter = router({
  profile: protectedProcedure.output(Profile).query(({ ctx }) => getProfile(ctx.db, ctx.userId)),

  organizations: protectedProcedure.output(z.array(OrganizationMembership)).query(({ ctx }) => listMyOrganizations(ctx.db, ctx.userId)),

  totp: router({
    start: protectedProcedure.output(TotpEnrolment).mutation(({ ctx }) => startTotpEnrolment(ctx.db, ctx.userId)),
    confirm: protectedProcedure
      .input(TotpCode)
      .output(Enabled)
      .mutation(({ ctx, input }) => confirmTotpEnrolment(ctx.db, ctx.userId, input.code, { requestId: ctx.requestId, ip: ctx.ip })),
  }),

  acceptInvitation: protectedProcedure
    .input(InvitationToken)
    .output(AcceptedInvitation)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.db, ctx.userId, input.token, { requestId: ctx.requestId, ip: ctx.ip })),
});
