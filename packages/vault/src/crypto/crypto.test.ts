import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VaultKeyError } from "../errors";
import { counterNonce, open, seal } from "./aead";
import { LocalKms } from "./kms";
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from "./recovery-key";

describe("recovery key", () => {
  it("round-trips through its human form, forgiving case, spaces and look-alikes", () => {
    for (let i = 0; i < 50; i++) {
      const key = generateRecoveryKey();
      const text = formatRecoveryKey(key);
      expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(parseRecoveryKey(text)).toEqual(key);
      const sloppy = text.toLowerCase().replace(/-/g, " ").replace(/0/g, "o").replace(/1/g, "l");
      expect(parseRecoveryKey(sloppy)).toEqual(key);
    }
  });

  it("reports a typo as a mistyped key, not as a wrong key", () => {
    const text = formatRecoveryKey(generateRecoveryKey());
    const i = 7;
    const swapped = text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
    expect(() => parseRecoveryKey(swapped)).toThrow(/mistyped: checksum/);
    expect(() => parseRecoveryKey(text.slice(0, -1))).toThrow(VaultKeyError);
    expect(() => parseRecoveryKey(text.replace(/.$/, "U"))).toThrow(/not a recovery-key character/);
  });
});

describe("aead", () => {
  it("binds nonce and associated data", () => {
    const key = randomBytes(32);
    const aad = Buffer.from("ctx");
    const ct = seal(key, counterNonce(1), aad, Buffer.from("hello"));
    expect(Buffer.from(open(key, counterNonce(1), aad, ct) ?? [])).toEqual(Buffer.from("hello"));
    expect(open(key, counterNonce(2), aad, ct)).toBeNull();
    expect(open(key, counterNonce(1), Buffer.from("other"), ct)).toBeNull();
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(open(key, counterNonce(1), aad, ct)).toBeNull();
  });
});

describe("LocalKms", () => {
  it("unwraps its own wraps only, with the same aad", async () => {
    const a = new LocalKms(randomBytes(32));
    const b = new LocalKms(randomBytes(32));
    const secret = randomBytes(32);
    const w = await a.wrap(secret, Buffer.from("aad"));
    expect(Buffer.from((await a.unwrap(w, Buffer.from("aad"))) ?? [])).toEqual(secret);
    expect(await b.unwrap(w, Buffer.from("aad"))).toBeNull();
    expect(await a.unwrap(w, Buffer.from("aaX"))).toBeNull();
    expect(a.keyId).toMatch(/^local:[0-9a-f]{16}$/);
    expect(() => new LocalKms(randomBytes(16))).toThrow(/32-byte/);
  });
});
