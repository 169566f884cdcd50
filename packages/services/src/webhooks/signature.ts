// The signature every delivery carries (docs/webhooks.md), in the style receivers already know
// from Stripe: `Holdfast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
// The timestamp is signed too, so a captured request cannot be replayed after the tolerance.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { WEBHOOK_TOLERANCE_SECONDS } from "./types";

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** The first characters of a secret, enough to tell endpoints apart and no help in guessing it. */
export const webhookSecretPrefix = (secret: string) => secret.slice(0, 10);

function hmacHex(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
}

/** The `Holdfast-Signature` header value for `rawBody` sent at `now`. */
export function signWebhook(secret: string, rawBody: string | Uint8Array, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

export interface VerifyWebhookOptions {
  now?: Date;
  /** How old (or how far ahead) a signature may be; default WEBHOOK_TOLERANCE_SECONDS. */
  toleranceSeconds?: number;
}

/**
 * True when `header` signs exactly `rawBody` (the bytes received, before any JSON parsing) with
 * `secret`, within the tolerance. Any `v1=` entry may match (room for a secret rotation later).
 */
export function verifyWebhookSignature(secret: string, header: string | null | undefined, rawBody: string | Uint8Array, opts: VerifyWebhookOptions = {}): boolean {
  if (!header) return false;
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v1" && value && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (t === undefined || candidates.length === 0) return false;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(hmacHex(secret, t, rawBody), "hex");
  return candidates.map((c) => timingSafeEqual(expected, Buffer.from(c, "hex"))).some(Boolean);
}
