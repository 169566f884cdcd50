// Onboarding, step 1: an admin registers a source and gets the provider's consent URL. Google
// Workspace uses the customer's own service account with domain-wide delegation (as Veeam Backup
// for Google Workspace and Keepit require): its key is verified here, before it is sealed, and the
// admin's OAuth consent later proves the domain's admin approved. Microsoft 365 uses Holdfast's app
// registration and the tenant-wide admin consent.
import { randomUUID } from "node:crypto";
import { open, seal } from "@holdfast/auth";
import { kekConfig, providerAppsConfig } from "@holdfast/config";
import { isConnectorError } from "@holdfast/connectors";
import { verifyGoogleDelegation } from "@holdfast/connectors/google/onboarding";
import { and, eq, sources, tenantVaults, withTenant, type Source as SourceRow, type Tx } from "@holdfast/db";
import { audit, requireRole, type TenantContext } from "../context";
import { conflict, preconditionFailed, validation } from "../errors";
import { refuseIfOrganizationClosed } from "../organizations/closed";
import { CONSENT_TTL_MS, newConsentState, pkceFor, type ConsentOrigin } from "./consent-state";
import { findSource, refuseIfRemoved } from "./guards";
import { onboardingThrottle, type ProviderApps } from "./provider-apps";
import { sourceCredentialsPurpose } from "./register";
import { CreateSourceInput, type ApiSourceProvider, type SourceConsent } from "./types";

export const CONSENT_CALLBACK_PATH = "/api/v1/sources/consent/callback";
export const GOOGLE_CONSENT_SCOPES = ["openid", "email", "https://www.googleapis.com/auth/admin.directory.user.readonly"] as const;
export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

export const DB_PROVIDER = { google_workspace: "google", microsoft_365: "microsoft", salesforce: "salesforce", aws: "aws" } as const satisfies Record<ApiSourceProvider, SourceRow["provider"]>;
export const API_PROVIDER = { google: "google_workspace", microsoft: "microsoft_365", salesforce: "salesforce", aws: "aws" } as const satisfies Record<SourceRow["provider"], ApiSourceProvider>;

export interface OnboardingOptions {
  /** The public origin the API is served at; the consent redirect URI is under it. */
  publicUrl: string;
  /** Provider apps and endpoints (default: providerAppsConfig() from the environment). */
  apps?: ProviderApps;
  now?: Date;
  /** The console asks for links whose callback sends the browser back into it; API callers get JSON. */
  origin?: ConsentOrigin;
}

export const redirectUriFor = (publicUrl: string) => `${publicUrl.replace(/\/+$/, "")}${CONSENT_CALLBACK_PATH}`;

export async function requireVault(tx: Tx, tenantId: string): Promise<void> {
  const [vault] = await tx.select({ bucket: tenantVaults.bucket }).from(tenantVaults).where(eq(tenantVaults.tenantId, tenantId));
  if (!vault) throw preconditionFailed("This organisation has no backup vault yet: an owner creates it first with POST /api/v1/vault");
}

/** The sealed Google credentials' non-secret half (who the source acts as). Server side only. */
export function googleAdminOf(row: SourceRow): { adminEmail: string; domain: string } {
  if (!row.credentialsEnc) throw preconditionFailed(`Source ${row.id} has no stored service account key; create the source again`);
  const creds = JSON.parse(open(kekConfig().kek, row.credentialsEnc, sourceCredentialsPurpose(row.id))) as { adminEmail?: unknown };
  const adminEmail = String(creds.adminEmail).toLowerCase();
  return { adminEmail, domain: adminEmail.slice(adminEmail.lastIndexOf("@") + 1) };
}

/** The provider's consent page for this source, carrying `state` (and, for Google, the PKCE challenge). */
export function authorizeUrlFor(row: SourceRow, state: { state: string; nonce: string }, apps: ProviderApps, publicUrl: string): string {
  const redirectUri = redirectUriFor(publicUrl);
  switch (row.provider) {
    case "google": {
      const { adminEmail, domain } = googleAdminOf(row);
      const url = new URL(apps.google.authorizeUrl);
      const params = {
        client_id: apps.google.clientId,
        redirect_uri: redirectUri,
        response_type: "code",
        scope: GOOGLE_CONSENT_SCOPES.join(" "),
        login_hint: adminEmail,
        hd: domain,
        state: state.state,
        code_challenge: pkceFor(kekConfig().kek, state.nonce).challenge,
        code_challenge_method: "S256",
        prompt: "consent",
        access_type: "online",
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    }
    case "microsoft": {
      // A known directory (reconnect) goes straight to it; a new source lets the admin sign in to theirs.
      const tenant = row.externalAccountId ?? "organizations";
      const url = new URL(`${apps.microsoft.authorityHost}/${encodeURIComponent(tenant)}/v2.0/adminconsent`);
      for (const [k, v] of Object.entries({ client_id: apps.microsoft.clientId, redirect_uri: redirectUri, scope: GRAPH_DEFAULT_SCOPE, state: state.state })) url.searchParams.set(k, v);
      return url.toString();
    }
    default:
      throw validation(`${row.provider} sources are not connected through a consent page`);
  }
}

/** Checks the customer's key before anything is stored; every refusal names what to fix. */
async function verifyServiceAccount(apps: ProviderApps, key: Record<string, unknown>, adminEmail: string): Promise<void> {
  try {
    await verifyGoogleDelegation({ serviceAccountKey: key, adminEmail, rootUrl: apps.google.rootUrl, tokenUrl: apps.google.tokenUrl, throttle: onboardingThrottle() });
  } catch (e) {
    if (isConnectorError(e)) {
      const hint =
        e.code === "disconnected"
          ? ` Grant the service account (client id ${typeof key.client_id === "string" ? key.client_id : "see the key file"}) domain-wide delegation in the Google Admin console (Security → Access and data control → API controls → Domain-wide delegation) and make sure ${adminEmail} is a user of the domain.`
          : e.code === "permission_denied"
            ? ` ${adminEmail} must be a super admin of the domain.`
            : "";
      throw validation(`google.serviceAccountKey: the key cannot act as ${adminEmail}: ${e.message}.${hint}`);
    }
    if (e instanceof Error && e.message.startsWith("invalid Google connector config")) throw validation(`google.serviceAccountKey: ${e.message}`);
    throw e;
  }
}

/** Registers a source awaiting the provider admin's consent (admin role; the tenant needs a vault). */
export async function createSource(ctx: TenantContext, raw: CreateSourceInput, opts: OnboardingOptions): Promise<SourceConsent> {
  const input = CreateSourceInput.parse(raw);
  requireRole(ctx, "admin", "Connecting a source");
  const now = opts.now ?? new Date();
  // Refused before the key is tried at Google; checked again (locked) where the source is inserted.
  await withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await refuseIfOrganizationClosed(tx, ctx.tenantId, "no source can be connected");
    await requireVault(tx, ctx.tenantId);
  });
  const apps = opts.apps ?? providerAppsConfig();
  const id = randomUUID();
  let credentialsEnc: string | null = null;
  let displayName = input.displayName;
  const auditMeta: Record<string, unknown> = { provider: input.provider, autoProtectNewUnits: input.autoProtectNewUnits };
  if (input.provider === "google_workspace") {
    if (!input.google) throw validation("google is required for google_workspace");
    const { serviceAccountKey, adminEmail } = input.google;
    await verifyServiceAccount(apps, serviceAccountKey, adminEmail);
    credentialsEnc = seal(kekConfig().kek, JSON.stringify({ serviceAccountKey: JSON.stringify(serviceAccountKey), adminEmail }), sourceCredentialsPurpose(id));
    displayName ??= adminEmail.slice(adminEmail.lastIndexOf("@") + 1);
    // Who the key belongs to and whom it acts as: not secrets, and what an auditor asks first.
    Object.assign(auditMeta, { serviceAccount: serviceAccountKey.client_email, adminEmail });
  }
  displayName ??= "Microsoft 365";
  const schedule = input.schedule ?? { timesPerDay: 3, jitterMinutes: 30, timezone: "UTC", paused: false };
  const consent = newConsentState(ctx.tenantId, id, opts.origin);
  const expiresAt = new Date(now.getTime() + CONSENT_TTL_MS);
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await refuseIfOrganizationClosed(tx, ctx.tenantId, "no source can be connected");
    const [row] = await tx
      .insert(sources)
      .values({
        id,
        tenantId: ctx.tenantId,
        provider: DB_PROVIDER[input.provider],
        displayName,
        status: "pending_consent",
        credentialsEnc,
        scheduleTimesPerDay: schedule.timesPerDay,
        scheduleJitterMinutes: schedule.jitterMinutes,
        scheduleTimezone: schedule.timezone,
        schedulePaused: schedule.paused,
        autoProtectNewUnits: input.autoProtectNewUnits,
        consentStateHash: consent.nonceHash,
        consentExpiresAt: expiresAt,
        createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      })
      .returning();
    if (!row) throw new Error("source insert returned no row");
    await audit(tx, ctx, "source.created", { type: "source", id }, { ...auditMeta, displayName });
    return { id, status: row.status, authorizeUrl: authorizeUrlFor(row, consent, apps, opts.publicUrl), consentExpiresAt: expiresAt.toISOString() };
  });
}

/** A fresh consent URL for a source not connected (yet, or any more); the previous one stops working. */
export async function requestSourceConsent(ctx: TenantContext, sourceId: string, opts: OnboardingOptions): Promise<SourceConsent> {
  requireRole(ctx, "admin", "Connecting a source");
  const now = opts.now ?? new Date();
  const apps = opts.apps ?? providerAppsConfig();
  return withTenant(ctx.db, ctx.tenantId, async (tx) => {
    await refuseIfOrganizationClosed(tx, ctx.tenantId, "no source can be connected or reconnected");
    const before = await findSource(tx, ctx.tenantId, sourceId);
    refuseIfRemoved(before, "it cannot be reconnected");
    if (before.status === "connected") throw conflict(`Source ${sourceId} is connected; there is nothing to consent to`);
    await requireVault(tx, ctx.tenantId);
    const consent = newConsentState(ctx.tenantId, sourceId, opts.origin);
    const expiresAt = new Date(now.getTime() + CONSENT_TTL_MS);
    const [row] = await tx
      .update(sources)
      .set({ consentStateHash: consent.nonceHash, consentExpiresAt: expiresAt, updatedAt: now })
      .where(and(eq(sources.id, sourceId), eq(sources.tenantId, ctx.tenantId)))
      .returning();
    if (!row) throw new Error("source update returned no row");
    await audit(tx, ctx, "source.consent_requested", { type: "source", id: sourceId }, { provider: row.provider, status: row.status });
    return { id: row.id, status: row.status, authorizeUrl: authorizeUrlFor(row, consent, apps, opts.publicUrl), consentExpiresAt: expiresAt.toISOString() };
  });
}
