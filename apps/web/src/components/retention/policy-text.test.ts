import { DEFAULT_RETENTION_POLICY } from "@holdfast/services/retention-policy";
import { describe, expect, it } from "vitest";
import { checkDraft, describePolicy, draftOf, policyOrigin, samePolicy, shorteningWarning, shortenedRules } from "./policy-text";

const D = DEFAULT_RETENTION_POLICY;

describe("describePolicy", () => {
  it("says the default in one paragraph", () => {
    expect(describePolicy(D)).toBe(
      "Every backup is kept 30 days. The first backup of each day is kept 90 days, of each week 26 weeks, of each month 12 months, of each year 7 years. A leaver's backups are kept at least 365 days.",
    );
  });

  it("leaves out rules at 0 and speaks of one in the singular", () => {
    expect(describePolicy({ ...D, keepAllDays: 1, daily: 0, weekly: 0, monthly: 1, yearly: 10, offboardedKeepDays: 0 })).toBe(
      "Every backup is kept 1 day. The first backup of each month is kept 1 month, of each year 10 years. A leaver's backups follow the same rules as everyone's.",
    );
    expect(describePolicy({ ...D, daily: 0, weekly: 0, monthly: 0, yearly: 0 })).toBe("Every backup is kept 30 days. A leaver's backups are kept at least 365 days.");
  });

  it("says forever and how long the lock is, whatever the other rules", () => {
    expect(describePolicy({ ...D, forever: true, yearly: 0 })).toBe("Every backup is kept forever (locked for 100 years).");
  });
});

describe("policyOrigin", () => {
  it("tells Holdfast's default from the organisation's own", () => {
    expect(policyOrigin("default")).toMatch(/Holdfast's default/);
    expect(policyOrigin("organization")).toBe("Set by this organisation.");
  });
});

describe("shortening", () => {
  it("names exactly the rules that get shorter", () => {
    expect(shortenedRules(D, { ...D, daily: 7, yearly: 10 })).toEqual(["daily"]);
    expect(shortenedRules(D, { ...D, daily: 7, yearly: 5, offboardedKeepDays: 30 })).toEqual(["daily", "yearly", "leavers"]);
    expect(shortenedRules(D, { ...D, yearly: 10 })).toEqual([]);
    // Forever beats every finite rule; leaving it is the shortening.
    expect(shortenedRules(D, { ...D, forever: true, keepAllDays: 1 })).toEqual([]);
    expect(shortenedRules({ ...D, forever: true }, { ...D, keepAllDays: 36_500 })).toEqual(["forever"]);
  });

  it("explains that a shortening needs a second administrator", () => {
    expect(shorteningWarning(D, { ...D, daily: 7, yearly: 1 })).toBe(
      "This shortens retention (daily, yearly). Saving sends it as a request: it needs approval by another owner, administrator or guardian, and applies only after the cooling-off delay.",
    );
  });
});

describe("checkDraft", () => {
  it("compares a valid draft with the policy in force", () => {
    expect(checkDraft(D, draftOf(D))).toEqual({ ok: true, policy: D, comparison: "same" });
    expect(checkDraft(D, { ...draftOf(D), yearly: "10" })).toEqual({ ok: true, policy: { ...D, yearly: 10 }, comparison: "longer" });
    expect(checkDraft(D, { ...draftOf(D), daily: "7" })).toMatchObject({ ok: true, comparison: "shorter" });
    expect(checkDraft(D, { ...draftOf(D), daily: " 7 ", yearly: "10" })).toMatchObject({ ok: true, comparison: "mixed" });
  });

  it("names each field that is not a valid number, with the service's own words for its range", () => {
    expect(checkDraft(D, { ...draftOf(D), daily: "", weekly: "1.5", monthly: "-1" })).toEqual({
      ok: false,
      errors: { daily: "Enter a number (0 for none)", weekly: "Enter a whole number of 0 or more", monthly: "Enter a whole number of 0 or more" },
    });
    expect(checkDraft(D, { ...draftOf(D), keepAllDays: "0", yearly: "101" })).toEqual({ ok: false, errors: { keepAllDays: "Must be at least 1 day", yearly: "Must be at most 100" } });
  });
});

describe("samePolicy", () => {
  it("ignores key order", () => {
    const { forever, ...rest } = D;
    expect(samePolicy(D, { forever, ...rest })).toBe(true);
    expect(samePolicy(D, { ...D, weekly: 27 })).toBe(false);
  });
});
