// Classification of Google failures, on error shapes as gaxios delivers them (status, headers,
// parsed body in Google's envelope or the token endpoint's RFC 6749 form).
import { describe, expect, it } from "vitest";
import { classifyGoogleError } from "./errors";

function gaxios(status: number, data: unknown, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`Request failed with status code ${status}`), { status, response: { status, headers: new Headers(headers), data } });
}
const api = (code: number, reason: string, message = "x", extra: Record<string, unknown> = {}) => ({ error: { code, message, errors: [{ reason, domain: "global", message, ...extra }] } });

describe("classifyGoogleError", () => {
  it("maps 429 and the 403 rate-limit reasons to rate_limited with Retry-After", () => {
    const e = classifyGoogleError(gaxios(429, { error: { code: 429, message: "Too many", status: "RESOURCE_EXHAUSTED", errors: [{ reason: "userRateLimitExceeded" }] } }, { "retry-after": "7" }), { op: "gmail messages.get" });
    expect(e.code).toBe("rate_limited");
    expect(e.retryAfterMs).toBe(7000);
    expect(e.retryable).toBe(true);
    expect(classifyGoogleError(gaxios(403, api(403, "userRateLimitExceeded")), { op: "drive files.list" }).code).toBe("rate_limited");
    expect(classifyGoogleError(gaxios(403, api(403, "rateLimitExceeded")), { op: "drive files.list" }).code).toBe("rate_limited");
  });

  it("maps 401 and refused grants to disconnected, an unknown impersonated user to not_found", () => {
    expect(classifyGoogleError(gaxios(401, { error: { code: 401, status: "UNAUTHENTICATED", message: "Request had invalid authentication credentials." } }), { op: "x" }).code).toBe("disconnected");
    expect(classifyGoogleError(gaxios(400, { error: "invalid_grant", error_description: "Token has been expired or revoked." }), { op: "x" }).code).toBe("disconnected");
    expect(classifyGoogleError(gaxios(401, { error: "unauthorized_client", error_description: "Client is unauthorized" }), { op: "x" }).code).toBe("disconnected");
    expect(classifyGoogleError(gaxios(400, { error: "invalid_grant", error_description: "Invalid email or User ID" }), { op: "x" }).code).toBe("not_found");
  });

  it("tells not_found from an expired cursor by the call", () => {
    expect(classifyGoogleError(gaxios(404, api(404, "notFound")), { op: "gmail messages.get" }).code).toBe("not_found");
    expect(classifyGoogleError(gaxios(404, api(404, "notFound")), { op: "gmail history.list", cursor: true }).code).toBe("resync_required");
    expect(classifyGoogleError(gaxios(410, api(410, "fullSyncRequired")), { op: "calendar events.list", cursor: true }).code).toBe("resync_required");
    expect(classifyGoogleError(gaxios(400, api(400, "invalid", "Invalid Value", { location: "pageToken" })), { op: "drive changes.list", cursor: true }).code).toBe("resync_required");
    const people = { error: { code: 400, message: "Sync token is expired. Clear local cache and retry call without the sync token.", status: "FAILED_PRECONDITION", details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "EXPIRED_SYNC_TOKEN" }] } };
    expect(classifyGoogleError(gaxios(400, people), { op: "people connections.list", cursor: true }).code).toBe("resync_required");
    // Outside a cursor call the same 400 is our bad request.
    expect(classifyGoogleError(gaxios(400, api(400, "invalid", "Invalid Value", { location: "pageToken" })), { op: "drive files.list" }).code).toBe("invalid");
  });

  it("maps other 403s to permission_denied, 409 to conflict, 5xx and network failures to transient", () => {
    const denied = classifyGoogleError(gaxios(403, api(403, "insufficientPermissions", "Insufficient Permission")), { op: "drive files.get" });
    expect(denied.code).toBe("permission_denied");
    expect(denied.message).toContain("insufficientPermissions");
    expect(classifyGoogleError(gaxios(403, api(403, "forbidden")), { op: "x" }).code).toBe("permission_denied");
    expect(classifyGoogleError(gaxios(409, api(409, "duplicate")), { op: "x" }).code).toBe("conflict");
    expect(classifyGoogleError(gaxios(503, api(503, "backendError"), { "retry-after": "2" }), { op: "x" })).toMatchObject({ code: "transient", retryAfterMs: 2000 });
    expect(classifyGoogleError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), { op: "x" }).code).toBe("transient");
  });

  it("keeps the operation and Google's message but no request details", () => {
    const err = Object.assign(gaxios(404, api(404, "notFound", "File not found: abc.")), { config: { headers: { authorization: "Bearer ya29.secret" }, url: "https://www.googleapis.com/drive/v3/files/abc" } });
    const e = classifyGoogleError(err, { op: "drive files.get" });
    expect(e.message).toBe("drive files.get: not found (File not found: abc.)");
    expect(e.details).toMatchObject({ provider: "google", status: 404, providerCode: "notFound" });
    expect(e.details.cause).toBeInstanceOf(Error);
    expect((e.details.cause as { config?: unknown }).config).toBeUndefined();
    expect(JSON.stringify(e) + String(e.details.cause)).not.toContain("ya29");
  });
});
