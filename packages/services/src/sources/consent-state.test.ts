import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashNonce, newConsentState, nonceMatches, parseConsentState, pkceFor } from "./consent-state";

describe("consent state", () => {
  it("round-trips tenant, source and nonce, and stores only the nonce's hash", () => {
    const tenantId = randomUUID();
    const sourceId = randomUUID();
    const s = newConsentState(tenantId, sourceId);
    expect(s.state).toBe(`${tenantId}.${sourceId}.${s.nonce}`);
    expect(s.nonceHash).toBe(createHash("sha256").update(s.nonce).digest("hex"));
    expect(s.state).not.toContain(s.nonceHash);
    expect(parseConsentState(s.state)).toEqual({ tenantId, sourceId, nonce: s.nonce });
    expect(nonceMatches(s.nonce, s.nonceHash)).toBe(true);
  });

  it("is different every time", () => {
    const a = newConsentState(randomUUID(), randomUUID());
    const b = newConsentState(randomUUID(), randomUUID());
    expect(a.nonce).not.toBe(b.nonce);
  });

  it("refuses anything it could not have issued", () => {
    const t = randomUUID();
    const s = randomUUID();
    const nonce = randomBytes(32).toString("base64url");
    for (const bad of ["", "x", `${t}.${s}`, `${t}.${s}.${nonce}.extra`, `not-a-uuid.${s}.${nonce}`, `${t}.${s}.short`, `${t}.${s}.${nonce.slice(0, 42)}!`]) {
      expect(parseConsentState(bad)).toBeNull();
    }
  });

  it("does not match another nonce or a cleared hash", () => {
    const s = newConsentState(randomUUID(), randomUUID());
    expect(nonceMatches(randomBytes(32).toString("base64url"), s.nonceHash)).toBe(false);
    expect(nonceMatches(s.nonce, null)).toBe(false);
    expect(nonceMatches(s.nonce, hashNonce("other"))).toBe(false);
  });
});

describe("PKCE from the nonce", () => {
  it("derives an RFC 7636 verifier and its S256 challenge, stable per nonce and key", () => {
    const kek = randomBytes(32);
    const { verifier, challenge } = pkceFor(kek, "nonce-1");
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
    expect(pkceFor(kek, "nonce-1")).toEqual({ verifier, challenge });
    expect(pkceFor(kek, "nonce-2").verifier).not.toBe(verifier);
    // Without the key the verifier cannot be computed from the nonce.
    expect(pkceFor(randomBytes(32), "nonce-1").verifier).not.toBe(verifier);
  });
});
