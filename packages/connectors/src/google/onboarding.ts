// Onboarding checks for a Google Workspace source, run before anything is stored or scheduled:
// the customer's service-account key can act as the admin (domain-wide delegation) and read the
// directory, and the admin who approved Holdfast's OAuth client is who the source names and can
// list the domain's users. Tokens obtained here are used once and never returned.
import { OAuth2Client } from "google-auth-library";
import { ConnectorError, isConnectorError } from "../core/errors";
import type { Throttle } from "../core/throttle";
import { GOOGLE_SCOPES, GoogleApis } from "./api";
import { parseGoogleConfig } from "./config";
import { classifyGoogleError } from "./errors";

export interface DelegationCheckInput {
  serviceAccountKey: string | Record<string, unknown>;
  adminEmail: string;
  rootUrl?: string;
  tokenUrl?: string;
  throttle: Throttle;
}

/**
 * Mints a token as `adminEmail` through the key (the same JWT client the backups use) and lists
 * one directory user. Throws a ConnectorError (`disconnected` when delegation is missing,
 * `permission_denied` when the admin may not read the directory) or an Error naming a bad key.
 */
export async function verifyGoogleDelegation(input: DelegationCheckInput): Promise<{ clientEmail: string }> {
  const g = new GoogleApis(parseGoogleConfig({ ...input, directoryRequestsPerMinute: 60 }));
  const dir = g.directory();
  await g.call("directory", input.adminEmail, "users.list", () => dir.users.list({ customer: "my_customer", maxResults: 1 }));
  // Backups need every read scope delegated, not only the directory's: mint a token for each now
  // rather than fail on the first backup.
  for (const service of ["gmail", "drive", "calendar", "people"] as const) {
    try {
      await g.auth(input.adminEmail, service, "read").getAccessToken();
    } catch (e) {
      const err = classifyGoogleError(e, { op: `token for ${GOOGLE_SCOPES[service].read.join(" ")}` });
      throw new ConnectorError(err.code, `the key is not delegated ${GOOGLE_SCOPES[service].read.join(" ")}: ${err.message}`, { provider: "google" });
    }
  }
  return { clientEmail: g.config.key.client_email };
}

export interface GoogleConsentInput {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  code: string;
  codeVerifier: string;
  endpoints: { tokenUrl: string; certsUrl: string; issuers: string[]; rootUrl: string };
  /** Called with the verified identity before the token is used: throw to refuse someone else. */
  accept: (who: { email: string; hostedDomain: string | null; emailVerified: boolean }) => void;
}

/**
 * Completes the admin's authorization-code grant (PKCE), verifies the id token (signature,
 * audience, issuer, expiry) and checks with the access token that this admin can list the users
 * of their domain. Returns who consented; the caller compares it with the source.
 */
export async function completeGoogleConsent(input: GoogleConsentInput): Promise<{ email: string; hostedDomain: string | null; emailVerified: boolean }> {
  const client = new OAuth2Client({
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    redirectUri: input.redirectUri,
    endpoints: { oauth2TokenUrl: input.endpoints.tokenUrl, oauth2FederatedSignonPemCertsUrl: input.endpoints.certsUrl },
    issuers: input.endpoints.issuers,
  });
  let idToken: string | null | undefined;
  try {
    const { tokens } = await client.getToken({ code: input.code, codeVerifier: input.codeVerifier, redirect_uri: input.redirectUri });
    client.setCredentials(tokens);
    idToken = tokens.id_token;
  } catch (e) {
    throw classifyGoogleError(e, { op: "oauth token exchange" });
  }
  if (!idToken) throw new ConnectorError("invalid", "Google returned no id token: the openid scope was not granted", { provider: "google" });
  let payload;
  try {
    payload = (await client.verifyIdToken({ idToken, audience: input.clientId })).getPayload();
  } catch (e) {
    throw new ConnectorError("invalid", `the id token did not verify: ${e instanceof Error ? e.message : String(e)}`, { provider: "google" });
  }
  if (!payload?.email) throw new ConnectorError("invalid", "the id token carries no e-mail address: the email scope was not granted", { provider: "google" });
  const hostedDomain = payload.hd ?? null;
  const who = { email: payload.email, hostedDomain, emailVerified: payload.email_verified === true };
  input.accept(who);
  if (hostedDomain) {
    const root = input.endpoints.rootUrl.endsWith("/") ? input.endpoints.rootUrl : `${input.endpoints.rootUrl}/`;
    try {
      await client.request({ url: `${root}admin/directory/v1/users`, params: { domain: hostedDomain, maxResults: 1 }, retry: false });
    } catch (e) {
      const err = classifyGoogleError(e, { op: "directory users.list" });
      if (isConnectorError(err)) throw err;
      throw e;
    }
  }
  return who;
}
