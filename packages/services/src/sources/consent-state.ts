// The consent round trip's `state`: `<tenantId>.<sourceId>.<nonce>`, or `….<nonce>.console` when
// the console started it (the callback then sends the browser back into the console instead of
// answering JSON). Only SHA-256(nonce) — of `<nonce>.console` for the console's — is stored
// (sources.consent_state_hash), so a copy of the database cannot complete anyone's consent and the
// suffix cannot be added or stripped in transit; the PKCE verifier is an HMAC of the nonce under
// the KEK, so nothing else needs storing either.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const CONSENT_TTL_MS = 30 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NONCE = /^[A-Za-z0-9_-]{43}$/;

/** Who asked for the consent link: an API caller (answered JSON) or the console (redirected back into it). */
export type ConsentOrigin = "api" | "console";

export interface ConsentState {
  tenantId: string;
  sourceId: string;
  nonce: string;
  origin: ConsentOrigin;
}

export function newConsentState(tenantId: string, sourceId: string, origin: ConsentOrigin = "api"): { state: string; nonceHash: string; nonce: string } {
  const nonce = randomBytes(32).toString("base64url");
  const state = `${tenantId}.${sourceId}.${nonce}${origin === "console" ? ".console" : ""}`;
  return { state, nonceHash: stateHash({ nonce, origin }), nonce };
}

export function hashNonce(nonce: string): string {
  return createHash("sha256").update(nonce, "utf8").digest("hex");
}

/** What sources.consent_state_hash holds for a state: the origin is bound in, so it cannot be changed in transit. */
export function stateHash(s: Pick<ConsentState, "nonce" | "origin">): string {
  return hashNonce(s.origin === "console" ? `${s.nonce}.console` : s.nonce);
}

/** null for anything that is not a state we could have issued. */
export function parseConsentState(state: string): ConsentState | null {
  const parts = state.split(".");
  if (parts.length !== 3 && !(parts.length === 4 && parts[3] === "console")) return null;
  const [tenantId, sourceId, nonce] = parts as [string, string, string];
  if (!UUID.test(tenantId) || !UUID.test(sourceId) || !NONCE.test(nonce)) return null;
  return { tenantId: tenantId.toLowerCase(), sourceId: sourceId.toLowerCase(), nonce, origin: parts.length === 4 ? "console" : "api" };
}

/** Constant-time comparison of a presented nonce with the stored hash. */
export function nonceMatches(nonce: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashNonce(nonce), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 7636 verifier (43 base64url characters) derived from the nonce; the challenge is its S256. */
export function pkceFor(kek: Buffer, nonce: string): { verifier: string; challenge: string } {
  const verifier = createHmac("sha256", kek).update(`consent-pkce:${nonce}`, "utf8").digest("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier, "ascii").digest("base64url") };
}
