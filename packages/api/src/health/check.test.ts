import { describe, expect, it } from "vitest";
import { downComponents, redactError, runHealthChecks } from "./check";

const ok = () => Promise.resolve();
const fail = (message: string) => () => Promise.reject(new Error(message));

describe("runHealthChecks", () => {
  it("is ok when every probe answers", async () => {
    const report = await runHealthChecks({ db: ok, temporal: ok, vault: ok });
    expect(report.status).toBe("ok");
    expect(report.checks.db).toEqual({ ok: true, latencyMs: expect.any(Number) as number });
    expect(downComponents(report)).toEqual([]);
  });

  it("is degraded and names what is down", async () => {
    const report = await runHealthChecks({ db: ok, temporal: fail("connect ECONNREFUSED 127.0.0.1:7233"), vault: fail("fetch failed") });
    expect(report.status).toBe("degraded");
    expect(downComponents(report)).toEqual(["temporal", "vault"]);
    expect(report.checks.temporal.error).toContain("ECONNREFUSED");
  });

  it("times a hung probe out", async () => {
    const report = await runHealthChecks({ db: ok, temporal: () => new Promise(() => undefined), vault: ok }, { timeoutMs: 20 });
    expect(report.checks.temporal).toMatchObject({ ok: false, error: "no answer within 20 ms" });
  });

  it("aborts a probe that is still running when the time is up", async () => {
    let aborted = false;
    const probe = (signal: AbortSignal) =>
      new Promise<void>((_, reject) => signal.addEventListener("abort", () => ((aborted = true), reject(new Error("aborted")))));
    await runHealthChecks({ db: ok, temporal: ok, vault: probe }, { timeoutMs: 10 });
    expect(aborted).toBe(true);
  });
});

describe("redactError", () => {
  it("removes credentials from URLs", () => {
    expect(redactError("cannot reach postgres://holdfast_app:s3cret@db.internal:5432/holdfast")).toBe("cannot reach postgres://db.internal:5432/holdfast");
    expect(redactError("x".repeat(500))).toHaveLength(200);
  });
});
