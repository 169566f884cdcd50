import { z } from "zod";
import { changeMemberRole, ChangeRoleInput, Invitation, inviteMember, InviteMemberInput, listInvitations, listMembers, Member, removeMember, revokeInvitation } from "@holdfast/services";
import { router, tenantProcedure } from "../init";
import { ById, ByUserId, Removed, Revoked, RoleChanged } from "../schemas";

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

  changeRole: tenantProcedure
    .input(ChangeRoleInput)
    .output(RoleChanged)
    .mutation(({ ctx, input }) => changeMemberRole(ctx.tenant, { userId: input.userId, role: input.role })),

  remove: tenantProcedure
    .input(ByUserId)
    .output(Removed)
    .mutation(({ ctx, input }) => removeMember(ctx.tenant, input.userId)),
});
