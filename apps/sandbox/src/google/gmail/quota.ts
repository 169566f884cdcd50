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

export class GmailQuota {
  limits: GmailQuotaLimits = GmailQuotaLimits.parse({});
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  configure(limits: GmailQuotaLimits): void {
    this.limits = limits;
    this.windows.clear();
  }

  /** Spends the method's units from `user`'s window; a refused request spends nothing. */
  charge(user: string, method: GmailMethod): QuotaCharge {
    const cost = GMAIL_METHOD_COSTS[method];
    const now = this.now();
    const windowMs = this.limits.windowSeconds * 1000;
    let w = this.windows.get(user);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(user, w);
    }
    if (w.used + cost > this.limits.unitsPerUserPerMinute) return { ok: false, retryAfter: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) };
    w.used += cost;
    return { ok: true, remaining: this.limits.unitsPerUserPerMinute - w.used };
  }
}
