// Retention policies in plain words, and the form's fields: one place for the sentences the page
// shows, the labels the e2e walk finds fields by (docs/console-ui-contract.md) and the check that
// keeps the console from offering a save the service would refuse.
import { compareRetention, FOREVER_YEARS, RetentionPolicy, type RetentionComparison } from "@holdfast/services/retention-policy";

export type PolicyField = Exclude<keyof RetentionPolicy, "forever">;

export interface NumberFieldSpec {
  key: PolicyField;
  label: string;
  hint: string;
  min: number;
  max: number;
}

/** The numeric rules, in the order the form shows them (the leaver's rule comes after "forever"). */
export const POLICY_FIELDS: NumberFieldSpec[] = [
  { key: "keepAllDays", label: "Keep every backup for (days)", hint: "Every backup, whenever it was taken.", min: 1, max: 36_500 },
  { key: "daily", label: "Daily points for (days)", hint: "The first backup of each day. 0: none kept longer.", min: 0, max: 36_500 },
  { key: "weekly", label: "Weekly points for (weeks)", hint: "The first backup of each week, from Monday.", min: 0, max: 5_200 },
  { key: "monthly", label: "Monthly points for (months)", hint: "The first backup of each calendar month.", min: 0, max: 1_200 },
  { key: "yearly", label: "Yearly points for (years)", hint: "The first backup of each calendar year.", min: 0, max: 100 },
];

export const LEAVER_FIELD: NumberFieldSpec = {
  key: "offboardedKeepDays",
  label: "Keep a leaver's backups for (days)",
  hint: "At least this long once the person's account is suspended or deleted.",
  min: 0,
  max: 36_500,
};

export const FOREVER_LABEL = "Keep every backup forever";

/** The words for each rule in a shortening warning ("This shortens retention (daily, yearly)"). */
const RULE_WORD: Record<keyof RetentionPolicy, string> = {
  keepAllDays: "every backup",
  daily: "daily",
  weekly: "weekly",
  monthly: "monthly",
  yearly: "yearly",
  forever: "forever",
  offboardedKeepDays: "leavers",
};

const plural = (n: number, one: string) => `${n.toLocaleString("en-GB")} ${one}${n === 1 ? "" : "s"}`;

/**
 * One paragraph: "Every backup is kept 30 days. The first backup of each day is kept 90 days, of
 * each week 26 weeks, … A leaver's backups are kept at least 365 days." Rules at 0 are left out,
 * as the service ignores them.
 */
export function describePolicy(p: RetentionPolicy): string {
  if (p.forever) return `Every backup is kept forever (locked for ${FOREVER_YEARS} years).`;
  const periods: [period: "day" | "week" | "month" | "year", count: number][] = [
    ["day", p.daily],
    ["week", p.weekly],
    ["month", p.monthly],
    ["year", p.yearly],
  ];
  const points = periods.filter(([, n]) => n > 0).map(([period, n]): [string, string] => [period, plural(n, period)]);
  const sentences = [`Every backup is kept ${plural(p.keepAllDays, "day")}.`];
  // The first clause carries the verb; the rest share it ("…, of each week 26 weeks").
  const clauses = points.map(([period, amount], i) => (i === 0 ? `The first backup of each ${period} is kept ${amount}` : `of each ${period} ${amount}`));
  if (clauses.length > 0) sentences.push(`${clauses.join(", ")}.`);
  sentences.push(p.offboardedKeepDays > 0 ? `A leaver's backups are kept at least ${plural(p.offboardedKeepDays, "day")}.` : "A leaver's backups follow the same rules as everyone's.");
  return sentences.join(" ");
}

/** Where the policy in force comes from, for the line under the summary. */
export function policyOrigin(scope: "default" | "organization" | "source" | "unit"): string {
  if (scope === "default") return "Holdfast's default: this organisation has not set its own policy.";
  if (scope === "organization") return "Set by this organisation.";
  return scope === "source" ? "Set for this source." : "Set for this account.";
}

/** The rules `next` keeps for less time than `current`, in words (empty when none is shorter). */
export function shortenedRules(current: RetentionPolicy, next: RetentionPolicy): string[] {
  if (current.forever) return next.forever ? [] : [RULE_WORD.forever];
  if (next.forever) return [];
  return (Object.keys(RULE_WORD) as (keyof RetentionPolicy)[]).filter((k) => k !== "forever" && next[k] < current[k]).map((k) => RULE_WORD[k]);
}

export function shorteningWarning(current: RetentionPolicy, next: RetentionPolicy): string {
  const rules = shortenedRules(current, next);
  return `This shortens retention${rules.length > 0 ? ` (${rules.join(", ")})` : ""}. Saving sends it as a request: it needs approval by another owner, administrator or guardian, and applies only after the cooling-off delay.`;
}

/** The form's text boxes, as typed. */
export type PolicyDraft = Record<PolicyField, string> & { forever: boolean };

export function draftOf(p: RetentionPolicy): PolicyDraft {
  return {
    keepAllDays: String(p.keepAllDays),
    daily: String(p.daily),
    weekly: String(p.weekly),
    monthly: String(p.monthly),
    yearly: String(p.yearly),
    offboardedKeepDays: String(p.offboardedKeepDays),
    forever: p.forever,
  };
}

export type DraftCheck =
  | { ok: true; policy: RetentionPolicy; comparison: RetentionComparison }
  | { ok: false; errors: Partial<Record<PolicyField, string>> };

/**
 * The draft as a policy, checked by the same schema the service uses (so a field's message is the
 * service's, e.g. "must be at least 1 day"), and how it compares with the policy in force.
 */
export function checkDraft(current: RetentionPolicy, draft: PolicyDraft): DraftCheck {
  const errors: Partial<Record<PolicyField, string>> = {};
  const numbers = {} as Record<PolicyField, number>;
  for (const { key } of [...POLICY_FIELDS, LEAVER_FIELD]) {
    const text = draft[key].trim();
    if (text === "") errors[key] = "Enter a number (0 for none)";
    else if (!/^\d+$/.test(text)) errors[key] = "Enter a whole number of 0 or more";
    else numbers[key] = Number(text);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = RetentionPolicy.safeParse({ ...numbers, forever: draft.forever });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as PolicyField;
      errors[key] ??= `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}`;
    }
    return { ok: false, errors };
  }
  return { ok: true, policy: parsed.data, comparison: compareRetention(current, parsed.data) };
}

/** Two policies are the same rules (key order aside). */
export function samePolicy(a: RetentionPolicy, b: RetentionPolicy): boolean {
  return (Object.keys(RULE_WORD) as (keyof RetentionPolicy)[]).every((k) => a[k] === b[k]);
}
