import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isPrivateAddress } from "./address";
import { webhookBackoffMs } from "./send";
import { newWebhookSecret, signWebhook, verifyWebhookSignature, webhookSecretPrefix } from "./signature";

const secret = "whsec_test-secret-for-unit-tests";
const body = JSON.stringify({ id: "e1", type: "webhook.test", text: "héllo" });
const at = new Date("2026-11-28T12:00:00Z");

describe("webhook signatures", () => {
  it("signs t.body with HMAC-SHA256 of the secret, as documented", () => {
    const header = signWebhook(secret, body, at);
    const t = at.getTime() / 1000;
    expect(header).toBe(`t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`);
    expect(verifyWebhookSignature(secret, header, body, { now: at })).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), { now: new Date(at.getTime() + 299_000) })).toBe(true);
  });

  it("refuses a tampered body, another secret, a moved timestamp or a malformed header", () => {
    const header = signWebhook(secret, body, at);
    expect(verifyWebhookSignature(secret, header, body.replace("héllo", "hello"), { now: at })).toBe(false);
    expect(verifyWebhookSignature("whsec_other", header, body, { now: at })).toBe(false);
    const t = at.getTime() / 1000;
    expect(verifyWebhookSignature(secret, header.replace(`t=${t}`, `t=${t + 1}`), body, { now: at })).toBe(false);
    for (const bad of [undefined, "", "v1=abc", `t=${t}`, `t=${t},v1=zz`, "garbage"]) expect(verifyWebhookSignature(secret, bad, body, { now: at })).toBe(false);
  });

  it("refuses an old (replayed) or future signature outside the tolerance", () => {
    const header = signWebhook(secret, body, at);
    expect(verifyWebhookSignature(secret, header, body, { now: new Date(at.getTime() + 301_000) })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { now: new Date(at.getTime() - 301_000) })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { now: new Date(at.getTime() + 3_600_000), toleranceSeconds: 7200 })).toBe(true);
  });

  it("accepts any of several v1 entries (a rotation)", () => {
    const good = signWebhook(secret, body, at).split(",")[1]!;
    expect(verifyWebhookSignature(secret, `t=${at.getTime() / 1000},v1=${"0".repeat(64)},${good}`, body, { now: at })).toBe(true);
  });

  it("makes whsec_ secrets of 32 random bytes, each different, and a 10-character prefix", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
    expect(webhookSecretPrefix(a)).toBe(a.slice(0, 10));
  });
});

describe("webhook sending rules", () => {
  it("backs off 30 s doubling, capped at an hour", () => {
    expect([1, 2, 3, 7, 8, 12].map(webhookBackoffMs)).toEqual([30_000, 60_000, 120_000, 1_920_000, 3_600_000, 3_600_000]);
  });

  it("treats loopback, private, link-local, unique-local and mapped addresses as private", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "not-an-ip"]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]) expect(isPrivateAddress(a), a).toBe(false);
  });
});
