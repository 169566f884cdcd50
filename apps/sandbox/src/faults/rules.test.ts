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
