// /api/v1 routes: Sources, onboarding (consent), units, and the organisation's vault.
import {
  completeSourceConsent,
  ConsentCallbackQuery,
  ConsentResult,
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
  SetUnitProtectionInput,
  SourceConsent,
  SourceDetail,
  SourceList,
  Unit,
  UnitPage,
  updateSource,
  UpdateSourceInput,
  VaultStatus,
  type SourceViewOptions,
  type TenantContext,
} from "@holdfast/services";
import { backupWorkflowIds, scheduleTimes } from "@holdfast/workflows";
import { IdParams } from "../schemas";
import { defineRoute, definePublicRoute, withStatus, type Route } from "../route";
import { Applied, REQUESTED_202, Requested } from "./guard";

/** What removing a source does; docs/api.md and the console's confirmation say the same in their own words. */
const REMOVE_SOURCE_NOTE =
  "Removing a source stops its backups for good: its schedule stops, Holdfast deletes the credentials it held for the provider (reconnecting is not possible; connect it again as a new source), and it stays listed as `removed` with `removedAt`. Its existing backups are not deleted: they stay browsable, searchable and restorable until each one's retention date passes, and a legal hold keeps them longer.";

/** How sources are shown: next run from the schedule's own local times (the Temporal Schedule's calendar). */
export const sourceView: SourceViewOptions = { scheduleTimes };

/** The first backup of a newly connected source runs under `backup-source:<id>:first` (a reconnection under its own key). */
export const firstBackupWorkflowId = (sourceId: string, runKey: string) => backupWorkflowIds.backupSource(sourceId, runKey);

/**
 * Provisioning pulls in the vault engine (native zstd, S3 client): loaded on first use only, so
 * code that never provisions a vault never loads it.
 */
export async function provisionVault(ctx: TenantContext): Promise<ProvisionedVault> {
  const { provisionTenantVault } = await import("@holdfast/services/vaults");
  return provisionTenantVault(ctx);
}

/** What a rotation of the vault's credentials does (ADR 0005); docs/api.md and the console's vault card say the same in their own words. */
const ROTATE_VAULT_CREDENTIALS_NOTE =
  "Once carried out, Holdfast makes new writer, reader and garbage-collector identities for the bucket at the storage provider, stores them sealed, narrows the bucket policy to name only them, and deletes the old ones. Backups running at that moment keep working: the old identities stay valid until the new ones are stored. The bucket, its contents, its Object Lock and the recovery key do not change.";

const SCHEDULE_NOTE =
  "`nextRunAt` is the next scheduled start before jitter, computed from the schedule in its time zone; the run starts up to `schedule.jitterMinutes` later, and a run still going when the next is due makes that one skipped.";

export const sourceRoutes: readonly Route[] = [
  // Listed before /sources/{id}/… so the literal path wins.
  definePublicRoute({
    method: "GET",
    path: "/sources/consent/callback",
    operationId: "completeSourceConsent",
    summary: "Consent redirect from Google or Microsoft",
    description:
      "Where the provider's consent page sends the admin back (no API key: the single-use `state` authenticates it). Google: `code` and `state`; the code is exchanged (PKCE), the id token must name the source's admin and domain, and that admin must be able to list the domain's users. Microsoft: `admin_consent=True`, `tenant` and `state`; Holdfast's app must then get a token in that directory and list its users. On success the source is `connected`, its schedule is created and its first backup started. `error=access_denied` (or any error) is a 400 saying what happened; the source stays as it was and a new link is had from POST /sources/{id}/consent. An unknown, expired, used or foreign state is a 400 that does not say which. Links the console issued (their `state` ends in `.console`) are answered instead with a 303 to the source's page in the console, carrying `connected=1` or `consent=declined|failed|unavailable`.",
    tag: "Sources",
    query: ConsentCallbackQuery,
    response: { status: 200, description: "The connected source and its first backup's job id", schema: ConsentResult },
    errors: [400, 503],
    handle: ({ query }, env) => completeSourceConsent(env.db, query, { publicUrl: env.publicUrl, jobs: env.jobs, backupWorkflowId: firstBackupWorkflowId, ...sourceView }),
  }),
  defineRoute({
    method: "POST",
    path: "/sources",
    operationId: "createSource",
    summary: "Connect a source",
    description:
      "Requires the admin role and a vault (POST /vault). Google Workspace: pass the JSON key of a service account with domain-wide delegation and the super admin it acts as; the key is checked (a token as that admin, one directory read, and a token for each backup scope) before it is stored sealed. Microsoft 365: nothing else. The answer's `authorizeUrl` is where the provider's admin approves access (valid 30 minutes, single use); the source is `pending_consent` until the provider redirects back.",
    tag: "Sources",
    body: CreateSourceInput,
    response: { status: 201, description: "The pending source and its consent URL", schema: SourceConsent },
    errors: [400, 403, 412],
    handle: (ctx, { body }, env) => createSource(ctx, body, { publicUrl: env.publicUrl }),
  }),
  defineRoute({
    method: "GET",
    path: "/sources",
    operationId: "listSources",
    summary: "List sources",
    description: `Every source of the organisation, oldest first, with its status, schedule, unit counts and last run. ${SCHEDULE_NOTE}`,
    tag: "Sources",
    response: { status: 200, description: "The organisation's sources", schema: SourceList },
    errors: [403],
    handle: async (ctx) => ({ items: await listSources(ctx, sourceView) }),
  }),
  defineRoute({
    method: "GET",
    path: "/sources/{id}",
    operationId: "getSource",
    summary: "Get a source",
    description: `Status, the provider account (\`externalAccountId\`), schedule, unit counts, last run and last successful backup (a run that completed, with or without warnings). ${SCHEDULE_NOTE}`,
    tag: "Sources",
    params: IdParams,
    response: { status: 200, description: "The source", schema: SourceDetail },
    errors: [400, 404],
    handle: (ctx, { params }) => getSource(ctx, params.id, sourceView),
  }),
  defineRoute({
    method: "PATCH",
    path: "/sources/{id}",
    operationId: "updateSource",
    summary: "Change a source",
    description:
      "Requires the admin role. Rename it, change its schedule (applied to the running schedule at once) or whether units discovered from now on are protected automatically. Turning that off weakens protection: that part becomes a guarded request (202, the source with `requested`), run once a second person approves it in the console and the cooling-off delay has passed; the rest applies at once. Audited.",
    tag: "Sources",
    params: IdParams,
    body: UpdateSourceInput,
    response: { status: 200, description: "The changed source", schema: SourceDetail },
    alternative: { status: 202, description: `The source, with what applied; ${REQUESTED_202.charAt(0).toLowerCase()}${REQUESTED_202.slice(1)} (in \`requested\`)`, schema: SourceDetail },
    errors: [400, 403, 404, 409, 503],
    handle: async (ctx, { params, body }, env) => {
      const r = await updateSource(ctx, params.id, body, { ...sourceView, jobs: env.jobs, guard: env.jobs });
      return r.requested ? withStatus(202, r) : r;
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/sources/{id}",
    operationId: "removeSource",
    summary: "Remove a source",
    description: `Requires the admin role. ${REMOVE_SOURCE_NOTE} Because it ends a source's protection, removal is never done at once: it becomes a guarded request (202), announced to every owner, admin and guardian, and carried out only once a second person approves it in the console with a fresh code from their authenticator app and the cooling-off delay has passed; until then anyone told of it can cancel it (POST /guarded-requests/{id}/cancel). 404 for an unknown source; 409 when it is already removed; 503 when the job runner cannot take the request (nothing changes). Audited.`,
    tag: "Sources",
    params: IdParams,
    response: { status: 202, description: REQUESTED_202, schema: GuardedRequestView },
    errors: [400, 403, 404, 409, 503],
    handle: (ctx, { params }, env) => removeSource(ctx, params.id, { guard: env.jobs }),
  }),
  defineRoute({
    method: "POST",
    path: "/sources/{id}/consent",
    operationId: "requestSourceConsent",
    summary: "Get a fresh consent URL",
    description: "Requires the admin role. For a source that is pending consent, revoked or disconnected: a new `authorizeUrl` (the previous one stops working). A connected source is 409.",
    tag: "Sources",
    params: IdParams,
    response: { status: 200, description: "The source and its new consent URL", schema: SourceConsent },
    errors: [400, 403, 404, 409, 412],
    handle: (ctx, { params }, env) => requestSourceConsent(ctx, params.id, { publicUrl: env.publicUrl }),
  }),
  defineRoute({
    method: "GET",
    path: "/sources/{id}/units",
    operationId: "listSourceUnits",
    summary: "List a source's units",
    description: "Mailboxes, drives, calendars, contacts, shared drives and sites discovered in the source, by kind and name. Filter with `protected` and `kind`; pass `nextCursor` as `cursor` for the next page.",
    tag: "Sources",
    params: IdParams,
    query: ListSourceUnitsInput,
    response: { status: 200, description: "One page of units", schema: UnitPage },
    errors: [400, 404],
    handle: (ctx, { params, query }) => listSourceUnits(ctx, params.id, query),
  }),
  defineRoute({
    method: "PATCH",
    path: "/units/{id}",
    operationId: "setUnitProtection",
    summary: "Include or exclude a unit",
    description:
      "Requires the admin role. `auto` follows the source's default, `included` always backs the unit up, `excluded` stops new backups of it (existing ones stay). Excluding a unit that has backups weakens its protection, so it becomes a guarded request (202), run once a second person approves it in the console and the cooling-off delay has passed; excluding a unit never backed up applies at once. Audited.",
    tag: "Sources",
    params: IdParams,
    body: SetUnitProtectionInput,
    response: { status: 200, description: "Applied: the unit", schema: Applied(Unit) },
    alternative: { status: 202, description: REQUESTED_202, schema: Requested },
    errors: [400, 403, 404, 409, 503],
    handle: async (ctx, { params, body }, env) => {
      const r = await setUnitProtection(ctx, params.id, body.protection, { guard: env.jobs });
      return r.outcome === "requested" ? withStatus(202, r) : r;
    },
  }),
  defineRoute({
    method: "GET",
    path: "/vault",
    operationId: "getVault",
    summary: "The organisation's vault",
    description:
      "Whether the organisation's backup vault exists, its bucket, vault id and `createdAt`, and `credentialsRotatedAt`: when its credentials were last rotated (POST /vault/credentials/rotate), `null` if never. Never any credential.",
    tag: "Vault",
    response: { status: 200, description: "The vault's status", schema: VaultStatus },
    errors: [403],
    handle: (ctx) => getVaultStatus(ctx),
  }),
  defineRoute({
    method: "POST",
    path: "/vault",
    operationId: "provisionVault",
    summary: "Create the organisation's vault",
    description:
      "Requires the owner role (an API key made by an owner with role `owner`). Creates the bucket with Object Lock and its least-privilege identities, once. The response carries the recovery key, which opens every backup without Holdfast: it is shown this once — keep it offline. A second call is 409.",
    tag: "Vault",
    response: { status: 201, description: "The new vault and its recovery key", schema: ProvisionedVault },
    errors: [403, 409],
    handle: (ctx) => provisionVault(ctx),
  }),
  defineRoute({
    method: "POST",
    path: "/vault/credentials/rotate",
    operationId: "rotateVaultCredentials",
    summary: "Rotate the vault's credentials",
    description: `Requires the admin role. ${ROTATE_VAULT_CREDENTIALS_NOTE} It cuts off whoever holds a copy of the current ones, and in the wrong hands it would hold up the organisation's backups, so it is never done at once: it becomes a guarded request (202), announced to every owner, admin and guardian, and carried out only once a second person approves it in the console with a fresh code from their authenticator app and the cooling-off delay has passed; until then nothing changes and anyone told of it can cancel it (POST /guarded-requests/{id}/cancel). \`reason\` (optional) is shown to whoever is asked to approve. \`credentialsRotatedAt\` of GET /vault says when it was last done. 409 when a rotation is already waiting; 412 when the organisation has no vault yet (POST /vault); 503 when the job runner cannot take the request (nothing changes). Audited.`,
    tag: "Vault",
    body: RotateVaultCredentialsInput,
    response: { status: 202, description: REQUESTED_202, schema: GuardedRequestView },
    errors: [400, 403, 409, 412, 503],
    handle: (ctx, { body }, env) => requestVaultCredentialRotation(ctx, body, { guard: env.jobs }),
  }),
];
