// Onboarding, step 2: the provider's consent page redirects back with our `state`. The state is
// consumed first (single use, whatever happens next), then the grant is verified with the
// provider, and only then does the source become `connected`, with its first backup started and
// its schedule in place. A state that is unknown, expired, used or of another tenant gets one and
// the same answer, so the callback cannot be used to probe sources.
import { seal } from "@holdfast/auth";
import { kekConfig, providerAppsConfig } from "@holdfast/config";
import { isConnectorError } from "@holdfast/connectors";
import { completeGoogleConsent } from "@holdfast/connectors/google/onboarding";
import { verifyMicrosoftAppAccess } from "@holdfast/connectors/microsoft/onboarding";
import { and, eq, gt, ne, sources, withTenant, type Source as SourceRow } from "@holdfast/db";
import { logger } from "@holdfast/logger";
import { startRun } from "../catalogue/start-run";
import { finishRun } from "../catalogue/finish-run";
import { audit, type TenantContext } from "../context";
import { unavailable, validation } from "../errors";
import { refuseIfOrganizationClosed } from "../organizations/closed";
import { parseConsentState, pkceFor, stateHash, type ConsentState } from "./consent-state";
import { googleAdminOf, redirectUriFor, type OnboardingOptions } from "./create";
import { sourceDetails, type SourceViewOptions } from "./detail";
import { findSource, sourceRemovedError } from "./guards";
import { graphDispatcher, onboardingThrottle, type ProviderApps } from "./provider-apps";
import { sourceCredentialsPurpose } from "./register";
import { systemContext } from "./system-context";
import { ConsentCallbackQuery, type ConsentResult } from "./types";

/** What the callback needs of the job runner (the API's JobsPort satisfies it). */
export interface OnboardingJobs {
  upsertSourceSchedule(schedule: { tenantId: string; sourceId: string; timesPerDay: number; jitterMinutes: number; timezone: string; paused: boolean }): Promise<void>;
  startBackup(input: { tenantId: string; sourceId: string; workflowId: string }): Promise<void>;
}

export interface ConsentCallbackOptions extends OnboardingOptions, SourceViewOptions {
  jobs: OnboardingJobs | undefined;
  /** The workflow id of the backup started on connection (`first`, or a reconnection's own). */
  backupWorkflowId: (sourceId: string, runKey: string) => string;
}

const INVALID_STATE = "This consent link is not valid any more (unknown, expired or already used). Ask for a new one with POST /api/v1/sources/{id}/consent and start again.";
const CONSENT_ACTOR = "consent-callback";

/** Consumes the state: at most one caller ever gets the row back. */
async function consumeState(db: TenantContext["db"], s: ConsentState, now: Date): Promise<SourceRow> {
  const [row] = await withTenant(db, s.tenantId, (tx) =>
    tx
      .update(sources)
      .set({ consentStateHash: null, consentExpiresAt: null })
      .where(and(eq(sources.id, s.sourceId), eq(sources.tenantId, s.tenantId), eq(sources.consentStateHash, stateHash(s)), gt(sources.consentExpiresAt, now), ne(sources.status, "connected")))
      .returning(),
  );
  if (!row) throw validation(INVALID_STATE);
  return row;
}

function declined(row: SourceRow, q: ConsentCallbackQuery): string {
  const what = q.error === "access_denied" ? "The administrator declined the consent request" : `The provider refused the consent request (${q.error})`;
  const detail = q.error_description ? `: ${q.error_description.split(/\r?\n/)[0]}` : "";
  return `${what}${detail}. Nothing was connected; source ${row.id} stays ${row.status}. Ask for a new link with POST /api/v1/sources/${row.id}/consent to try again.`;
}

async function verifyGoogle(row: SourceRow, q: ConsentCallbackQuery, s: ConsentState, apps: ProviderApps, publicUrl: string): Promise<{ externalAccountId: string; consentedBy: string; credentialsEnc: string | null }> {
  if (!q.code) throw validation("The consent redirect carries no authorization code");
  const { adminEmail, domain } = googleAdminOf(row);
  const who = await completeGoogleConsent({
    clientId: apps.google.clientId,
    clientSecret: apps.google.clientSecret,
    redirectUri: redirectUriFor(publicUrl),
    code: q.code,
    codeVerifier: pkceFor(kekConfig().kek, s.nonce).verifier,
    endpoints: { tokenUrl: apps.google.tokenUrl, certsUrl: apps.google.certsUrl, issuers: apps.google.issuers, rootUrl: apps.google.rootUrl },
    accept: (w) => {
      if (w.email.toLowerCase() !== adminEmail) throw validation(`Consent was given by ${w.email}, but this source acts as ${adminEmail}: sign in as ${adminEmail} and try again`);
      if (!w.emailVerified) throw validation(`Google has not verified ${w.email}`);
      if (w.hostedDomain?.toLowerCase() !== domain) throw validation(`Consent was given for ${w.hostedDomain ?? "a personal Google account"}, not for the Workspace domain ${domain}`);
    },
  });
  return { externalAccountId: domain, consentedBy: who.email, credentialsEnc: row.credentialsEnc };
}

async function verifyMicrosoft(row: SourceRow, q: ConsentCallbackQuery, apps: ProviderApps): Promise<{ externalAccountId: string; consentedBy: string; credentialsEnc: string }> {
  if (q.admin_consent?.toLowerCase() !== "true" || !q.tenant) throw validation("The consent redirect does not say that an administrator granted consent (admin_consent=True&tenant=…)");
  const tenantId = q.tenant.toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(tenantId)) throw validation("tenant must be the directory (tenant) id the consent was granted in");
  if (row.externalAccountId && row.externalAccountId !== tenantId) throw validation(`Consent was granted in directory ${tenantId}, but this source protects ${row.externalAccountId}`);
  const dispatcher = await graphDispatcher(apps);
  await verifyMicrosoftAppAccess({
    tenantId,
    clientId: apps.microsoft.clientId,
    clientSecret: apps.microsoft.clientSecret,
    endpoints: { authorityHost: apps.microsoft.authorityHost, graphBaseUrl: apps.microsoft.graphBaseUrl },
    ...(dispatcher ? { dispatcher } : {}),
    throttle: onboardingThrottle(),
  });
  // The platform app's secret is not copied into each source: the worker reads it from its config.
  const credentialsEnc = seal(kekConfig().kek, JSON.stringify({ tenantId, clientId: apps.microsoft.clientId }), sourceCredentialsPurpose(row.id));
  return { externalAccountId: tenantId, consentedBy: `admin of directory ${tenantId}`, credentialsEnc };
}

/** The consent redirect (public: authenticated by its single-use state). */
export async function completeSourceConsent(db: TenantContext["db"], raw: ConsentCallbackQuery, opts: ConsentCallbackOptions): Promise<ConsentResult> {
  const q = ConsentCallbackQuery.parse(raw);
  const s = parseConsentState(q.state);
  if (!s) throw validation(INVALID_STATE);
  const jobs = opts.jobs;
  // Checked before the state is spent, so a misconfigured server does not burn the admin's consent.
  if (!jobs) throw unavailable("Sources cannot be connected right now: no job runner is configured on this server");
  const now = opts.now ?? new Date();
  const row = await consumeState(db, s, now);
  const ctx = systemContext(db, s.tenantId, CONSENT_ACTOR);
  const apps = opts.apps ?? providerAppsConfig();

  let verified: { externalAccountId: string; consentedBy: string; credentialsEnc: string | null };
  try {
    if (q.error) throw validation(declined(row, q));
    if (row.provider === "google") verified = await verifyGoogle(row, q, s, apps, opts.publicUrl);
    else if (row.provider === "microsoft") verified = await verifyMicrosoft(row, q, apps);
    else throw validation(`${row.provider} sources are not connected through a consent page`);
  } catch (e) {
    const reason = isConnectorError(e) ? `${e.code}: ${e.message}` : e instanceof Error && e.name === "DomainError" ? e.message : "internal error";
    await withTenant(db, s.tenantId, (tx) => audit(tx, ctx, "source.consent_failed", { type: "source", id: row.id }, { provider: row.provider, reason: reason.slice(0, 500) }));
    if (isConnectorError(e)) throw validation(`The consent could not be verified with ${row.provider === "google" ? "Google" : "Microsoft"} (${e.code}): ${e.message}. Source ${row.id} stays ${row.status}; ask for a new link with POST /api/v1/sources/${row.id}/consent to try again.`);
    throw e;
  }

  const reconnect = row.connectedAt !== null;
  const connected = await withTenant(db, s.tenantId, async (tx) => {
    const [updated] = await tx
      .update(sources)
      .set({ status: "connected", externalAccountId: verified.externalAccountId, connectedAt: now, credentialsEnc: verified.credentialsEnc, updatedAt: now })
      .where(and(eq(sources.id, row.id), eq(sources.tenantId, s.tenantId), ne(sources.status, "removed")))
      .returning();
    // Removed (by an approved request, alone or with its closed organisation) while the provider was being asked: it stays removed.
    if (!updated) {
      await refuseIfOrganizationClosed(tx, s.tenantId, "no source can be connected or reconnected");
      const current = await findSource(tx, s.tenantId, row.id);
      if (current.status === "removed") throw sourceRemovedError(current, "it cannot be reconnected");
      throw new Error("source vanished during consent");
    }
    await audit(tx, ctx, "source.consented", { type: "source", id: row.id }, { provider: row.provider, externalAccountId: verified.externalAccountId, consentedBy: verified.consentedBy, reconnect });
    return updated;
  });

  const workflowId = opts.backupWorkflowId(row.id, reconnect ? `reconnected-${now.toISOString()}` : "first");
  const run = await startRun(ctx, { sourceId: row.id, trigger: "on_demand", workflowId }, now);
  try {
    await jobs.upsertSourceSchedule({
      tenantId: s.tenantId,
      sourceId: row.id,
      timesPerDay: connected.scheduleTimesPerDay,
      jitterMinutes: connected.scheduleJitterMinutes,
      timezone: connected.scheduleTimezone,
      paused: connected.schedulePaused,
    });
    await jobs.startBackup({ tenantId: s.tenantId, sourceId: row.id, workflowId });
  } catch (e) {
    // The source is connected either way; the run that never started must not look like it is running.
    logger().error({ err: e, tenantId: s.tenantId, sourceId: row.id, workflowId }, "first backup could not be started");
    const reason = "The source is connected, but its first backup could not be started: the job runner did not accept it";
    await finishRun(ctx, run.id, { outcome: "failed", errorSummary: reason });
    throw unavailable(`${reason} (job ${run.id}). Start one with POST /api/v1/sources/${row.id}/backups.`);
  }
  const [detail] = await withTenant(db, s.tenantId, (tx) => sourceDetails(tx, s.tenantId, [connected], opts));
  if (!detail) throw new Error("source detail vanished");
  return { source: detail, firstBackupJobId: run.id };
}

