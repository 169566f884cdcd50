import { z } from "zod";
import {
  changeMemberRole,
  ChangeRoleInput,
  GuardedRequestView,
  Invitation,
  inviteMember,
  InviteMemberInput,
  listInvitations,
  listMembers,
  Member,
  removeMember,
  revokeInvitation,
} from "@holdfast/services";
import { guardedOutcome } from "../../rest/routes/guard";
import { router, tenantProcedure } from "../init";
import { ById, ByUserId, Revoked, RoleChanged } from "../schemas";

export const membersRouter = router({
  list: tenantProcedure.output(z.array(Member)).query(({ ctx }) => listMembers(ctx.tenant)),

  /** The token is returned once; the console turns it into the invite link. */
  invite: tenantProcedure
    .input(InviteMemberInput)
    .output(z.object({ invitation: Invitation, token: z.string() }))
    .mutation(({ ctx, input }) => inviteMember(ctx.tenant, { email: input.email, role: input.role })),

  invitations: tenantProcedure.output(z.array(Invitation)).query(({ ctx }) => listInvitations(ctx.tenant)),

  revokeInvitation: tenantProcedure
    .input(ById)
    .output(Revoked)
    .mutation(({ ctx, input }) => revokeInvitation(ctx.tenant, input.id)),

  /** Raising a role applies at once; lowering it (which weakens protection) is a guarded request. */
  changeRole: tenantProcedure
    .input(ChangeRoleInput)
    .output(guardedOutcome(RoleChanged))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.tenant, { userId: input.userId, role: input.role }, { guard: ctx.jobs })),

  /** Always a guarded request: answers with the request. */
  remove: tenantProcedure
    .input(ByUserId)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => removeMember(ctx.tenant, input.userId, { guard: ctx.jobs })),
});
