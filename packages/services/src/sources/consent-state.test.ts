import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashNonce, newConsentState, nonceMatches, parseConsentState, pkceFor, stateHash } from "./consent-state";

describe("consent state", () => {
  it("round-trips tenant, source and nonce, and stores only the nonce's hash", () => {
    const tenantId = randomUUID();
    const sourceId = randomUUID();
    const s = newConsentState(tenantId, sourceId);
    expect(s.state).toBe(`${tenantId}.${sourceId}.${s.nonce}`);
    expect(s.nonceHash).toBe(createHash("sha256").update(s.nonce).digest("hex"));
    expect(s.state).not.toContain(s.nonceHash);
    expect(parseConsentState(s.state)).toEqual({ tenantId, sourceId, nonce: s.nonce, origin: "api" });
    expect(nonceMatches(s.nonce, s.nonceHash)).toBe(true);
  });

  it("marks the console's states, and binds the mark into the stored hash", () => {
    const tenantId = randomUUID();
    const sourceId = randomUUID();
    const s = newConsentState(tenantId, sourceId, "console");
    expect(s.state).toBe(`${tenantId}.${sourceId}.${s.nonce}.console`);
    const parsed = parseConsentState(s.state);
    expect(parsed).toEqual({ tenantId, sourceId, nonce: s.nonce, origin: "console" });
    expect(stateHash({ nonce: s.nonce, origin: "console" })).toBe(s.nonceHash);
    // Stripping the mark in transit (or adding it to an API state) gives a hash that matches nothing stored.
    const stripped = parseConsentState(s.state.replace(/\.console$/, ""));
    expect(stripped?.origin).toBe("api");
    expect(stateHash(stripped ?? { nonce: "", origin: "api" })).not.toBe(s.nonceHash);
    const api = newConsentState(tenantId, sourceId);
    expect(stateHash({ nonce: api.nonce, origin: "console" })).not.toBe(api.nonceHash);
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
    for (const bad of ["", "x", `${t}.${s}`, `${t}.${s}.${nonce}.extra`, `${t}.${s}.${nonce}.console.console`, `${t}.${s}.console`, `not-a-uuid.${s}.${nonce}`, `${t}.${s}.short`, `${t}.${s}.${nonce.slice(0, 42)}!`]) {
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
