// The console's side of sources and onboarding: the same verbs as /api/v1/sources and /vault.
import { z } from "zod";
import {
  createSource,
  CreateSourceInput,
  getSource,
  getVaultStatus,
  GuardedRequestView,
  listSources,
  listSourceUnits,
  ListSourceUnitsInput,
  ProvisionedVault,
  removeSource,
  requestSourceConsent,
  requestVaultCredentialRotation,
  RotateVaultCredentialsInput,
  setUnitProtection,
  SourceConsent,
  SourceDetail,
  Unit,
  UnitPage,
  UnitProtection,
  updateSource,
  UpdateSourceInput,
  VaultStatus,
} from "@holdfast/services";
import { TRPCError } from "@trpc/server";
import { guardedOutcome } from "../../rest/routes/guard";
import { provisionVault, sourceView } from "../../rest/routes/sources";
import { router, tenantProcedure } from "../init";

const ById = z.object({ id: z.string().min(1).max(100) });
// tRPC merges this with `{ orgId }`, so it cannot be the service's strict schema; the verb parses its input again with that.
const RotateInput = z.object(RotateVaultCredentialsInput.shape);

function publicUrlOf(ctx: { publicUrl?: string }): string {
  if (!ctx.publicUrl) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This server does not know its public URL, so it cannot build a consent redirect" });
  return ctx.publicUrl;
}

export const sourcesRouter = router({
  list: tenantProcedure.output(z.array(SourceDetail)).query(({ ctx }) => listSources(ctx.tenant, sourceView)),

  get: tenantProcedure
    .input(ById)
    .output(SourceDetail)
    .query(({ ctx, input }) => getSource(ctx.tenant, input.id, sourceView)),

  /**
   * Registers the source and returns where to send the provider's admin. The link is the
   * console's: its callback sends the browser back to the source's page (ADR 0011, addendum).
   */
  create: tenantProcedure
    .input(z.object({ source: CreateSourceInput }))
    .output(SourceConsent)
    .mutation(({ ctx, input }) => createSource(ctx.tenant, input.source, { publicUrl: publicUrlOf(ctx), origin: "console" })),

  /** A fresh consent URL for a pending, revoked or disconnected source (the console's, like `create`). */
  consentUrl: tenantProcedure
    .input(ById)
    .output(SourceConsent)
    .mutation(({ ctx, input }) => requestSourceConsent(ctx.tenant, input.id, { publicUrl: publicUrlOf(ctx), origin: "console" })),

  update: tenantProcedure
    .input(ById.extend({ changes: UpdateSourceInput }))
    .output(SourceDetail)
    .mutation(({ ctx, input }) => updateSource(ctx.tenant, input.id, input.changes, { ...sourceView, jobs: ctx.jobs, guard: ctx.jobs })),

  /** Always a guarded request (`source.remove`): the console shows it as "Requested: …". */
  remove: tenantProcedure
    .input(ById)
    .output(GuardedRequestView)
    .mutation(({ ctx, input }) => removeSource(ctx.tenant, input.id, { guard: ctx.jobs })),

  units: tenantProcedure
    .input(ById.extend({ page: ListSourceUnitsInput.optional() }))
    .output(UnitPage)
    .query(({ ctx, input }) => listSourceUnits(ctx.tenant, input.id, input.page ?? {})),

  setUnitProtection: tenantProcedure
    .input(z.object({ unitId: z.string().min(1).max(100), protection: UnitProtection }))
    .output(guardedOutcome(Unit))
    .mutation(({ ctx, input }) => setUnitProtection(ctx.tenant, input.unitId, input.protection, { guard: ctx.jobs })),

  vault: router({
    status: tenantProcedure.output(VaultStatus).query(({ ctx }) => getVaultStatus(ctx.tenant)),
    /** Owner only; the recovery key is in this response once. */
    provision: tenantProcedure.output(ProvisionedVault).mutation(({ ctx }) => provisionVault(ctx.tenant)),
    /** Admins and owners; always a guarded request (`vault.rotate_credentials`): the console shows it as "Requested: …". */
    rotateCredentials: tenantProcedure
      .input(RotateInput)
      .output(GuardedRequestView)
      .mutation(({ ctx, input }) => requestVaultCredentialRotation(ctx.tenant, { reason: input.reason }, { guard: ctx.jobs })),
  }),
});
