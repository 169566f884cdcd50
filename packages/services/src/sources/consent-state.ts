// The consent round trip's `state`: `<tenantId>.<sourceId>.<nonce>`. Only SHA-256(nonce) is stored
// (sources.consent_state_hash), so a copy of the database cannot complete anyone's consent; the
// PKCE verifier is an HMAC of the nonce under the KEK, so nothing else needs storing either.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const CONSENT_TTL_MS = 30 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NONCE = /^[A-Za-z0-9_-]{43}$/;

export interface ConsentState {
  tenantId: string;
  sourceId: string;
  nonce: string;
}

export function newConsentState(tenantId: string, sourceId: string): { state: string; nonceHash: string; nonce: string } {
  const nonce = randomBytes(32).toString("base64url");
  return { state: `${tenantId}.${sourceId}.${nonce}`, nonceHash: hashNonce(nonce), nonce };
}

export function hashNonce(nonce: string): string {
  return createHash("sha256").update(nonce, "utf8").digest("hex");
}

/** null for anything that is not a state we could have issued. */
export function parseConsentState(state: string): ConsentState | null {
  const parts = state.split(".");
  if (parts.length !== 3) return null;
  const [tenantId, sourceId, nonce] = parts as [string, string, string];
  if (!UUID.test(tenantId) || !UUID.test(sourceId) || !NONCE.test(nonce)) return null;
  return { tenantId: tenantId.toLowerCase(), sourceId: sourceId.toLowerCase(), nonce };
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
