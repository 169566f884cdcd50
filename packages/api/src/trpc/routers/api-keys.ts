import { z } from "zod";
import { ApiKey, createApiKey, CreateApiKeyInput, CreatedApiKey, listApiKeys, revokeApiKey } from "@holdfast/services";
import { router, tenantProcedure } from "../init";
import { ById } from "../schemas";

export const apiKeysRouter = router({
  list: tenantProcedure.output(z.array(ApiKey)).query(({ ctx }) => listApiKeys(ctx.tenant)),

  /** The full key is in this response only. */
  create: tenantProcedure
    .input(CreateApiKeyInput)
    .output(CreatedApiKey)
    .mutation(({ ctx, input }) => createApiKey(ctx.tenant, { name: input.name, role: input.role, expiresInDays: input.expiresInDays })),

  revoke: tenantProcedure
    .input(ById)
    .output(ApiKey)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.tenant, input.id)),
});
