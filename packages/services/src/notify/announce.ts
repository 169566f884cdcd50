// Telling every owner, admin and guardian of an organisation, at once, that something changed its
// protection (issue 7): a compromised admin's session must not be able to weaken retention, or even
// try, without the others hearing of it. One message with all of them in To (docs/adr/0019);
// guardians (docs/adr/0020) are told everything the admins are.
//
// An announcement never undoes or fails the change it reports: that is already committed. A failure
// to send is logged (never the body) and recorded in the tenant's audit log as `notification.failed`,
// so "were the admins told?" always has an answer.
//
// Every announcement is also queued as a webhook event for each of the organisation's active
// endpoints (issue 7: "email … plus webhook"); the worker POSTs them. Queueing and mailing are
// independent: one failing never keeps the other from happening, and each failure is audited.
import { randomUUID } from "node:crypto";
import { authConfig, mailConfig } from "@holdfast/config";
import { and, apiKeys, asc, eq, inArray, memberships, or, organizations, users, withTenant, type Database, type Tx } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { audit, type Actor } from "../context";
import { queueWebhookEvent } from "../webhooks/queue";
import type { WebhookEvent } from "../webhooks/types";
import { createMailer } from "./mailer";

export interface Announcement {
  /** The audit action being announced, e.g. "retention.policy_changed". */
  about: string;
  /** Who did it: named in the body (a user by email, an API key by name, else its label). */
  actor: Actor;
  /** What happened, short; "[Holdfast] <organisation>: " is put in front. */
  subject: string;
  /** What happened, in plain words; who, when and what to do are appended. */
  text: string;
  /** When it happened (default: now). */
  at?: Date;
}

export interface AnnounceOptions {
  /**
   * The console's public URL, for the audit-log link (the transports' `publicUrl`, as consent
   * redirects use). Default: NEXTAUTH_URL through authConfig().
   */
  publicUrl?: string;
  /** The request that made the change, so a `notification.failed` event links to it. */
  requestId?: string;
}

export type AnnounceResult = { sent: true; to: string[] } | { sent: false; error: string };

/** The roles told about every change to an organisation's protection (and every guardian, whatever their role). */
const ADMIN_ROLES = ["owner", "admin"] as const;

/** Records a `notification.failed` event as the notifier, not as whoever made the change. */
const NOTIFIER: Actor = { type: "system", id: "notifications" };

function consoleUrl(opts: AnnounceOptions): string | undefined {
  if (opts.publicUrl) return opts.publicUrl.replace(/\/+$/, "");
  try {
    return authConfig().url.replace(/\/+$/, "");
  } catch {
    // A process without the console's auth settings (a worker, a test) still announces, without the link.
    return undefined;
  }
}

/** One line, for a header: an organisation name must not break the subject. */
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** How an actor is named in an announcement (exported for the webhook test event). */
export async function describeActor(tx: Tx, tenantId: string, actor: Actor): Promise<string> {
  if (actor.type === "user") {
    const [u] = await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.id));
    return u?.email ?? `a user who no longer exists (${actor.id})`;
  }
  if (actor.type === "api_key") {
    const [k] = await tx.select({ name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys).where(and(eq(apiKeys.id, actor.id), eq(apiKeys.tenantId, tenantId)));
    return k ? `the API key "${k.name}" (${k.prefix}…)` : `an API key (${actor.id})`;
  }
  return `Holdfast ${actor.type} "${actor.id}"`;
}

/** The subject and body every channel carries (the email's, exactly). */
function compose(tenantId: string, org: string, who: string, a: Announcement, at: Date, opts: AnnounceOptions): { subject: string; text: string } {
  const base = consoleUrl(opts);
  const auditAt = base ? `review the audit log at ${base}/o/${tenantId}/audit` : "review the organisation's audit log in the Holdfast console";
  const text = [
    a.text.trim(),
    "",
    `Organisation: ${org}`,
    `By: ${who}`,
    `When: ${at.toISOString()} (UTC)`,
    "",
    `If this was not you or someone you trust, treat the account that did it as compromised: sign in, check the organisation's members and API keys, and ${auditAt}.`,
    "",
    `Every owner, administrator and guardian of ${org} was sent this message.`,
  ].join("\n");
  return { subject: `[Holdfast] ${org}: ${oneLine(a.subject)}`, text };
}

async function auditFailure(db: Database, tenantId: string, opts: AnnounceOptions, metadata: Record<string, unknown>, log: ReturnType<typeof childLogger>) {
  try {
    await withTenant(db, tenantId, (tx) => audit(tx, { tenantId, actor: NOTIFIER, ...(opts.requestId ? { requestId: opts.requestId } : {}) }, "notification.failed", undefined, metadata));
  } catch (auditErr) {
    log.error({ about: metadata.about, error: auditErr instanceof Error ? auditErr.message : String(auditErr) }, "notification.failed could not be audited");
  }
}

/**
 * Queues the announcement for every active webhook endpoint (one event id for all). Never throws:
 * a failure is logged and audited as `notification.failed` with `channel: "webhook"`.
 */
async function queueAnnouncementWebhooks(db: Database, tenantId: string, a: Announcement, at: Date, opts: AnnounceOptions, log: ReturnType<typeof childLogger>): Promise<void> {
  try {
    await withTenant(db, tenantId, async (tx) => {
      const [o] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, tenantId));
      const org = oneLine(o?.name ?? tenantId);
      const who = await describeActor(tx, tenantId, a.actor);
      const { subject, text } = compose(tenantId, org, who, a, at, opts);
      const event: WebhookEvent = {
        id: randomUUID(),
        type: a.about,
        createdAt: at.toISOString(),
        organization: { id: tenantId, name: org },
        actor: { type: a.actor.type, id: a.actor.id, name: who },
        subject,
        text,
      };
      await queueWebhookEvent(tx, tenantId, event);
    });
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log.error({ about: a.about, error }, "announcement could not be queued for the organisation's webhooks");
    await auditFailure(db, tenantId, opts, { about: a.about, channel: "webhook", error }, log);
  }
}

/**
 * Emails every owner, admin and guardian of the tenant about `a`, and queues it for every active
 * webhook endpoint. Never throws: the change it reports is committed whatever happens here; a
 * failure is logged and audited instead.
 */
export async function announceToAdmins(db: Database, tenantId: string, a: Announcement, opts: AnnounceOptions = {}): Promise<AnnounceResult> {
  const at = a.at ?? new Date();
  const log = childLogger({ tenantId, component: "notify", ...(opts.requestId ? { requestId: opts.requestId } : {}) });
  await queueAnnouncementWebhooks(db, tenantId, a, at, opts, log);
  try {
    const { org, to, who } = await withTenant(db, tenantId, async (tx) => {
      const [o] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, tenantId));
      const rows = await tx
        .select({ email: users.email })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.tenantId, tenantId), or(inArray(memberships.role, [...ADMIN_ROLES]), eq(memberships.guardian, true))))
        .orderBy(asc(memberships.createdAt));
      return { org: oneLine(o?.name ?? tenantId), to: rows.map((r) => r.email), who: await describeActor(tx, tenantId, a.actor) };
    });
    const { subject, text } = compose(tenantId, org, who, a, at, opts);
    const mailer = createMailer(mailConfig());
    try {
      const sent = await mailer.send({ to, subject, text });
      return { sent: true, to: sent.accepted };
    } finally {
      mailer.close();
    }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    // The message names the server and any refused recipients, never the mail's body.
    log.error({ about: a.about, error }, "announcement to the organisation's admins was not sent");
    await auditFailure(db, tenantId, opts, { about: a.about, error }, log);
    return { sent: false, error };
  }
}
