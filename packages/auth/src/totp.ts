// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the parameters every authenticator app supports.
import { Secret, TOTP } from "otpauth";

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, account: string, issuer = "Holdfast"): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secretBase32), algorithm: "SHA1", digits: 6, period: 30 }).toString();
}

/** Accepts the current code and one step either side, for clock drift. */
export function verifyTotp(secretBase32: string, code: string, at: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const totp = new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.validate({ token: code, timestamp: at, window: 1 }) !== null;
}

export function totpCode(secretBase32: string, at: number = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secretBase32), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: at });
}
