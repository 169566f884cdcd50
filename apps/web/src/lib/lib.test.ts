import { describe, expect, it } from "vitest";
import { errorMessage, fieldErrorsOf, isNotFound } from "./errors";
import { formatDateTime, formatRelative, groupSecret, initials, safeCallbackUrl } from "./format";
import { assignableRoles, canManageMember } from "./roles";

const trpcError = (message: string, data: Record<string, unknown>) => Object.assign(new Error(message), { data });

describe("errorMessage", () => {
  it("uses the server's message for domain errors", () => {
    expect(errorMessage(trpcError("colleague@example.com is already a member", { code: "CONFLICT", domainCode: "conflict" }))).toBe("colleague@example.com is already a member");
  });
  it("quotes the request id for internal errors", () => {
    expect(errorMessage(trpcError("Something went wrong", { code: "INTERNAL_SERVER_ERROR", domainCode: "internal", requestId: "r-123" }))).toContain("r-123");
  });
  it("explains network failures and points at fields", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/Could not reach Holdfast/);
    expect(errorMessage(trpcError("Some fields are not valid", { code: "BAD_REQUEST", fieldErrors: { email: ["bad"] } }))).toBe("Check the highlighted fields.");
  });
  it("extracts the first message per field", () => {
    expect(fieldErrorsOf(trpcError("x", { code: "BAD_REQUEST", fieldErrors: { email: ["must be an email address", "too long"] } }))).toEqual({ email: "must be an email address" });
    expect(fieldErrorsOf(new Error("x"))).toEqual({});
    expect(isNotFound(trpcError("x", { code: "NOT_FOUND" }))).toBe(true);
  });
});

describe("roles", () => {
  it("offers only roles at or below your own, owner only to owners", () => {
    expect(assignableRoles("owner")).toEqual(["viewer", "operator", "admin", "owner"]);
    expect(assignableRoles("admin")).toEqual(["viewer", "operator", "admin"]);
    expect(assignableRoles("operator")).toEqual([]);
  });
  it("never offers to manage yourself or someone above you", () => {
    expect(canManageMember("admin", "owner", false)).toBe(false);
    expect(canManageMember("admin", "viewer", false)).toBe(true);
    expect(canManageMember("owner", "owner", true)).toBe(false);
  });
});

describe("format", () => {
  it("formats in the requested time zone", () => {
    expect(formatDateTime("2025-01-15T12:00:00.000Z", { timeZone: "Asia/Tokyo", locale: "en-GB" })).toBe("15 Jan 2025, 21:00");
    expect(formatDateTime("not a date")).toBe("not a date");
  });
  it("describes relative times", () => {
    const now = Date.parse("2025-01-15T12:00:00Z");
    expect(formatRelative("2025-01-15T11:59:50Z", now)).toBe("just now");
    expect(formatRelative("2025-01-12T12:00:00Z", now, "en")).toBe("3 days ago");
    expect(formatRelative("2025-01-22T12:00:00Z", now, "en")).toBe("next week");
  });
  it("groups secrets and makes initials", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("grace.hopper@example.com")).toBe("GH");
  });
  it("accepts only same-site callback paths", () => {
    expect(safeCallbackUrl("/o/123/members")).toBe("/o/123/members");
    expect(safeCallbackUrl("//evil.example")).toBe("/");
    expect(safeCallbackUrl("https://evil.example")).toBe("/");
    expect(safeCallbackUrl("/\\evil.example")).toBe("/");
    expect(safeCallbackUrl(undefined, "")).toBe("");
  });
});
