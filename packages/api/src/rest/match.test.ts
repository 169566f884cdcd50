import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createMatcher } from "./match";
import { defineRoute } from "./route";

const route = (method: "GET" | "POST" | "DELETE", path: string) =>
  defineRoute({ method, path, operationId: `${method}${path}`, summary: "", tag: "t", response: { status: 200, description: "", schema: z.object({}) }, errors: [], handle: () => Promise.resolve({}) });

const match = createMatcher([route("GET", "/api-keys"), route("POST", "/api-keys"), route("DELETE", "/api-keys/{id}"), route("GET", "/organizations/{id}")]);

describe("createMatcher", () => {
  it("matches literal paths by method", () => {
    const m = match("POST", "/api-keys");
    expect(m.kind === "ok" && m.route.operationId).toBe("POST/api-keys");
  });

  it("extracts and decodes path parameters", () => {
    expect(match("GET", "/organizations/a%20b")).toMatchObject({ kind: "ok", params: { id: "a b" } });
  });

  it("ignores a trailing slash", () => {
    expect(match("GET", "/api-keys/").kind).toBe("ok");
  });

  it("reports the allowed methods when only the method is wrong", () => {
    expect(match("PUT", "/api-keys")).toEqual({ kind: "method_not_allowed", allow: ["GET", "POST"] });
    expect(match("GET", "/api-keys/123")).toEqual({ kind: "method_not_allowed", allow: ["DELETE"] });
  });

  it("does not match unknown paths, extra segments or malformed encoding", () => {
    expect(match("GET", "/nope").kind).toBe("not_found");
    expect(match("GET", "/organizations/1/extra").kind).toBe("not_found");
    expect(match("GET", "/organizations/%E0%A4%A").kind).toBe("not_found");
    expect(match("GET", "/").kind).toBe("not_found");
  });
});
