// `Idempotency-Key` on authenticated POSTs (IETF draft-ietf-httpapi-idempotency-key-header): the
// first request with a key claims it, runs, and its response is kept for 24 hours; a retry of the
// same request gets that response again instead of doing the work twice. Keys belong to one caller
// (the API key) in one organisation and are stored under the tenant's RLS context; the request is
// kept only as a hash, and the response sealed with the KEK: some answers hold a secret shown once
// (a new API key, a vault's recovery key) that a copy of the database must not reveal.
import { createHash } from "node:crypto";
import { open, seal } from "@holdfast/auth";
import { and, eq, idempotencyKeys, withTenant, type Database } from "@holdfast/db";
import { IDEMPOTENCY_RECORD_TTL_MS } from "@holdfast/services";
import { conflict } from "@holdfast/services/errors";
import { RequestValidationError } from "./http";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";
/** How long a stored response answers retries. Older records are treated as absent (and the hourly maintenance sweep deletes them). */
export const IDEMPOTENCY_TTL_MS = IDEMPOTENCY_RECORD_TTL_MS;
/** A claim whose request never completed (the process died) is given up after this long. */
export const IN_FLIGHT_LEASE_MS = 5 * 60_000;

const PRINTABLE = /^[\x20-\x7E]{1,255}$/;

/** The request's key, or null without one. A malformed key is refused (400) rather than ignored. */
export function idempotencyKeyOf(req: Request): string | null {
  const raw = req.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (raw === null) return null;
  if (!PRINTABLE.test(raw) || raw.trim() === "") {
    throw new RequestValidationError([{ in: "header", field: IDEMPOTENCY_KEY_HEADER, message: "must be 1 to 255 printable ASCII characters (a UUID is a good choice)" }]);
  }
  return raw;
}

/** SHA-256 over method, path (with query) and the raw body: what makes two requests "the same". */
export function requestHash(method: string, pathWithQuery: string, body: string): string {
  return createHash("sha256").update(`${method.toUpperCase()}\n${pathWithQuery}\n`).update(body).digest("hex");
}

export interface IdempotencyScope {
  db: Database;
  /** Seals the stored response (HOLDFAST_KEK). */
  kek: Buffer;
  tenantId: string;
  /** `api_key:<id>` or `user:<id>`. */
  principal: string;
  key: string;
}

export type Claim = { kind: "fresh" } | { kind: "replay"; status: number; body: unknown };

/** Binds a sealed response to its record: it cannot be moved to another key, caller or tenant. */
const purpose = (s: IdempotencyScope) => `idempotency-response:${s.tenantId}:${s.principal}:${s.key}`;

function openBody(scope: IdempotencyScope, stored: unknown): unknown {
  const sealed = (stored as { sealed?: unknown } | null)?.sealed;
  if (typeof sealed !== "string") throw new Error("idempotency record holds no sealed response");
  return JSON.parse(open(scope.kek, sealed, purpose(scope))) as unknown;
}

/**
 * Claims the key for this request, or answers with what the first request with it got. Refuses
 * (409) a key reused for a different request, and a retry while the first is still running.
 */
export async function claimIdempotencyKey(scope: IdempotencyScope, hash: string, now = new Date()): Promise<Claim> {
  const { tenantId, principal, key } = scope;
  const where = and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key));
  return withTenant(scope.db, tenantId, async (tx) => {
    const [row] = await tx.select().from(idempotencyKeys).where(where).for("update");
    if (row) {
      const age = now.getTime() - row.createdAt.getTime();
      if (age >= IDEMPOTENCY_TTL_MS || (row.status === null && age >= IN_FLIGHT_LEASE_MS)) {
        await tx.delete(idempotencyKeys).where(where);
      } else if (row.requestHash !== hash) {
        throw conflict(`${IDEMPOTENCY_KEY_HEADER} "${key}" was already used for a different request (method, path or body differ); use a new key for a new request`);
      } else if (row.status === null) {
        throw conflict(`A request with ${IDEMPOTENCY_KEY_HEADER} "${key}" is still being processed; retry once it has finished`);
      } else {
        return { kind: "replay", status: row.status, body: openBody(scope, row.body) };
      }
    }
    const inserted = await tx.insert(idempotencyKeys).values({ tenantId, principal, key, requestHash: hash, status: null, createdAt: now }).onConflictDoNothing().returning({ key: idempotencyKeys.key });
    // Another request with the same key claimed it between our read and our insert.
    if (inserted.length === 0) throw conflict(`A request with ${IDEMPOTENCY_KEY_HEADER} "${key}" is still being processed; retry once it has finished`);
    return { kind: "fresh" };
  });
}

/** Keeps the first request's response for its retries. */
export async function completeIdempotencyKey(scope: IdempotencyScope, status: number, body: unknown): Promise<void> {
  await withTenant(scope.db, scope.tenantId, (tx) =>
    tx
      .update(idempotencyKeys)
      .set({ status, body: { sealed: seal(scope.kek, JSON.stringify(body), purpose(scope)) } })
      .where(and(eq(idempotencyKeys.tenantId, scope.tenantId), eq(idempotencyKeys.principal, scope.principal), eq(idempotencyKeys.key, scope.key))),
  );
}

/** Forgets a claim whose request failed on our side (5xx), so its retry runs again. */
export async function releaseIdempotencyKey(scope: IdempotencyScope): Promise<void> {
  await withTenant(scope.db, scope.tenantId, (tx) =>
    tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, scope.tenantId), eq(idempotencyKeys.principal, scope.principal), eq(idempotencyKeys.key, scope.key))),
  );
}
