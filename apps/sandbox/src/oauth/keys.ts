// The sandbox's own RS256 signing key: ID tokens are signed with it and published as a JWKS, so
// OIDC clients (next-auth, openid-client, google-auth-library's verifyIdToken) verify them the
// same way they verify the real providers'. A fresh key per process: tokens do not outlive it.
import { randomBytes } from "node:crypto";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

export class SigningKey {
  private constructor(
    private readonly keys: Keys,
    readonly kid: string,
    private readonly jwk: JWK,
    private readonly spki: string,
  ) {}

  static async generate(): Promise<SigningKey> {
    const keys = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
    const kid = randomBytes(20).toString("hex");
    const jwk = await exportJWK(keys.publicKey);
    return new SigningKey(keys, kid, { ...jwk, kid, alg: "RS256", use: "sig" }, await exportSPKI(keys.publicKey));
  }

  /** kid → PEM public key, the shape of Google's oauth2/v1/certs (which serves X.509 certificates). */
  pems(): Record<string, string> {
    return { [this.kid]: this.spki };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  sign(claims: JWTPayload, ttlSeconds: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: this.kid, typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.keys.privateKey);
  }
}
