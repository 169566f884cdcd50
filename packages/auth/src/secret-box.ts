// Secrets at rest (TOTP seeds now, OAuth tokens later) are sealed with AES-256-GCM under the
// key-encryption key. Format: v1.<iv b64url>.<ciphertext+tag b64url>; the purpose string is bound
// as associated data so a sealed value cannot be moved to another field.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export function seal(kek: Buffer, plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", kek, iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

export function open(kek: Buffer, sealed: string, purpose: string): string {
  const [version, ivText, bodyText] = sealed.split(".");
  if (version !== "v1" || !ivText || !bodyText) throw new Error("sealed secret: unknown format or version");
  const body = Buffer.from(bodyText, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", kek, Buffer.from(ivText, "base64url"));
  decipher.setAAD(Buffer.from(purpose, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
}
