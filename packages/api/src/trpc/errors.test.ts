import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "@holdfast/services";
import { asDomainError, fieldErrors, formatError, INTERNAL_MESSAGE, mapProcedureError, schemaIssues } from "./errors";
import { clientIpFrom, normalizeRequestId } from "./context";

const shape = (code: string, httpStatus: number, message: string) => ({
  message,
  code: -32603,
  data: { code, httpStatus, path: "members.invite", stack: "Error: at secret/place.ts:1" },
});

describe("mapProcedureError", () => {
  it("maps every domain code through TRPC_CODE", () => {
    const cases = [
      ["NOT_FOUND", "NOT_FOUND"],
      ["FORBIDDEN", "FORBIDDEN"],
      ["VALIDATION", "BAD_REQUEST"],
      ["RATE_LIMITED", "TOO_MANY_REQUESTS"],
      ["PRECONDITION_FAILED", "PRECONDITION_FAILED"],
      ["CONFLICT", "CONFLICT"],
    ] as const;
    for (const [domain, trpc] of cases) {
      const wrapped = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new DomainError(domain, "nope") });
      const mapped = mapProcedureError(wrapped);
      expect(mapped?.code).toBe(trpc);
      expect(mapped?.message).toBe("nope");
    }
  });

  it("leaves already-correct and non-domain errors alone", () => {
    expect(mapProcedureError(new TRPCError({ code: "NOT_FOUND", cause: new DomainError("NOT_FOUND", "x") }))).toBeNull();
    expect(mapProcedureError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("db exploded") }))).toBeNull();
  });

  it("treats a service's own input parse failure as a bad request", () => {
    const parsed = z.object({ email: z.string().email() }).safeParse({ email: "x" });
    const mapped = mapProcedureError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: parsed.error }));
    expect(mapped?.code).toBe("BAD_REQUEST");
  });
});

describe("formatError", () => {
  it("hides an unknown error's message and every stack", () => {
    const err = new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "password authentication failed for user holdfast_app", cause: new Error("pg") });
    const out = formatError(shape("INTERNAL_SERVER_ERROR", 500, err.message), err, "req-12345678");
    expect(out.message).toBe(INTERNAL_MESSAGE);
    expect(out.data).not.toHaveProperty("stack");
    expect(out.data).toMatchObject({ domainCode: "internal", requestId: "req-12345678" });
  });

  it("keeps a domain error's message, code and details", () => {
    const err = new TRPCError({ code: "TOO_MANY_REQUESTS", message: "slow down", cause: new DomainError("RATE_LIMITED", "slow down", { retryAfterSeconds: 900 }) });
    const out = formatError(shape("TOO_MANY_REQUESTS", 429, "slow down"), err, null);
    expect(out.message).toBe("slow down");
    expect(out.data).toMatchObject({ domainCode: "rate_limited", details: { retryAfterSeconds: 900 }, httpStatus: 429 });
  });

  it("turns input validation into field errors", () => {
    const parsed = z.object({ email: z.string().email("must be an email address"), role: z.enum(["admin"]) }).safeParse({ email: "x", role: "boss" });
    const err = new TRPCError({ code: "BAD_REQUEST", cause: parsed.error });
    const out = formatError(shape("BAD_REQUEST", 400, "[{...}]"), err, null);
    expect(out.message).toBe("Some fields are not valid");
    expect(out.data.fieldErrors).toMatchObject({ email: ["must be an email address"], role: [expect.any(String)] });
  });
});

describe("helpers", () => {
  it("recognises domain errors by shape", () => {
    expect(asDomainError(new DomainError("CONFLICT", "c"))).toMatchObject({ code: "CONFLICT" });
    expect(asDomainError(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBeNull();
    expect(asDomainError({ name: "DomainError", code: "NOT_FOUND" })).toBeNull();
  });

  it("groups issues by path", () => {
    expect(fieldErrors([{ path: ["a", 0], message: "m1" }, { path: ["a", 0], message: "m2" }, { path: [], message: "top" }])).toEqual({ "a.0": ["m1", "m2"], _: ["top"] });
    expect(schemaIssues(new Error("x"))).toBeNull();
  });

  it("keeps only well-formed request ids and client addresses", () => {
    expect(normalizeRequestId("abc-123_456.789")).toBe("abc-123_456.789");
    expect(normalizeRequestId("bad\nid injected")).toMatch(/^[0-9a-f-]{36}$/);
    expect(normalizeRequestId(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(clientIpFrom(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientIpFrom(new Headers({ "x-real-ip": "2001:db8::1" }))).toBe("2001:db8::1");
    expect(clientIpFrom(new Headers({ "x-forwarded-for": "<script>" }))).toBeUndefined();
  });
});
