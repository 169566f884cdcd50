// Authorization codes, access tokens and refresh tokens for every emulated provider. Tokens
// are opaque random strings (as Google's and Microsoft's are to clients), bound to the
// provider, tenant, subject, client and scopes they were granted for.
import { randomBytes } from "node:crypto";

export type ProviderId = "google" | "microsoft" | "salesforce" | "aws";

export interface Grant {
  provider: ProviderId;
  tenantId: string;
  /** The user (or service account) the token acts as. */
  subject: string;
  clientId: string;
  scopes: string[];
  /** Set for service-account tokens without domain-wide delegation. */
  serviceAccount?: boolean;
  /** App-only tokens (Microsoft client credentials): `scopes` holds the app roles, `subject` the app. */
  appOnly?: boolean;
}

export interface AccessToken extends Grant {
  expiresAt: number;
  refreshToken?: string;
}

export interface PendingCode extends Grant {
  redirectUri: string;
  expiresAt: number;
  offline: boolean;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: "plain" | "S256";
}

const CODE_TTL_MS = 10 * 60_000;

export class TokenStore {
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, Grant>();
  private readonly codes = new Map<string, PendingCode>();

  constructor(private readonly now: () => number = Date.now) {}

  issueCode(pending: Omit<PendingCode, "expiresAt">, prefix: string): string {
    this.sweep();
    const code = `${prefix}${randomBytes(24).toString("base64url")}`;
    this.codes.set(code, { ...pending, expiresAt: this.now() + CODE_TTL_MS });
    return code;
  }

  /** Codes are single-use (RFC 6749 §4.1.2): a second attempt finds nothing. */
  consumeCode(code: string): PendingCode | undefined {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    return pending && pending.expiresAt > this.now() ? pending : undefined;
  }

  issueAccess(grant: Grant, ttlSeconds: number, prefix: string, refreshToken?: string): string {
    const token = `${prefix}${randomBytes(32).toString("base64url")}`;
    this.access.set(token, { ...grant, scopes: [...grant.scopes], expiresAt: this.now() + ttlSeconds * 1000, refreshToken });
    return token;
  }

  issueRefresh(grant: Grant, prefix: string): string {
    const token = `${prefix}${randomBytes(32).toString("base64url")}`;
    this.refresh.set(token, { ...grant, scopes: [...grant.scopes] });
    return token;
  }

  lookupAccess(token: string): AccessToken | undefined {
    const rec = this.access.get(token);
    if (!rec) return undefined;
    if (rec.expiresAt <= this.now()) {
      this.access.delete(token);
      return undefined;
    }
    return rec;
  }

  lookupRefresh(token: string): Grant | undefined {
    return this.refresh.get(token);
  }

  /**
   * Revoking either half of a grant revokes both: an access token takes its refresh token with
   * it, a refresh token every access token minted from it (Google's documented behaviour).
   */
  revoke(token: string): boolean {
    const rec = this.access.get(token);
    if (rec) {
      this.access.delete(token);
      if (rec.refreshToken) this.revokeRefresh(rec.refreshToken);
      return true;
    }
    if (this.refresh.has(token)) {
      this.revokeRefresh(token);
      return true;
    }
    return false;
  }

  /** What an admin removing the app's access (or deleting the tenant) does. */
  revokeTenant(tenantId: string): number {
    let n = 0;
    for (const [t, rec] of this.access) {
      if (rec.tenantId === tenantId && this.access.delete(t)) n++;
    }
    for (const [t, rec] of this.refresh) {
      if (rec.tenantId === tenantId && this.refresh.delete(t)) n++;
    }
    return n;
  }

  private revokeRefresh(refreshToken: string): void {
    this.refresh.delete(refreshToken);
    for (const [t, rec] of this.access) if (rec.refreshToken === refreshToken) this.access.delete(t);
  }

  private sweep(): void {
    const now = this.now();
    for (const [c, p] of this.codes) if (p.expiresAt <= now) this.codes.delete(c);
    for (const [t, a] of this.access) if (a.expiresAt <= now) this.access.delete(t);
  }
}
