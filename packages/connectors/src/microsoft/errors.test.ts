import { describe, expect, it } from "vitest";
import { classifyGraphFailure, classifyTokenFailure } from "./errors";

const now = Date.parse("2026-11-27T12:00:00Z");

describe("classifyGraphFailure", () => {
  it.each([
    [{ status: 429, code: "ApplicationThrottled", retryAfter: "7" }, "rate_limited", 7000],
    [{ status: 429, code: "activityLimitReached", retryAfter: "30" }, "rate_limited", 30000],
    [{ status: 503, code: "activityLimitReached" }, "rate_limited", undefined],
    [{ status: 503, code: "ServiceUnavailable", retryAfter: "Fri, 27 Nov 2026 12:00:05 GMT" }, "rate_limited", 5000],
    [{ status: 503, code: "ServiceUnavailable" }, "transient", undefined],
    [{ status: 500, code: "InternalServerError" }, "transient", undefined],
    [{ status: -1 }, "transient", undefined],
    [{ status: 401, code: "InvalidAuthenticationToken" }, "disconnected", undefined],
    [{ status: 403, code: "ErrorAccessDenied" }, "permission_denied", undefined],
    [{ status: 403, code: "Authorization_RequestDenied" }, "permission_denied", undefined],
    [{ status: 404, code: "ErrorItemNotFound" }, "not_found", undefined],
    [{ status: 404, code: "itemNotFound" }, "not_found", undefined],
    [{ status: 410, code: "syncStateNotFound" }, "resync_required", undefined],
    [{ status: 410, code: "resyncRequired" }, "resync_required", undefined],
    [{ status: 400, code: "syncStateNotFound" }, "resync_required", undefined],
    [{ status: 409, code: "nameAlreadyExists" }, "conflict", undefined],
    [{ status: 413, code: "ErrorRequestEntityTooLarge" }, "unsupported", undefined],
    [{ status: 400, code: "ErrorInvalidRequest" }, "invalid", undefined],
  ] as const)("%j → %s", (failure, code, retryAfterMs) => {
    const e = classifyGraphFailure(failure, now);
    expect(e.code).toBe(code);
    expect(e.retryAfterMs).toBe(retryAfterMs);
    expect(e.details.provider).toBe("microsoft");
  });

  it("names Graph's status, code and message", () => {
    const e = classifyGraphFailure({ status: 404, code: "ErrorItemNotFound", message: "The specified object was not found in the store." });
    expect(e.message).toBe("Microsoft Graph 404 ErrorItemNotFound: The specified object was not found in the store.");
    expect(e.details.providerCode).toBe("ErrorItemNotFound");
  });
});

describe("classifyTokenFailure", () => {
  it.each([
    [{ status: 401, error: "invalid_client", description: "AADSTS7000215: Invalid client secret provided." }, "disconnected"],
    [{ status: 400, error: "unauthorized_client", description: "AADSTS700016: Application with identifier 'x' was not found in the directory." }, "disconnected"],
    [{ status: 400, error: "invalid_grant", description: "AADSTS65001: The user or administrator has not consented." }, "disconnected"],
    [{ status: 400, error: "invalid_request", description: "AADSTS90002: Tenant 'x' not found." }, "disconnected"],
    [{ status: 400, error: "invalid_scope", description: "AADSTS1002012: The provided value for scope is not valid." }, "invalid"],
    [{ status: 429 }, "rate_limited"],
    [{ status: 503 }, "transient"],
    [{ status: 0 }, "transient"],
  ] as const)("%j → %s", (failure, code) => {
    expect(classifyTokenFailure(failure, now).code).toBe(code);
  });

  it("keeps only the first line of Entra's description (no trace ids)", () => {
    const e = classifyTokenFailure({ status: 401, error: "invalid_client", description: "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: abc\r\nCorrelation ID: def" });
    expect(e.message).toBe("Microsoft identity platform token request failed (401 invalid_client): AADSTS7000215: Invalid client secret provided.");
  });
});
