import { createHash } from "node:crypto";

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** Google accepts both alphabets and optional padding in `raw` fields; so do we. */
export function fromBase64Any(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** An opaque page token; clients must treat it as a black box, as with the real providers. */
export function encodePageToken(value: unknown): string {
  return base64url(JSON.stringify(value));
}

export function decodePageToken<T>(token: string, guard: (v: unknown) => v is T): T | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    return guard(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
