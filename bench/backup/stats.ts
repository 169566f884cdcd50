// The backup benchmark's arithmetic, kept pure for the unit tests: how much of a provider budget a
// run used (from the windows the sandbox charged), rates, and per-method call deltas.

/** One user's quota window as the sandbox reports it (GET /_control/tenants/{id}/throttling/usage). */
export interface UsageWindow {
  user: string;
  /** Epoch ms. */
  start: number;
  end: number;
  units: number;
  calls: number;
  refused: number;
  open: boolean;
}

export interface MethodUsage {
  calls: number;
  units: number;
  refused: number;
}

export interface BudgetUse {
  /** Units per user per window the provider allows. */
  budget: number;
  /** Windows that started in the phase (every user). */
  windows: number;
  /** Windows counted: each user's first and last window of the phase are left out (ramp-up, tail). */
  steadyWindows: number;
  /** Mean of units ÷ budget over the steady windows; null when no user had three windows or more. */
  fraction: number | null;
  min: number | null;
  max: number | null;
  /** Mean over every window of the phase, ramp-up and tail included (a floor for the steady figure). */
  fractionAll: number | null;
  /** 429s the sandbox answered in the phase's windows. */
  refused: number;
  /** Some window spent more than the budget (a sandbox bug if it ever happens: it refuses instead). */
  exceeded: boolean;
}

/** Windows that started within [from, to). */
export function windowsBetween(windows: readonly UsageWindow[], from: number, to: number): UsageWindow[] {
  return windows.filter((w) => w.start >= from && w.start < to);
}

/** Each user's windows in start order, without the first and the last. */
export function steadyWindows(windows: readonly UsageWindow[]): UsageWindow[] {
  const byUser = new Map<string, UsageWindow[]>();
  for (const w of windows) byUser.set(w.user, [...(byUser.get(w.user) ?? []), w]);
  const out: UsageWindow[] = [];
  for (const list of byUser.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    out.push(...sorted.slice(1, -1));
  }
  return out;
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** How much of `budget` units per user per window the phase's windows used. */
export function budgetUse(windows: readonly UsageWindow[], budget: number): BudgetUse {
  if (!(budget > 0)) throw new Error(`budget must be positive, got ${budget}`);
  const steady = steadyWindows(windows);
  const fractions = steady.map((w) => w.units / budget);
  return {
    budget,
    windows: windows.length,
    steadyWindows: steady.length,
    fraction: mean(fractions),
    min: fractions.length ? Math.min(...fractions) : null,
    max: fractions.length ? Math.max(...fractions) : null,
    fractionAll: mean(windows.map((w) => w.units / budget)),
    refused: windows.reduce((a, w) => a + w.refused, 0),
    exceeded: windows.some((w) => w.units > budget),
  };
}

/** Per-method calls, units and 429s spent between two snapshots of the cumulative counters. */
export function methodDelta(before: Readonly<Record<string, MethodUsage>>, after: Readonly<Record<string, MethodUsage>>): Record<string, MethodUsage> {
  const out: Record<string, MethodUsage> = {};
  for (const [m, a] of Object.entries(after)) {
    const b = before[m] ?? { calls: 0, units: 0, refused: 0 };
    const d = { calls: a.calls - b.calls, units: a.units - b.units, refused: a.refused - b.refused };
    if (d.calls < 0 || d.units < 0 || d.refused < 0) throw new Error(`usage counters of ${m} went backwards`);
    if (d.calls || d.units || d.refused) out[m] = d;
  }
  return out;
}

/** Differences of plain counters (requests by route, bytes), dropping zeros. */
export function counterDelta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, a] of after) {
    const d = a - (before.get(k) ?? 0);
    if (d !== 0) out[k] = d;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function perSecond(count: number, ms: number): number {
  if (!(ms > 0)) throw new Error(`elapsed time must be positive, got ${ms} ms`);
  return count / (ms / 1000);
}

export function mibPerSecond(bytes: number, ms: number): number {
  return perSecond(bytes, ms) / (1024 * 1024);
}

/**
 * The items/s a caller can reach when the budget alone binds: every window spent on items that
 * cost `unitsPerItem` (plus nothing else), per user.
 */
export function budgetCeiling(budgetPerWindow: number, windowSeconds: number, unitsPerItem: number, users: number): number {
  return ((budgetPerWindow / unitsPerItem) * users) / windowSeconds;
}

/** Request keys that fetched item content: Gmail raw/full messages and attachments, Drive media and exports. */
export function isContentDownload(key: string): boolean {
  return /messages\/:id (format=raw|format=full)/.test(key) || /messages\/:id$/.test(key) || /attachments/.test(key) || /alt=media/.test(key) || /\/export\b/.test(key) || /\/download\//.test(key) || /\$value/.test(key);
}

/**
 * A route key for an observed request: the method, the path with ids replaced by `:id`, and the
 * query parameters that change what is fetched (`format`, `alt`).
 */
export function routeKey(method: string, url: string): string {
  const u = new URL(url, "http://x");
  const segments = u.pathname.split("/").map((s, i, all) => {
    if (s === "" || i === 0) return s;
    const prev = all[i - 1] ?? "";
    // Path parameters: anything after a collection name that takes an id, and id-looking segments.
    if (["users", "messages", "files", "labels", "revisions", "attachments", "calendars", "events", "people", "drives", "threads"].includes(prev) && !["me", "messages", "labels", "history", "profile", "import", "send", "batchModify", "batchDelete"].includes(s)) return ":id";
    if (/\d/.test(s) && s.length > 6) return ":id";
    if (s.includes("@")) return ":id";
    return s;
  });
  const extras = ["format", "alt"].flatMap((p) => (u.searchParams.has(p) ? [`${p}=${u.searchParams.get(p) ?? ""}`] : []));
  return [method.toUpperCase(), segments.join("/"), ...extras].join(" ");
}

export function pct(x: number | null): string {
  return x === null ? "n/a" : `${(x * 100).toFixed(1)} %`;
}

export function fixed(x: number | null, digits = 1): string {
  return x === null ? "n/a" : x.toFixed(digits);
}

/**
 * Units spent ÷ units the budget allowed over the elapsed time (`users` budgets of `budget` per
 * `windowSeconds`): the budget use of a phase too short for steady windows.
 */
export function budgetRateUse(units: number, ms: number, budget: number, windowSeconds: number, users: number): number {
  if (!(ms > 0) || !(budget > 0) || !(windowSeconds > 0) || !(users > 0)) throw new Error("budgetRateUse needs a positive time, budget, window and user count");
  return units / ((ms / 1000 / windowSeconds) * budget * users);
}

/** Units per item: what one captured (or restored) item cost against the provider budget. */
export function unitsPerItem(methods: Readonly<Record<string, MethodUsage>>, items: number): number | null {
  if (items <= 0) return null;
  return Object.values(methods).reduce((a, m) => a + m.units, 0) / items;
}
