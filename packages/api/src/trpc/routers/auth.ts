import { signUp, SignUpInput } from "@holdfast/services";
import { publicProcedure, router } from "../init";
import { SignedUp } from "../schemas";

export const authRouter = router({
  /** Creates the person and their organisation; the client then signs in with the same credentials. */
  signUp: publicProcedure
    .input(SignUpInput)
    .output(SignedUp)
    .mutation(async ({ ctx, input }) => {
      const { organization } = await signUp(ctx.db, input, { requestId: ctx.requestId, ip: ctx.ip });
      return { organizationId: organization.id };
    }),
});
