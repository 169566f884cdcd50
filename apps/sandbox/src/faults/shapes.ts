// What an injected fault answers, in each provider's own words, so every official client parses
// it as it would the real failure.
//
// - Status faults (429/500/503): Google's and Graph's JSON envelopes, Salesforce's error array,
//   and for AWS the query-protocol `<ErrorResponse>` of STS ("Throttling", "ServiceUnavailable",
//   "InternalFailure") or S3's `<Error>` document ("SlowDown" — S3's documented answer to too
//   high a request rate —, "InternalError"), which @aws-sdk deserializes into named exceptions.
// - Revoked token: the answer to a revoked or expired grant. API calls: Google 401
//   UNAUTHENTICATED (reason authError, WWW-Authenticate invalid_token), Graph 401
//   InvalidAuthenticationToken, Salesforce 401 INVALID_SESSION_ID, STS 403 InvalidClientTokenId,
//   S3 400 ExpiredToken. Token endpoints: 400 `invalid_grant` (Google "Token has been expired or
//   revoked.", Microsoft AADSTS700082, Salesforce "expired access/refresh token").
// - Expired cursor: the documented resync error of the request's change API — Gmail
//   history.list 404 notFound, Drive changes.list 400 invalid pageToken (as the sandbox's Drive
//   answers a pageToken older than its log), Calendar events.list with syncToken 410
//   fullSyncRequired, People connections.list with syncToken 400 FAILED_PRECONDITION /
//   EXPIRED_SYNC_TOKEN, Graph mail/contacts/events delta with a $skiptoken/$deltatoken 410
//   syncStateNotFound, OneDrive root/delta with a token 410 resyncRequired, Salesforce
//   sobjects/{type}/updated|deleted 400 INVALID_REPLICATION_DATE. Any other request is not a
//   cursor request and such a rule does not match it.
import { randomUUID } from "node:crypto";
import { GoogleApiError, googleFaultError } from "../google/errors";
import { expiredSyncToken } from "../google/people/routes";
import { GraphError, graphFaultError } from "../microsoft/errors";

export type Provider = "google" | "microsoft" | "salesforce" | "aws";

export interface FaultAnswer {
  status: number;
  /** JSON unless given. */
  type?: string;
  headers?: Record<string, string>;
  body: unknown;
}

const GOOGLE_API_PREFIX = /^\/google(?=\/(?:gmail|upload|admin|drive|calendar|v1)\/)/;
const GOOGLE_WWW_AUTH = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** The provider of a path: the sandbox's prefixes, plus the People API's root path (/v1/people). */
export function faultProvider(path: string, byPrefix: Provider | undefined): Provider | undefined {
  return byPrefix ?? (path.startsWith("/v1/people") ? "google" : undefined);
}

const google = (err: GoogleApiError, headers?: Record<string, string>): FaultAnswer => ({ status: err.code, body: err.body(), headers });
const graph = (err: GraphError, headers?: Record<string, string>): FaultAnswer => ({ status: err.status, body: err.body(), headers });
const salesforce = (status: number, errorCode: string, message: string): FaultAnswer => ({ status, body: [{ message, errorCode }] });

function stsError(status: number, type: "Sender" | "Receiver", code: string, message: string): FaultAnswer {
  const id = randomUUID();
  return { status, type: "text/xml", headers: { "x-amzn-requestid": id }, body: `<ErrorResponse xmlns="${STS_NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>` };
}

function s3Error(status: number, code: string, message: string): FaultAnswer {
  const id = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
  return { status, type: "application/xml", headers: { "x-amz-request-id": id }, body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${id}</RequestId><HostId>sandbox</HostId></Error>` };
}

const isSts = (path: string) => path === "/aws/sts" || path.startsWith("/aws/sts/");

/** A 429/500/503 in the provider's shape. */
export function statusAnswer(provider: Provider | undefined, path: string, status: number): FaultAnswer {
  switch (provider) {
    case "google":
      return google(googleFaultError(status));
    case "microsoft":
      return graph(graphFaultError(status));
    case "salesforce":
      return salesforce(status, status === 503 ? "SERVER_UNAVAILABLE" : status === 500 ? "UNKNOWN_EXCEPTION" : "REQUEST_LIMIT_EXCEEDED", "Injected fault");
    case "aws":
      if (isSts(path)) {
        if (status === 429) return stsError(status, "Sender", "Throttling", "Rate exceeded");
        if (status === 503) return stsError(status, "Receiver", "ServiceUnavailable", "Service is unable to handle request.");
        return stsError(status, "Receiver", "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");
      }
      if (status === 500) return s3Error(status, "InternalError", "We encountered an internal error. Please try again.");
      return s3Error(status, "SlowDown", "Please reduce your request rate.");
    default:
      return { status, body: { error: { code: status, message: "Injected fault" } } };
  }
}

/** The provider's token endpoint (a refresh there fails with invalid_grant when the grant is revoked). */
export function isTokenEndpoint(provider: Provider | undefined, path: string): boolean {
  if (provider === "google") return path === "/google/token";
  if (provider === "microsoft") return /^\/microsoft\/[^/]+\/oauth2\/v2\.0\/token$/.test(path);
  if (provider === "salesforce") return path === "/salesforce/services/oauth2/token";
  return false;
}

export function revokedTokenAnswer(provider: Provider | undefined, path: string): FaultAnswer {
  const token = isTokenEndpoint(provider, path);
  switch (provider) {
    case "google":
      if (token) return { status: 400, body: { error: "invalid_grant", error_description: "Token has been expired or revoked." } };
      return google(
        new GoogleApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", "authError", "UNAUTHENTICATED", { location: "Authorization", locationType: "header" }),
        { "www-authenticate": GOOGLE_WWW_AUTH },
      );
    case "microsoft":
      if (token) {
        const description = "AADSTS700082: The refresh token has expired due to inactivity. The token was issued and was inactive for a period of time.";
        return { status: 400, body: { error: "invalid_grant", error_description: description, error_codes: [700082], timestamp: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"), trace_id: randomUUID(), correlation_id: randomUUID() } };
      }
      return graph(new GraphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."), { "www-authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"' });
    case "salesforce":
      if (token) return { status: 400, body: { error: "invalid_grant", error_description: "expired access/refresh token" } };
      return salesforce(401, "INVALID_SESSION_ID", "Session expired or invalid");
    case "aws":
      if (isSts(path)) return stsError(403, "Sender", "InvalidClientTokenId", "The security token included in the request is invalid.");
      return s3Error(400, "ExpiredToken", "The provided token has expired.");
    default:
      return { status: 401, body: { error: { code: 401, message: "Injected fault: revoked token" } } };
  }
}

/** The resync error of the change API this request reads from a cursor, or undefined when it presents none. */
export function expiredCursorAnswer(provider: Provider | undefined, method: string, path: string, query: URLSearchParams): FaultAnswer | undefined {
  if (method !== "GET") return undefined;
  if (provider === "google") {
    const p = path.replace(GOOGLE_API_PREFIX, "");
    if (/^\/gmail\/v1\/users\/[^/]+\/history$/.test(p)) return google(new GoogleApiError(404, "Requested entity was not found.", "notFound"));
    if (p === "/drive/v3/changes" && query.has("pageToken")) return google(new GoogleApiError(400, "Invalid Value", "invalid", undefined, { location: "pageToken", locationType: "parameter" }));
    if (/^\/calendar\/v3\/calendars\/[^/]+\/events$/.test(p) && query.has("syncToken")) return google(new GoogleApiError(410, "Sync token is no longer valid, a full sync is required.", "fullSyncRequired", "GONE", { domain: "calendar" }));
    if (/^\/v1\/people\/[^/]+\/connections$/.test(p) && query.has("syncToken")) return google(expiredSyncToken());
    return undefined;
  }
  if (provider === "microsoft") {
    if (!/^\/microsoft\/graph\/v1\.0\/.+\/delta(?:\(\))?$/.test(path)) return undefined;
    if (/\/root\/delta(?:\(\))?$/.test(path)) return query.has("token") ? graph(new GraphError(410, "resyncRequired", "Resync required. The delta token is no longer valid; enumerate the drive again.")) : undefined;
    return query.has("$deltatoken") || query.has("$skiptoken") ? graph(new GraphError(410, "syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.")) : undefined;
  }
  if (provider === "salesforce" && /^\/salesforce\/services\/data\/v[\d.]+\/sobjects\/[^/]+\/(?:updated|deleted)\/?$/.test(path)) {
    return salesforce(400, "INVALID_REPLICATION_DATE", "startDate cannot be more than 30 days ago");
  }
  return undefined;
}
