import { describe, expect, it } from "vitest";
import { classifySource, roughAge, sourceReasons, thresholds, type SourceFacts } from "./classify";

const NOW = new Date("2026-03-10T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);

const healthy: SourceFacts = {
  provider: "google",
  status: "connected",
  schedule: { timesPerDay: 3, jitterMinutes: 30, paused: false },
  connectedAt: hoursAgo(24 * 30),
  lastFinishedRun: { status: "completed", issueCount: 0, errorSummary: null },
  lastSuccessAt: hoursAgo(2),
  units: { total: 4, protected: 4, failing: 0, pending: 0 },
  issues: [],
};

const judge = (f: Partial<SourceFacts>) => {
  const reasons = sourceReasons({ ...healthy, ...f }, NOW);
  return { state: classifySource(reasons), codes: reasons.map((r) => r.code), reasons };
};

describe("thresholds", () => {
  it("is late after two intervals plus jitter, stopped after 48 h", () => {
    expect(thresholds({ timesPerDay: 3, jitterMinutes: 30 })).toEqual({ lateAfterSeconds: 16 * 3600 + 1800, stoppedAfterSeconds: 48 * 3600 });
    expect(thresholds({ timesPerDay: 24, jitterMinutes: 0 })).toEqual({ lateAfterSeconds: 2 * 3600, stoppedAfterSeconds: 48 * 3600 });
  });

  it("never stops before a daily schedule with long jitter is late", () => {
    expect(thresholds({ timesPerDay: 1, jitterMinutes: 720 })).toEqual({ lateAfterSeconds: 60 * 3600, stoppedAfterSeconds: 60 * 3600 });
  });
});

describe("sourceReasons / classifySource", () => {
  it("calls a source with a recent success and all units covered protected, with no reasons", () => {
    expect(judge({})).toMatchObject({ state: "protected", codes: [] });
  });

  it("is red (revoked) when consent was revoked, naming the provider's console and the fix", () => {
    const { state, reasons } = judge({ status: "revoked", lastSuccessAt: hoursAgo(1) });
    expect(state).toBe("revoked");
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: "consent_revoked", severity: "danger" });
    expect(reasons[0]!.message).toContain("Google Admin console");
    expect(reasons[0]!.action).toMatch(/^Reconnect/);
    expect(judge({ status: "revoked", provider: "microsoft" }).reasons[0]!.message).toContain("Microsoft Entra");
  });

  it("treats a disconnected source as revoked and an erroring one as failing", () => {
    expect(judge({ status: "disconnected" }).state).toBe("revoked");
    expect(judge({ status: "error" }).state).toBe("failing");
  });

  it("is pending while consent is awaited or the first backup has not finished", () => {
    expect(judge({ status: "pending_consent", lastSuccessAt: null, lastFinishedRun: null })).toMatchObject({ state: "pending", codes: ["consent_pending"] });
    expect(judge({ lastSuccessAt: null, lastFinishedRun: null, connectedAt: hoursAgo(3), units: { total: 2, protected: 0, failing: 0, pending: 2 } })).toMatchObject({
      state: "pending",
      codes: ["no_backup_yet"],
    });
  });

  it("is late (warning) past two intervals plus jitter, and stopped (red) past 48 h", () => {
    expect(judge({ lastSuccessAt: hoursAgo(16) }).state).toBe("protected");
    expect(judge({ lastSuccessAt: hoursAgo(17) })).toMatchObject({ state: "warning", codes: ["backups_late"] });
    const stopped = judge({ lastSuccessAt: hoursAgo(49) });
    expect(stopped).toMatchObject({ state: "stopped", codes: ["backups_stopped"] });
    expect(stopped.reasons[0]!.message).toBe("No backup has succeeded for 2 days.");
  });

  it("counts a never-successful source from its connection", () => {
    const r = judge({ lastSuccessAt: null, connectedAt: hoursAgo(72), lastFinishedRun: { status: "failed", issueCount: 0, errorSummary: "token expired" } });
    expect(r.state).toBe("stopped");
    expect(r.codes).toEqual(["backups_stopped", "last_run_failed"]);
    expect(r.reasons[1]!.message).toBe("The last backup failed: token expired");
  });

  it("is failing when the last run failed although the last success is recent", () => {
    expect(judge({ lastFinishedRun: { status: "failed", issueCount: 0, errorSummary: null } })).toMatchObject({ state: "failing", codes: ["last_run_failed"] });
  });

  it("explains a run with warnings by its commonest issue", () => {
    const r = judge({
      lastFinishedRun: { status: "completed_with_warnings", issueCount: 5, errorSummary: null },
      issues: [
        { reason: "not_found", count: 1 },
        { reason: "rate_limited", count: 4 },
      ],
    });
    expect(r.state).toBe("warning");
    expect(r.reasons[0]).toMatchObject({ code: "run_issues", message: "The last backup could not capture 5 items." });
    expect(r.reasons[0]!.action).toBe("Most were throttled by the provider: they are retried on the next run.");
    expect(r.reasons[0]!.issues?.map((i) => i.reason)).toEqual(["rate_limited", "not_found"]);
  });

  it("warns about paused schedules, failing units and an empty selection; new units are only informative", () => {
    expect(judge({ schedule: { ...healthy.schedule, paused: true } }).codes).toEqual(["schedule_paused"]);
    expect(judge({ units: { total: 4, protected: 3, failing: 1, pending: 0 } })).toMatchObject({ state: "warning", codes: ["units_failing"] });
    expect(judge({ units: { total: 0, protected: 0, failing: 0, pending: 0 } })).toMatchObject({ state: "warning", codes: ["no_units"] });
    expect(judge({ units: { total: 4, protected: 3, failing: 0, pending: 1 } })).toMatchObject({ state: "protected", codes: ["units_never_backed_up"] });
  });
});

describe("roughAge", () => {
  it("speaks in minutes, hours, then days", () => {
    expect(roughAge(30)).toBe("1 minute");
    expect(roughAge(600)).toBe("10 minutes");
    expect(roughAge(3 * 3600 + 5)).toBe("3 hours");
    expect(roughAge(47 * 3600)).toBe("47 hours");
    expect(roughAge(3 * 86_400)).toBe("3 days");
  });
});
