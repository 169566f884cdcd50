// Gmail's per-user usage limit (https://developers.google.com/gmail/api/reference/quota): every
// method costs a documented number of quota units, and a user may spend 15,000 units per minute;
// beyond that Google answers 429 with reason `userRateLimitExceeded` (the per-project limit,
// 1,200,000 units per minute, is not emulated). The window here is fixed (it starts with the
// user's first request), like the Graph throttle; clients that honour Retry-After do not notice.
import { z } from "zod";

/** Units per method, from the documented table (only the methods the sandbox serves). */
export const GMAIL_METHOD_COSTS = {
  getProfile: 1,
  "labels.list": 1,
  "labels.get": 1,
  "labels.create": 5,
  "labels.update": 5,
  "labels.patch": 5,
  "labels.delete": 5,
  "messages.list": 5,
  "messages.get": 5,
  "messages.attachments.get": 5,
  "messages.delete": 10,
  "messages.modify": 5,
  "messages.insert": 25,
  "messages.import": 25,
  "history.list": 2,
} as const;
export type GmailMethod = keyof typeof GMAIL_METHOD_COSTS;

export const GmailQuotaLimits = z.object({
  unitsPerUserPerMinute: z.number().int().min(1).default(15_000),
  /** The window the units are counted over (60 s as documented; shorter for tests). */
  windowSeconds: z.number().int().min(1).default(60),
});
export type GmailQuotaLimits = z.infer<typeof GmailQuotaLimits>;

export type QuotaCharge = { ok: true; remaining: number } | { ok: false; retryAfter: number };

/** One user's window as it was spent: what a run cost, read back through the control API. */
export interface QuotaWindowUsage {
  user: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms: the window's scheduled end, or when a new configuration cut it short. */
  end: number;
  /** Units charged (refused calls spend nothing). */
  units: number;
  calls: number;
  /** Calls answered 429 in this window. */
  refused: number;
  /** Still the user's current window. */
  open: boolean;
}

export interface MethodUsage {
  calls: number;
  units: number;
  refused: number;
}

export interface GmailQuotaUsage {
  limits: GmailQuotaLimits;
  /** Per method since the tenant was created: admitted calls, the units they spent, and 429s. */
  methods: Partial<Record<GmailMethod, MethodUsage>>;
  /** Every user's windows, oldest first (the last MAX_WINDOW_HISTORY closed ones plus the open ones). */
  windows: QuotaWindowUsage[];
}

/** Closed windows kept for `usage()` (a 200-user tenant busy for an hour is 12,000). */
export const MAX_WINDOW_HISTORY = 20_000;

type Window = { start: number; used: number; calls: number; refused: number };

export class GmailQuota {
  limits: GmailQuotaLimits = GmailQuotaLimits.parse({});
  private readonly windows = new Map<string, Window>();
  private readonly closed: QuotaWindowUsage[] = [];
  private readonly methods = new Map<GmailMethod, MethodUsage>();

  constructor(private readonly now: () => number = Date.now) {}

  configure(limits: GmailQuotaLimits): void {
    const now = this.now();
    for (const [user, w] of this.windows) this.close(user, w, Math.min(now, w.start + this.limits.windowSeconds * 1000));
    this.limits = limits;
    this.windows.clear();
  }

  /** What was spent: per method, and per user and window (read-only; counting never resets). */
  usage(): GmailQuotaUsage {
    const windowMs = this.limits.windowSeconds * 1000;
    const open = [...this.windows].map(([user, w]) => ({ user, start: w.start, end: w.start + windowMs, units: w.used, calls: w.calls, refused: w.refused, open: true }));
    return {
      limits: this.limits,
      methods: Object.fromEntries([...this.methods].map(([m, u]) => [m, { ...u }])),
      windows: [...this.closed, ...open].sort((a, b) => a.start - b.start),
    };
  }

  private close(user: string, w: Window, end: number): void {
    this.closed.push({ user, start: w.start, end, units: w.used, calls: w.calls, refused: w.refused, open: false });
    if (this.closed.length > MAX_WINDOW_HISTORY) this.closed.splice(0, this.closed.length - MAX_WINDOW_HISTORY);
  }

  private count(method: GmailMethod, units: number, refused: boolean): void {
    const m = this.methods.get(method) ?? { calls: 0, units: 0, refused: 0 };
    if (refused) m.refused += 1;
    else {
      m.calls += 1;
      m.units += units;
    }
    this.methods.set(method, m);
  }

  /** Spends the method's units from `user`'s window; a refused request spends nothing. */
  charge(user: string, method: GmailMethod): QuotaCharge {
    const cost = GMAIL_METHOD_COSTS[method];
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let w = this.windows.get(user);
    if (!w || now - w.start >= windowMs) {
      if (w) this.close(user, w, w.start + windowMs);
      w = { start: now, used: 0, calls: 0, refused: 0 };
      this.windows.set(user, w);
    }
    if (w.used + cost > this.limits.unitsPerUserPerMinute) {
      w.refused += 1;
      this.count(method, cost, true);
      return { ok: false, retryAfter: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) };
    }
    w.used += cost;
    w.calls += 1;
    this.count(method, cost, false);
    return { ok: true, remaining: this.limits.unitsPerUserPerMinute - w.used };
  }
}
