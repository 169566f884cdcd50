import { describe, expect, it } from "vitest";
import { FaultRegistry, FaultRuleInput, globToRegExp } from "./rules";

describe("fault rules", () => {
  it("matches paths by glob", () => {
    expect(globToRegExp("/gmail/v1/users/*/messages").test("/gmail/v1/users/me/messages")).toBe(true);
    expect(globToRegExp("/gmail/v1/users/*/messages").test("/gmail/v1/users/me/messages/1")).toBe(false);
    expect(globToRegExp("/gmail/**").test("/gmail/v1/users/me/messages/1")).toBe(true);
  });

  it("fires at its rate, deterministically, and stops after `times`", () => {
    const run = () => {
      const reg = new FaultRegistry();
      reg.add(FaultRuleInput.parse({ path: "/x", status: 503, rate: 0.3, seed: 4 }));
      return Array.from({ length: 1000 }, () => reg.match("GET", "/x", undefined) !== undefined);
    };
    const hits = run();
    expect(hits).toEqual(run());
    const n = hits.filter(Boolean).length;
    expect(n).toBeGreaterThan(250);
    expect(n).toBeLessThan(350);
    const reg = new FaultRegistry();
    reg.add(FaultRuleInput.parse({ status: 429, retryAfter: 3, times: 2, provider: "google" }));
    expect(reg.match("GET", "/gmail/v1/x", "microsoft")).toBeUndefined();
    expect(reg.match("GET", "/gmail/v1/x", "google")?.retryAfter).toBe(3);
    expect(reg.match("POST", "/anything", "google")?.status).toBe(429);
    expect(reg.match("GET", "/gmail/v1/x", "google")).toBeUndefined();
  });
});

describe("fault targeting", () => {
  it("selects by tenant and user, resolving the target only when a rule asks", () => {
    const reg = new FaultRegistry();
    reg.add(FaultRuleInput.parse({ status: 503, tenant: "T-1", user: "Ada@x.example" }));
    reg.add(FaultRuleInput.parse({ drop: "headers", tenant: "t-2" }));
    let resolved = 0;
    const target = (tenants: string[], users: string[]) => () => {
      resolved++;
      return { tenants, users };
    };
    expect(reg.match("GET", "/a", "google", target(["t-1"], ["bob@x.example"]))).toBeUndefined();
    expect(reg.match("GET", "/a", "google", target(["t-1"], ["ada@x.example"]))?.status).toBe(503);
    expect(reg.match("GET", "/a", "google", target(["t-2"], []))?.drop).toBe("headers");
    expect(reg.match("GET", "/a", "google")).toBeUndefined();
    expect(resolved).toBe(3);
    const plain = new FaultRegistry();
    plain.add(FaultRuleInput.parse({ status: 500 }));
    expect(plain.match("GET", "/a", "google", target([], []))?.status).toBe(500);
    expect(resolved).toBe(3);
  });

  it("fires revoked-token rules only on credentialed requests and expired-cursor rules only on cursor requests", () => {
    const reg = new FaultRegistry();
    reg.add(FaultRuleInput.parse({ kind: "expiredCursor", provider: "google" }));
    reg.add(FaultRuleInput.parse({ kind: "revokedToken", provider: "microsoft", times: 1 }));
    expect(reg.match("GET", "/gmail/v1/users/me/messages", "google", undefined, { credentials: true })).toBeUndefined();
    expect(reg.match("GET", "/gmail/v1/users/me/history", "google", undefined, { cursor: true })?.kind).toBe("expiredCursor");
    expect(reg.match("GET", "/microsoft/graph/v1.0/users", "microsoft", undefined, {})).toBeUndefined();
    expect(reg.match("GET", "/microsoft/graph/v1.0/users", "microsoft", undefined, { credentials: true })?.kind).toBe("revokedToken");
    expect(reg.match("GET", "/microsoft/graph/v1.0/users", "microsoft", undefined, { credentials: true })).toBeUndefined();
  });

  it("rejects a rule that both drops and answers a status", () => {
    expect(FaultRuleInput.safeParse({ kind: "revokedToken", status: 500 }).success).toBe(false);
    expect(FaultRuleInput.safeParse({ kind: "expiredCursor", drop: "request" }).success).toBe(false);
    expect(FaultRuleInput.safeParse({ kind: "expiredCursor", delayMs: 100 }).success).toBe(true);
    expect(FaultRuleInput.safeParse({ kind: "staleToken" }).success).toBe(false);
    expect(FaultRuleInput.safeParse({ status: 500, drop: "request" }).success).toBe(false);
    expect(FaultRuleInput.safeParse({ drop: { afterBytes: 10 } }).success).toBe(true);
    expect(FaultRuleInput.safeParse({ path: "/x" }).success).toBe(false);
  });
});
