import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKey, parseApiKey, secretMatches } from "./api-key";
import { hashPassword, verifyPassword } from "./password";
import { roleAtLeast } from "./rbac";
import { open, seal } from "./secret-box";
import { newTotpSecret, totpCode, verifyTotp } from "./totp";

describe("passwords", () => {
  it("hashes with argon2id and verifies only the right password", async () => {
    const h = await hashPassword("correct horse battery");
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, "correct horse battery")).toBe(true);
    expect(await verifyPassword(h, "correct horse batterx")).toBe(false);
    expect(await verifyPassword("not a hash", "x")).toBe(false);
  });
});

describe("TOTP", () => {
  it("accepts the current code and one step of drift, not more", () => {
    const s = newTotpSecret();
    const now = 1_800_000_000_000;
    expect(verifyTotp(s, totpCode(s, now), now)).toBe(true);
    expect(verifyTotp(s, totpCode(s, now - 30_000), now)).toBe(true);
    expect(verifyTotp(s, totpCode(s, now - 90_000), now)).toBe(false);
    expect(verifyTotp(s, "12345", now)).toBe(false);
  });
});

describe("API keys", () => {
  it("round-trips through parse and hash, and rejects a wrong secret", () => {
    const k = generateApiKey();
    const parsed = parseApiKey(k.key);
    expect(parsed?.prefix).toBe(k.prefix);
    expect(secretMatches(parsed?.secret ?? "", k.secretHash)).toBe(true);
    expect(secretMatches(generateApiKey().key.slice(-43), k.secretHash)).toBe(false);
    expect(parseApiKey("hf_short_x")).toBeNull();
    expect(k.key).not.toContain(k.secretHash);
  });
});

describe("secret box", () => {
  const kek = randomBytes(32);
  it("opens what it sealed, only for the same purpose and key", () => {
    const sealed = seal(kek, "JBSWY3DPEHPK3PXP", "totp:user-1");
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(open(kek, sealed, "totp:user-1")).toBe("JBSWY3DPEHPK3PXP");
    expect(() => open(kek, sealed, "totp:user-2")).toThrow();
    expect(() => open(randomBytes(32), sealed, "totp:user-1")).toThrow();
    expect(() => open(kek, "v9.a.b", "totp:user-1")).toThrow(/unknown format/);
  });
});

describe("roles", () => {
  it("orders owner > admin > operator > viewer", () => {
    expect(roleAtLeast("owner", "admin")).toBe(true);
    expect(roleAtLeast("operator", "admin")).toBe(false);
    expect(roleAtLeast("viewer", "viewer")).toBe(true);
  });
});
