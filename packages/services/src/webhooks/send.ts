// The worker's side: POSTing due deliveries. A run claims a bounded batch (FOR UPDATE SKIP LOCKED,
// then leases it by pushing next_attempt_at past the run, so two workers never send the same row
// at once and nothing is held locked across the network), sends each with a 10 s timeout and no
// redirects, and records the outcome. A delivery's failure is data (retried with back-off, given up
// after WEBHOOK_MAX_ATTEMPTS and audited), never an error of the run.
import { open } from "@holdfast/auth";
import { kekConfig } from "@holdfast/config";
import { and, asc, eq, inArray, lte, sql, webhookDeliveries, webhookEndpoints, withTenant, type Database } from "@holdfast/db";
import { childLogger } from "@holdfast/logger";
import { Agent, fetch as undiciFetch } from "undici";
import { audit, type Actor } from "../context";
import { ipLiteral, isPrivateAddress, PrivateAddressError, publicOnlyLookup } from "./address";
import { webhooksConfig } from "./config";
import { webhookSecretPurpose } from "./guards";
import { signWebhook } from "./signature";
import { WEBHOOK_EVENT_ID_HEADER, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_SIGNATURE_HEADER, type WebhookSendReport } from "./types";

/** Deliveries claimed per run and tenant; the rest wait for the next run (a minute later). */
export const WEBHOOK_BATCH = 50;
const CONCURRENCY = 5;
const TIMEOUT_MS = 10_000;
/** Longer than a run can take (a batch at CONCURRENCY, each at most TIMEOUT_MS), so a lease never lapses mid-send. */
const LEASE_MS = 5 * 60_000;
const ERROR_CHARS = 300;
const SENDER: Actor = { type: "system", id: "webhooks" };

/** The wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour. */
export function webhookBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);
}

/** The subset of fetch the sender uses (injectable for tests; the default is undici's, with the SSRF guard). */
export type WebhookFetch = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; redirect: "manual"; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface DeliverOptions {
  fetch?: WebhookFetch;
  now?: Date;
  /** Send to loopback/private addresses too (the local stack and tests; WEBHOOK_ALLOW_PRIVATE=1). */
  allowPrivate?: boolean;
}

let publicAgent: Agent | undefined;
let anyAgent: Agent | undefined;

function defaultFetch(allowPrivate: boolean): WebhookFetch {
  const dispatcher = allowPrivate ? (anyAgent ??= new Agent()) : (publicAgent ??= new Agent({ connect: { lookup: publicOnlyLookup } }));
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}

/** Tenants with a delivery due now: the sender's only cross-tenant read (ids only). */
export async function webhookTenantsDue(db: Database): Promise<string[]> {
  const res = await db.execute<{ tenant_id: string }>(sql`select tenant_id from holdfast_webhook_due_tenants() order by tenant_id`);
  return res.rows.map((r) => r.tenant_id);
}

interface Claimed {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  url: string;
  secretEnc: string;
}

type Outcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/** The first few hundred characters of an answer, on one line: enough to see why, never the whole page. */
function clip(s: string, secret: string): string {
  const oneLine = s.split(secret).join("[secret]").replace(/\s+/g, " ").trim();
  return oneLine.length > ERROR_CHARS ? `${oneLine.slice(0, ERROR_CHARS - 1)}…` : oneLine;
}

function describeFailure(err: unknown): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `no answer within ${TIMEOUT_MS / 1000} s`;
  // fetch wraps the connection's error ("fetch failed"); the cause says what went wrong.
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  if (e instanceof PrivateAddressError) return e.message;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

async function sendOne(d: Claimed, fetchFn: WebhookFetch, allowPrivate: boolean, now: Date): Promise<Outcome> {
  let secret = "";
  try {
    secret = open(kekConfig().kek, d.secretEnc, webhookSecretPurpose(d.endpointId));
    const url = new URL(d.url);
    const literal = ipLiteral(url.hostname);
    // A name is checked when the connection is made (publicOnlyLookup); an IP literal never is, so here.
    if (!allowPrivate && literal && isPrivateAddress(literal)) throw new PrivateAddressError(url.hostname, literal);
    const body = JSON.stringify(d.payload);
    const res = await fetchFn(d.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Holdfast-Webhooks/1",
        [WEBHOOK_EVENT_ID_HEADER]: d.eventId,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, now),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, statusCode: res.status, error: clip(`HTTP ${res.status}: redirects are not followed (Location: ${res.headers.get("location") ?? "none"})`, secret) };
    }
    const text = await res.text().catch(() => "");
    return { ok: false, statusCode: res.status, error: clip(`HTTP ${res.status}${text ? `: ${text.slice(0, ERROR_CHARS * 2)}` : ""}`, secret) };
  } catch (err) {
    return { ok: false, statusCode: null, error: secret ? clip(describeFailure(err), secret) : describeFailure(err).slice(0, ERROR_CHARS) };
  }
}

/**
 * Sends the tenant's due deliveries (one bounded batch) and records each outcome. Throws only for
 * what is not a delivery's fault (the database); the worker's activity retries those.
 */
export async function deliverDueWebhooks(db: Database, tenantId: string, opts: DeliverOptions = {}): Promise<WebhookSendReport> {
  const now = opts.now ?? new Date();
  const allowPrivate = opts.allowPrivate ?? webhooksConfig().allowPrivate;
  const fetchFn = opts.fetch ?? defaultFetch(allowPrivate);
  const log = childLogger({ tenantId, component: "webhooks" });

  const claimed = await withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .select({
        id: webhookDeliveries.id,
        endpointId: webhookDeliveries.endpointId,
        eventId: webhookDeliveries.eventId,
        eventType: webhookDeliveries.eventType,
        payload: webhookDeliveries.payload,
        attempts: webhookDeliveries.attempts,
        url: webhookEndpoints.url,
        secretEnc: webhookEndpoints.secretEnc,
        disabledAt: webhookEndpoints.disabledAt,
      })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(WEBHOOK_BATCH)
      .for("update", { of: webhookDeliveries, skipLocked: true });
    // Queued in the moment the endpoint was being removed: the guard's sweep missed it, this does not.
    const gone = rows.filter((r) => r.disabledAt).map((r) => r.id);
    if (gone.length > 0) {
      await tx.update(webhookDeliveries).set({ status: "failed", lastError: "the endpoint was removed" }).where(and(eq(webhookDeliveries.tenantId, tenantId), inArray(webhookDeliveries.id, gone)));
    }
    const live = rows.filter((r) => !r.disabledAt);
    if (live.length > 0) {
      await tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
        .where(and(eq(webhookDeliveries.tenantId, tenantId), inArray(webhookDeliveries.id, live.map((r) => r.id))));
    }
    return live;
  });

  const report: WebhookSendReport = { delivered: 0, retried: 0, failed: 0 };
  const queue = [...claimed];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const outcome = await sendOne(d, fetchFn, allowPrivate, now);
      const attempts = d.attempts + 1;
      await withTenant(db, tenantId, async (tx) => {
        const mine = and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.status, "pending"));
        if (outcome.ok) {
          await tx.update(webhookDeliveries).set({ status: "delivered", attempts, lastAttemptAt: now, deliveredAt: now, lastStatusCode: outcome.statusCode, lastError: null }).where(mine);
          report.delivered += 1;
          return;
        }
        const givenUp = attempts >= WEBHOOK_MAX_ATTEMPTS;
        const [row] = await tx
          .update(webhookDeliveries)
          .set({
            attempts,
            lastAttemptAt: now,
            lastStatusCode: outcome.statusCode,
            lastError: outcome.error,
            ...(givenUp ? { status: "failed" } : { nextAttemptAt: new Date(now.getTime() + webhookBackoffMs(attempts)) }),
          })
          .where(mine)
          .returning({ id: webhookDeliveries.id });
        if (!row) return; // removed with its endpoint meanwhile: the guard already failed it
        if (!givenUp) {
          report.retried += 1;
          return;
        }
        report.failed += 1;
        await audit(tx, { tenantId, actor: SENDER }, "webhook.delivery_failed", { type: "webhook_endpoint", id: d.endpointId }, {
          deliveryId: d.id,
          eventId: d.eventId,
          eventType: d.eventType,
          url: d.url,
          attempts,
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
        });
      });
      if (!outcome.ok) log.warn({ deliveryId: d.id, endpointId: d.endpointId, attempts, statusCode: outcome.statusCode, error: outcome.error }, "webhook delivery failed");
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, Math.max(claimed.length, 1)) }, worker));
  return report;
}
