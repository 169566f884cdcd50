import { describe, expect, it } from "vitest";
import { RequestValidationError } from "./http";
import { idempotencyKeyOf, requestHash } from "./idempotency";

const withKey = (key?: string) => new Request("http://x.test/api/v1/restores", { method: "POST", ...(key === undefined ? {} : { headers: { "idempotency-key": key } }) });

describe("idempotencyKeyOf", () => {
  it("is null without the header and the key itself when it is 1–255 printable characters", () => {
    expect(idempotencyKeyOf(withKey())).toBeNull();
    expect(idempotencyKeyOf(withKey("a"))).toBe("a");
    expect(idempotencyKeyOf(withKey("k".repeat(255)))).toBe("k".repeat(255));
    expect(idempotencyKeyOf(withKey("order 42/retry:#1"))).toBe("order 42/retry:#1");
  });

  it.each([["k".repeat(256)], ["caf\u00e9"], ["   "]])("refuses %j, naming the header", (key) => {
    let caught: unknown;
    try {
      idempotencyKeyOf(withKey(key));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RequestValidationError);
    expect((caught as RequestValidationError).issues).toEqual([expect.objectContaining({ in: "header", field: "Idempotency-Key" })]);
  });
});

describe("requestHash", () => {
  it("changes with the method, the path or any byte of the body", () => {
    const base = requestHash("POST", "/api/v1/restores", '{"a":1}');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash("post", "/api/v1/restores", '{"a":1}')).toBe(base);
    expect(requestHash("PUT", "/api/v1/restores", '{"a":1}')).not.toBe(base);
    expect(requestHash("POST", "/api/v1/exports", '{"a":1}')).not.toBe(base);
    expect(requestHash("POST", "/api/v1/restores", '{"a":2}')).not.toBe(base);
    expect(requestHash("POST", "/api/v1/restores", '{"a": 1}')).not.toBe(base);
    // The separator keeps path and body apart: moving a byte across them is another request.
    expect(requestHash("POST", "/api/v1/restores{", '"a":1}')).not.toBe(base);
  });
});
